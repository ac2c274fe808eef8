"""Review tools: annotation and comment services, their scoping (another team: 404; an athlete
cannot draw or edit a coach's drawing: 403), the unread count in the navigation."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coaching.athletes.models import Membership, Role
from coaching.reviews import services
from coaching.reviews.models import Annotation, Comment
from coaching.reviews.selectors import review_unread_by_video, review_unread_count

pytestmark = pytest.mark.django_db

ANGLE = {"points": [[10, 50], [40, 20], [80, 50]]}


def _angle(world, *, video=None, author=None, t_start=0.1, t_end=0.3) -> Annotation:
    return services.annotation_create(video=video or world.video, author=author or world.coach,
                                      kind="angle", t_start=t_start, t_end=t_end, geometry=ANGLE)


def _post(client, name: str, video, data: dict) -> object:
    return client.post(reverse(name, args=[video.pk]), json.dumps(data), content_type="application/json")


# --- services ------------------------------------------------------------------------------

def test_annotation_create_keeps_source_pixels_and_range(world) -> None:
    a = _angle(world)
    assert a.geometry == ANGLE and (a.t_start, a.t_end) == (0.1, 0.3) and a.colour == "#ff3b30"


@pytest.mark.parametrize(("kind", "geometry", "message"), [
    ("angle", {"points": [[1, 1], [2, 2]]}, "needs 3 points"),
    ("line", {"points": [[1, 1], [200, 2]]}, "outside the 96×64 frame"),
    ("arrow", {"points": [[1, 1], ["a", 2]]}, "must be a number"),
    ("arrow", [[1, 1], [2, 2]], "no points"),
    ("circle", {"points": [[1, 1]]}, "Unknown drawing kind"),
    ("text", {"points": [[1, 1]]}, "Type the text"),
])
def test_annotation_create_refuses_bad_geometry(world, kind, geometry, message) -> None:
    with pytest.raises(ValidationError) as exc:
        services.annotation_create(video=world.video, author=world.coach, kind=kind,
                                   t_start=0, t_end=0.2, geometry=geometry)
    assert message in " ".join(exc.value.messages)
    assert not Annotation.objects.exists()


def test_annotation_time_range_and_colour_are_checked(world) -> None:
    for t_start, t_end in [(-1, 0.2), (0.3, 0.3), (0.3, 0.1), (5.0, 6.0)]:
        with pytest.raises(ValidationError):
            _angle(world, t_start=t_start, t_end=t_end)
    with pytest.raises(ValidationError):
        services.annotation_create(video=world.video, author=world.coach, kind="angle", t_start=0,
                                   t_end=0.2, geometry=ANGLE, colour="red;")


def test_calibration_is_stored_with_a_distance(world) -> None:
    d = services.annotation_create(
        video=world.video, author=world.coach, kind="distance", t_start=0, t_end=0.4,
        geometry={"points": [[0, 10], [60, 10]]},
        calibration={"method": "reference", "reference_m": 1.7, "reference_px": 50})
    assert d.calibration["metres_per_pixel"] == pytest.approx(0.034)
    with pytest.raises(ValidationError, match="Only lines and distances"):
        services.annotation_create(video=world.video, author=world.coach, kind="angle", t_start=0,
                                   t_end=0.2, geometry=ANGLE, calibration=d.calibration)
    with pytest.raises(ValidationError, match="too short"):
        services.annotation_create(
            video=world.video, author=world.coach, kind="line", t_start=0, t_end=0.2,
            geometry={"points": [[0, 10], [60, 10]]},
            calibration={"method": "reference", "reference_m": 1.7, "reference_px": 2})


def test_only_the_author_edits_or_deletes(world) -> None:
    a = _angle(world)
    assistant = User.objects.create_user("assistant")
    Membership.objects.create(team=world.team, user=assistant, role=Role.ASSISTANT_COACH)
    for other in (assistant, world.ann_user):
        with pytest.raises(PermissionDenied):
            services.annotation_update(annotation=a, editor=other, text="mine now")
        with pytest.raises(PermissionDenied):
            services.annotation_delete(annotation=a, editor=other)
    services.annotation_update(annotation=a, editor=world.coach, t_end=0.45, colour="#00FF00")
    a.refresh_from_db()
    assert (a.t_start, a.t_end, a.colour) == (0.1, 0.45, "#00ff00")
    services.annotation_delete(annotation=a, editor=world.coach)
    assert not Annotation.objects.exists()


def test_comment_takes_its_annotations_time_and_must_be_on_the_same_video(world) -> None:
    a = _angle(world)
    c = services.comment_create(video=world.video, author=world.coach, body=" Knee caves in ",
                                annotation=a)
    assert (c.body, c.t_start, c.t_end) == ("Knee caves in", 0.1, 0.3)
    with pytest.raises(ValidationError, match="another video"):
        services.comment_create(video=world.video_al, author=world.coach, body="x", annotation=a)
    with pytest.raises(ValidationError, match="Write something"):
        services.comment_create(video=world.video, author=world.coach, body="  ")
    with pytest.raises(ValidationError, match="needs a start"):
        services.comment_create(video=world.video, author=world.coach, body="x", t_end=0.2)


def test_unread_counts_others_items_until_read(world) -> None:
    services.comment_create(video=world.video, author=world.coach, body="Look at 0.2 s", t_start=0.2)
    _angle(world)
    services.comment_create(video=world.video_al, author=world.coach, body="For Al")
    assert review_unread_count(user=world.coach) == 0  # one's own items are never unread
    assert review_unread_count(user=world.ann_user) == 2  # not Al's video
    assert review_unread_count(user=world.other_coach) == 0
    rows = review_unread_by_video(user=world.ann_user)
    assert [(r.video, r.comments, r.drawings) for r in rows] == [(world.video, 1, 1)]
    services.review_mark_read(user=world.ann_user, video=world.video)
    assert review_unread_count(user=world.ann_user) == 0
    services.comment_create(video=world.video, author=world.ann_user, body="Got it")
    assert review_unread_count(user=world.coach) == 1
    assert review_unread_count(user=world.ann_user) == 0


# --- views and scoping ---------------------------------------------------------------------

def test_coach_draws_and_comments_through_the_views(client, world) -> None:
    client.force_login(world.coach)
    created = _post(client, "annotation_create", world.video,
                    {"kind": "angle", "t_start": 0.2, "t_end": 0.4, "geometry": ANGLE, "colour": "#22d3ee"})
    assert created.status_code == 201
    annotation = created.json()["annotation"]
    assert annotation["mine"] and annotation["geometry"] == ANGLE
    listed = client.get(reverse("annotation_list", args=[world.video.pk])).json()
    assert listed["can_annotate"] and [a["id"] for a in listed["annotations"]] == [annotation["id"]]
    response = _post(client, "comment_create", world.video,
                     {"body": "Knee angle here", "annotation_id": annotation["id"]})
    assert response.status_code == 201 and response.json()["comment"]["t_start"] == 0.2
    bad = _post(client, "annotation_create", world.video, {"kind": "angle", "t_start": 0.2,
                                                           "t_end": 0.4, "geometry": {"points": []}})
    assert bad.status_code == 400 and "needs 3 points" in bad.json()["error"]


def test_athlete_sees_own_review_comments_but_cannot_draw_or_edit(client, world) -> None:
    a = _angle(world)
    services.comment_create(video=world.video, author=world.coach, body="Hips lower")
    client.force_login(world.ann_user)
    listed = client.get(reverse("annotation_list", args=[world.video.pk])).json()
    assert not listed["can_annotate"] and listed["annotations"][0]["id"] == a.pk
    assert not listed["annotations"][0]["mine"]
    thread = client.get(reverse("comment_list", args=[world.video.pk])).json()
    assert [c["body"] for c in thread["comments"]] == ["Hips lower"]
    assert thread["comments"][0]["author"]["role"] == "coach"
    assert _post(client, "annotation_create", world.video,
                 {"kind": "angle", "t_start": 0, "t_end": 0.2, "geometry": ANGLE}).status_code == 403
    assert _post(client, "annotation_update", world.video, {"id": a.pk, "text": "x"}).status_code == 403
    assert _post(client, "annotation_delete", world.video, {"id": a.pk}).status_code == 403
    assert Annotation.objects.filter(pk=a.pk, text="").exists()
    reply = _post(client, "comment_create", world.video, {"body": "OK coach", "t_start": 0.25})
    assert reply.status_code == 201 and reply.json()["comment"]["author"]["role"] == "athlete"
    # a teammate's video is not there for the athlete
    assert client.get(reverse("comment_list", args=[world.video_al.pk])).status_code == 404
    assert client.get(reverse("annotation_list", args=[world.video_al.pk])).status_code == 404


def test_another_coach_of_the_team_cannot_edit_a_drawing(client, world) -> None:
    a = _angle(world)
    assistant = User.objects.create_user("assistant")
    Membership.objects.create(team=world.team, user=assistant, role=Role.ASSISTANT_COACH)
    client.force_login(assistant)
    assert _post(client, "annotation_update", world.video, {"id": a.pk, "t_end": 0.4}).status_code == 403
    assert _post(client, "annotation_delete", world.video, {"id": a.pk}).status_code == 403
    client.force_login(world.coach)
    assert _post(client, "annotation_update", world.video, {"id": a.pk, "t_end": 0.4}).status_code == 200
    assert _post(client, "annotation_delete", world.video, {"id": a.pk}).status_code == 200


def test_other_teams_annotations_and_comments_are_404(client, world) -> None:
    theirs = _angle(world, video=world.video_b, author=world.other_coach)
    their_comment = services.comment_create(video=world.video_b, author=world.other_coach, body="B")
    client.force_login(world.coach)
    for name in ("annotation_list", "comment_list"):
        assert client.get(reverse(name, args=[world.video_b.pk])).status_code == 404
    # through one's own video, an id of another team's object is not found either
    assert _post(client, "annotation_update", world.video, {"id": theirs.pk, "t_end": 0.4}).status_code == 404
    assert _post(client, "annotation_delete", world.video, {"id": theirs.pk}).status_code == 404
    assert _post(client, "comment_delete", world.video, {"id": their_comment.pk}).status_code == 404
    assert _post(client, "comment_create", world.video,
                 {"body": "x", "annotation_id": theirs.pk}).status_code == 404
    assert Annotation.objects.filter(pk=theirs.pk).exists() and Comment.objects.filter(pk=their_comment.pk).exists()
    assert review_unread_count(user=world.coach) == 0


def test_nav_shows_unread_count_and_inbox_lists_the_video(client, world) -> None:
    services.comment_create(video=world.video, author=world.coach, body="Watch your knees")
    client.force_login(world.ann_user)
    home = client.get(reverse("review_inbox")).content.decode()
    assert 'id="nav-unread"' in home and ">1<" in home and "Ann squat" in home
    assert "Watch your knees" in home
    thread = client.get(reverse("comment_list", args=[world.video.pk])).json()
    assert thread["unread"] == 0
    page = client.get(reverse("review_inbox")).content.decode()
    assert "No unread" in page


def test_analysis_events_are_jump_marks(client, world) -> None:
    world.analysis.summary = {"events": {"events": [{"kind": "rep", "start": 0.1, "end": 0.4},
                                                    {"kind": "broken"}]}}
    world.analysis.save()
    client.force_login(world.ann_user)
    listed = client.get(reverse("annotation_list", args=[world.video.pk])).json()
    assert listed["events"] == [{"kind": "rep", "start": 0.1, "end": 0.4}]
    assert client.get(reverse("annotation_list", args=[world.video_al.pk])).status_code == 404
