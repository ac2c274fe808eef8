"""The permission matrix, proven over every URL in the URL conf × role, on the role's own team:
a view the role may use answers (not 403/404), one it may not is a 403, an object the role
cannot see is a 404. New URLs fail here until they are given their action in URL_ACTIONS."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coaching.analysis.models import TrackEdit
from coaching.api.models import TusUpload
from coaching.athletes.invitations import invitation_create
from coaching.athletes.models import Membership, Role
from coaching.athletes.permissions import Action, permission_matrix_markdown
from coaching.jobs.models import JobStatus
from coaching.learning.models import ActionLabel, TeamActionModel
from coaching.reviews.models import Annotation, Comment
from tests.support import ROOT, store_small_poses

pytestmark = pytest.mark.django_db

# Each scoped URL: the action it needs (None: seeing the object is enough), and whether its
# object is team-level (only coaches see the team) or belongs to an athlete.
URL_ACTIONS = {
    "team_detail": (Action.VIEW_TEAM, "team"),
    "team_members": (Action.MANAGE_MEMBERS, "team"),
    "membership_delete": (Action.MANAGE_MEMBERS, "team"),
    "team_settings": (Action.MANAGE_MEMBERS, "team"),
    "athlete_create": (Action.EDIT_ATHLETE, "team"),
    "athlete_detail": (None, "athlete"),
    "athlete_edit": (Action.EDIT_ATHLETE, "athlete"),
    "athlete_delete": (Action.DELETE, "athlete"),
    "athlete_login": (Action.MANAGE_MEMBERS, "athlete"),
    "video_upload": (Action.UPLOAD, "athlete"),
    "video_detail": (None, "athlete"),
    "video_status": (None, "athlete"),
    "video_rerun": (Action.RERUN, "athlete"),
    "video_capture_rate": (Action.RERUN, "athlete"),
    "video_delete": (Action.DELETE, "athlete"),
    "video_original": (None, "athlete"),
    "analysis_file": (None, "athlete"),
    "analysis_athlete": (Action.RERUN, "athlete"),
    "analysis_athlete_confirm": (Action.RERUN, "athlete"),
    "analysis_cancel": (Action.RERUN, "athlete"),
    "analysis_tracks": (None, "athlete"),
    "analysis_track_edit": (Action.RERUN, "athlete"),
    "analysis_report": (None, "athlete"),
    "analysis_export": (None, "athlete"),
    "render_start": (Action.RENDER, "athlete"),
    "render_status": (None, "athlete"),
    "render_file": (None, "athlete"),
    # Review tools (coaching/reviews): drawing is for coaches (VIEW_TEAM), the thread for all.
    "annotation_list": (None, "athlete"),
    "annotation_create": (Action.VIEW_TEAM, "athlete"),
    "annotation_update": (Action.VIEW_TEAM, "athlete"),
    "annotation_delete": (Action.VIEW_TEAM, "athlete"),
    "comment_list": (None, "athlete"),
    "comment_create": (None, "athlete"),
    "comment_delete": (None, "athlete"),
    # Teaching moves (coaching/learning): labels and team models are for coaches who teach.
    "label_create": (Action.TEACH, "athlete"),
    "label_delete": (Action.TEACH, "athlete"),
    "analysis_relabel": (Action.TEACH, "athlete"),
    "team_moves": (Action.VIEW_TEAM, "team"),
    "team_moves_train": (Action.TEACH, "team"),
    "team_moves_activate": (Action.TEACH, "team"),
    "action_model_status": (Action.VIEW_TEAM, "team"),
    # Progress and comparison (coaching/progress): references and the dashboard are for coaches.
    "athlete_progress": (None, "athlete"),
    "analysis_compare": (None, "athlete"),
    "reference_set": (Action.VIEW_TEAM, "athlete"),
    "team_dashboard": (Action.VIEW_TEAM, "team"),
    "team_references": (Action.VIEW_TEAM, "team"),
    # The REST API (coaching/api): the same table. Methods other than GET/POST, and POSTs that
    # need more than GET, are in API_METHOD_ACTIONS.
    "team_webhooks": (Action.MANAGE_MEMBERS, "team"),
    "api_team_detail": (Action.VIEW_TEAM, "team"),
    "api_athlete_create": (Action.EDIT_ATHLETE, "team"),
    "api_athlete_detail": (None, "athlete"),
    "api_athlete_metrics": (None, "athlete"),
    "api_upload_create": (Action.UPLOAD, "athlete"),
    "api_upload": (Action.UPLOAD, "athlete"),
    "api_video_detail": (None, "athlete"),
    "api_video_original": (None, "athlete"),
    "api_analysis_file": (None, "athlete"),
    "api_video_rerun": (Action.RERUN, "athlete"),
    "api_comment_list": (None, "athlete"),
    "api_comment_detail": (None, "athlete"),
    "api_annotation_list": (None, "athlete"),
    "api_annotation_detail": (Action.VIEW_TEAM, "athlete"),
    "api_analysis_detail": (None, "athlete"),
    "api_analysis_cancel": (Action.RERUN, "athlete"),
    "api_analysis_summary": (None, "athlete"),
    "api_analysis_events": (None, "athlete"),
    "api_analysis_findings": (None, "athlete"),
    "api_analysis_actions": (None, "athlete"),
    "api_analysis_angles": (None, "athlete"),
    "api_analysis_export": (None, "athlete"),
    "api_analysis_tracks": (None, "athlete"),
    "api_track_edit_list": (Action.RERUN, "athlete"),
    "api_track_edit_detail": (None, "athlete"),
}
# Only the author changes or deletes a drawing or comment (the fixture's are the head coach's).
AUTHOR = "author"
API_METHOD_ACTIONS: dict[str, dict[str, Action | str | None]] = {
    "api_athlete_detail": {"patch": Action.EDIT_ATHLETE, "delete": Action.DELETE},
    "api_video_detail": {"delete": Action.DELETE},
    "api_annotation_list": {"post": Action.VIEW_TEAM},
    "api_annotation_detail": {"patch": AUTHOR, "delete": AUTHOR},
    "api_comment_detail": {"delete": AUTHOR},
    "api_upload": {"head": Action.UPLOAD, "patch": Action.UPLOAD, "delete": Action.UPLOAD},
    "api_track_edit_list": {"get": None},  # seeing the analysis is enough to see its edits
}
ROLES = ("head_coach", "assistant_coach", "athlete")


def _patterns(resolver: URLResolver):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name != "admin":
                yield from _patterns(entry)
        elif isinstance(entry, URLPattern):
            yield entry


SCOPED = sorted(p.name for p in _patterns(get_resolver())
                if p.pattern.converters and p.name != "invitation_accept")


def test_every_scoped_url_has_an_action() -> None:
    assert set(SCOPED) == set(URL_ACTIONS)


def _own_kwargs(world, name: str, user: User | None = None) -> dict[str, object]:
    pattern = next(p for p in _patterns(get_resolver()) if p.name == name)
    values = {"team_id": world.team.pk, "athlete_id": world.ann.pk, "video_id": world.video.pk,
              "analysis_id": world.analysis.pk, "kind": "proxy", "fmt": "openpose",
              "render_id": world.render.pk,
              "membership_id": Membership.objects.get(user=world.other_member).pk,
              "label_id": world.label.pk, "action_model_id": world.action_model.pk,
              "version": world.action_model.version,
              "comment_id": world.comment.pk, "annotation_id": world.annotation.pk,
              "track_edit_id": world.track_edit.pk}
    if "upload_id" in pattern.pattern.converters:  # an upload answers only whoever made it
        values["upload_id"] = TusUpload.objects.create(
            user=user or world.coach, athlete=world.ann, length=10, metadata={"filename": "a.mp4"}).pk
    return {key: values[key] for key in pattern.pattern.converters}


@pytest.fixture
def team_world(world):
    world.assistant = User.objects.create_user("assistant", password="pw-assistant-123")
    Membership.objects.create(team=world.team, user=world.assistant, role=Role.ASSISTANT_COACH)
    world.other_member = User.objects.create_user("member", password="pw-member-123")
    Membership.objects.create(team=world.team, user=world.other_member, role=Role.ASSISTANT_COACH)
    world.team.athletes_can_upload = True
    world.team.save()
    store_small_poses(world.analysis)
    world.label = ActionLabel.objects.create(analysis=world.analysis, label="walk", start=0, end=0.4)
    world.action_model = TeamActionModel.objects.create(team=world.team, version=1)
    world.analysis.angles_csv.save("angles.csv", ContentFile(b"time_s,left_knee\n0.0,12.5\n"))
    world.track_edit = TrackEdit.objects.create(analysis=world.analysis, operation="drop", track_id=0,
                                                status=JobStatus.FAILED)
    world.comment = Comment.objects.create(video=world.video, author=world.coach, body="Knees out")
    world.annotation = Annotation.objects.create(
        video=world.video, author=world.coach, kind="line", t_start=0, t_end=0.4,
        geometry={"points": [[1, 1], [20, 20]]})
    return world


def _user(world, role: str):
    return {"head_coach": world.coach, "assistant_coach": world.assistant, "athlete": world.ann_user}[role]


@pytest.mark.parametrize("name", SCOPED)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, team_world, name: str, role: str) -> None:
    from coaching.athletes.permissions import PERMISSIONS

    action, level = URL_ACTIONS[name]
    user = _user(team_world, role)
    client.force_login(user)
    url = reverse(name, kwargs=_own_kwargs(team_world, name, user))
    sees = role != "athlete" or level == "athlete"  # ann's own profile, video, analysis

    def may(needed: Action | str | None) -> bool:
        if needed == AUTHOR:
            return user == team_world.coach
        return needed is None or needed in PERMISSIONS[Role(role)] or (
            needed == Action.UPLOAD and role == "athlete")  # own videos, team allows it

    methods = {"get": action, "post": action, **API_METHOD_ACTIONS.get(name, {})}
    codes = {m: getattr(client, m)(url).status_code for m in methods}
    assert [c for c in codes.values() if c != 405], (name, codes)
    for method, needed in methods.items():
        code = codes[method]
        if code == 405:
            continue
        if not sees:
            assert code == 404, (name, role, codes)
        elif not may(needed):
            assert code == 403, (name, role, method, codes)
        else:
            assert code not in {403, 404, 500}, (name, role, method, codes)


def test_athlete_upload_depends_on_the_team_setting(client, team_world) -> None:
    client.force_login(team_world.ann_user)
    url = reverse("video_upload", args=[team_world.ann.pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("video_upload", args=[team_world.al.pk])).status_code == 404
    team_world.team.athletes_can_upload = False
    team_world.team.save()
    assert client.get(url).status_code == 403


def test_readme_shows_the_permission_matrix() -> None:
    assert permission_matrix_markdown() in (ROOT / "README.md").read_text()


def test_invitation_flow(client, team_world) -> None:
    invitation = invitation_create(team=team_world.team, role=Role.ATHLETE,
                                   created_by=team_world.coach, athlete=team_world.al)
    url = reverse("invitation_accept", args=[invitation.token])
    page = client.get(url).content.decode()
    assert "Join Team A" in page and "Al" in page
    response = client.post(url, {"username": "al-runner", "password1": "long-enough-pw-42",
                                 "password2": "long-enough-pw-42"})
    assert response.status_code == 302
    team_world.al.refresh_from_db()
    assert team_world.al.user.username == "al-runner"
    assert client.get(reverse("video_detail", args=[team_world.video_al.pk])).status_code == 200
    assert client.get(reverse("video_detail", args=[team_world.video.pk])).status_code == 404
    reused = client.post(url)
    assert "already used" in reused.content.decode()
    assert client.get(reverse("invitation_accept", args=["not-a-token"])).status_code == 404


def test_assistant_invitation_and_removal(client, team_world) -> None:
    client.force_login(team_world.coach)
    response = client.post(reverse("team_members", args=[team_world.team.pk]),
                           {"role": "assistant_coach", "athlete": ""})
    assert response.status_code == 302
    token = team_world.team.invitations.get(role="assistant_coach").token
    newcomer = User.objects.create_user("newcomer", password="pw-newcomer-123")
    client.force_login(newcomer)
    client.post(reverse("invitation_accept", args=[token]))
    assert Membership.objects.get(user=newcomer).role == Role.ASSISTANT_COACH
    assert client.get(reverse("team_detail", args=[team_world.team.pk])).status_code == 200
    client.force_login(team_world.coach)
    membership = Membership.objects.get(user=newcomer)
    client.post(reverse("membership_delete", args=[team_world.team.pk, membership.pk]))
    assert not Membership.objects.filter(user=newcomer).exists()
    head = Membership.objects.get(user=team_world.coach)
    client.post(reverse("membership_delete", args=[team_world.team.pk, head.pk]))
    assert Membership.objects.filter(pk=head.pk).exists()  # the only head coach stays
