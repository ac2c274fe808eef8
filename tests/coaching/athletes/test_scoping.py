"""Every URL in the URL conf, asked for with another team's objects, is a 404 — for GET and
POST. New URLs are covered automatically; a URL with a parameter this test does not know fails
until the parameter is added to OTHER_TEAM_KWARGS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# How to fill each URL parameter with an object of team B (the other coach's team).
OTHER_TEAM_KWARGS = {
    "team_id": lambda w: w.team_b.pk,
    "athlete_id": lambda w: w.bob.pk,
    "video_id": lambda w: w.video_b.pk,
    "analysis_id": lambda w: w.analysis_b.pk,
    "kind": lambda w: "proxy",
    "fmt": lambda w: "openpose",
    "render_id": lambda w: w.render_b.pk,
    "membership_id": lambda w: w.team_b.memberships.first().pk,
    "label_id": lambda w: _label_b(w).pk,
    "action_model_id": lambda w: _action_model_b(w).pk,
    "version": lambda w: _action_model_b(w).version,
    "comment_id": lambda w: _comment_b(w).pk,
    "annotation_id": lambda w: _annotation_b(w).pk,
    "upload_id": lambda w: _upload_b(w).pk,
    "track_edit_id": lambda w: _track_edit_b(w).pk,
}
# The API's endpoints answer more methods than GET and POST; each must be a 404 too.
API_METHODS = ("get", "post", "head", "patch", "delete")
# The API's schema and its documentation page describe the API and hold no data.
API_PUBLIC = {"api_schema", "api_docs"}


def _comment_b(w):  # noqa: ANN001, ANN202
    from coaching.reviews.models import Comment

    return Comment.objects.create(video=w.video_b, author=w.other_coach, body="B's thread")


def _annotation_b(w):  # noqa: ANN001, ANN202
    from coaching.reviews.models import Annotation

    return Annotation.objects.create(video=w.video_b, author=w.other_coach, kind="line", t_start=0,
                                     t_end=0.4, geometry={"points": [[1, 1], [20, 20]]})


def _upload_b(w):  # noqa: ANN001, ANN202
    from coaching.api.models import TusUpload

    return TusUpload.objects.create(user=w.other_coach, athlete=w.bob, length=10,
                                    metadata={"filename": "b.mp4"})


def _track_edit_b(w):  # noqa: ANN001, ANN202
    from coaching.analysis.models import TrackEdit

    return TrackEdit.objects.create(analysis=w.analysis_b, operation="drop", track_id=0)


def _label_b(w):  # noqa: ANN001, ANN202
    from coaching.learning.models import ActionLabel

    return ActionLabel.objects.create(analysis=w.analysis_b, label="kick", start=0, end=0.4)


def _action_model_b(w):  # noqa: ANN001, ANN202
    from coaching.learning.models import TeamActionModel

    return TeamActionModel.objects.get_or_create(team=w.team_b, version=1)[0]
# Capability URLs: the unguessable token is the credential (tested in test_roles.py).
CAPABILITY = {"invitation_accept"}


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[URLPattern]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # Django's admin has its own staff-only permission checks
            yield from _patterns(entry, prefix + str(entry.pattern))
        else:
            yield entry


SCOPED = [p.name for p in _patterns(get_resolver()) if p.pattern.converters and p.name not in CAPABILITY]
PUBLIC = {"login"} | CAPABILITY
ALL_NAMED = [p.name for p in _patterns(get_resolver()) if p.name]


def _url(name: str, world: object) -> str:
    pattern = next(p for p in _patterns(get_resolver()) if p.name == name)
    kwargs = {}
    for key in pattern.pattern.converters:
        assert key in OTHER_TEAM_KWARGS, f"add {key!r} to OTHER_TEAM_KWARGS so {name} is covered"
        kwargs[key] = OTHER_TEAM_KWARGS[key](world)
    return reverse(name, kwargs=kwargs)


def test_the_url_conf_has_scoped_urls() -> None:
    assert len(SCOPED) >= 10


@pytest.mark.parametrize("name", SCOPED)
@pytest.mark.parametrize("who", ["coach", "ann_user"])
def test_other_teams_objects_are_404(client, world, name: str, who: str) -> None:
    client.force_login(getattr(world, who))
    url = _url(name, world)
    methods = API_METHODS if name.startswith("api_") else ("get", "post")
    codes = {method: getattr(client, method)(url).status_code for method in methods}
    # 405 for a method the view never accepts reveals nothing; the other method must be a 404.
    assert set(codes.values()) <= {404, 405}, (name, codes)
    assert 404 in codes.values(), (name, codes)


@pytest.mark.parametrize("name", [n for n in ALL_NAMED if n not in PUBLIC])
def test_anonymous_is_sent_to_login(client, world, name: str) -> None:
    pattern = next(p for p in _patterns(get_resolver()) if p.name == name)
    kwargs = {k: OTHER_TEAM_KWARGS[k](world) for k in pattern.pattern.converters}
    response = client.get(reverse(name, kwargs=kwargs))
    if name in API_PUBLIC:
        assert response.status_code == 200
        return
    if name.startswith("api_") and name != "api_tokens":  # no session redirect for API clients
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
        return
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert reverse("login") in response["Location"]


def test_athlete_sees_own_video_not_teammates(client, world) -> None:
    client.force_login(world.ann_user)
    assert client.get(reverse("video_detail", args=[world.video.pk])).status_code == 200
    assert client.get(reverse("video_detail", args=[world.video_al.pk])).status_code == 404
    assert client.get(reverse("athlete_detail", args=[world.al.pk])).status_code == 404
    assert client.get(reverse("team_detail", args=[world.team.pk])).status_code == 404


def test_athlete_cannot_do_coach_actions_on_own_objects(client, world) -> None:
    client.force_login(world.ann_user)
    assert client.post(reverse("video_delete", args=[world.video.pk])).status_code == 403
    assert client.post(reverse("athlete_delete", args=[world.ann.pk])).status_code == 403
    assert client.get(reverse("video_upload", args=[world.ann.pk])).status_code == 403


def test_coach_sees_own_team(client, world) -> None:
    client.force_login(world.coach)
    for name, arg in [("team_detail", world.team.pk), ("athlete_detail", world.al.pk),
                      ("video_detail", world.video_al.pk), ("video_upload", world.al.pk)]:
        assert client.get(reverse(name, args=[arg])).status_code == 200, name


def test_protected_file_download_supports_ranges(client, world) -> None:
    client.force_login(world.coach)
    url = reverse("analysis_file", args=[world.analysis.pk, "proxy"])
    full = client.get(url)
    assert full.status_code == 200
    body = b"".join(full.streaming_content)
    assert body[4:8] == b"ftyp"
    part = client.get(url, HTTP_RANGE="bytes=4-11")
    assert part.status_code == 206
    assert b"".join(part.streaming_content) == body[4:12]
    assert part["Content-Range"] == f"bytes 4-11/{len(body)}"
    assert client.get(url, HTTP_RANGE=f"bytes={len(body) + 5}-").status_code == 416
