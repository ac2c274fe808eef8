from __future__ import annotations

from django.db.models import QuerySet

from coaching.analysis.models import Analysis
from coaching.athletes.selectors import User
from coaching.storage import read_stored
from coaching.videos.models import Video
from coaching.videos.selectors import video_list_visible
from inference.posedata import PoseSequence


def analysis_latest(*, video: Video) -> Analysis | None:
    return video.analyses.order_by("-created_at", "-pk").first()


def analysis_list_visible(*, user: User) -> QuerySet[Analysis]:
    return Analysis.objects.filter(video__in=video_list_visible(user=user)).select_related(
        "video"
    )


def analysis_status(*, analysis: Analysis | None) -> dict[str, object]:
    """What the video page polls: status, stage, percent, error, and file URLs once done."""
    if analysis is None:
        return {"status": "none"}
    data: dict[str, object] = {
        "id": analysis.pk,
        "status": analysis.status,
        "status_label": analysis.get_status_display(),
        "stage": analysis.stage,
        "progress": analysis.progress,
        "error": analysis.error,
        "timings": analysis.timings,
        "backend": analysis.backend,
    }
    pose = analysis.summary.get("pose")
    if pose:
        data["people"] = len(pose.get("people", []))
        data["frames"] = pose.get("frames")
        data["frames_with_athlete"] = pose.get("frames_with_athlete")
    return data


def analysis_poses(*, analysis: Analysis) -> tuple[PoseSequence, int | None]:
    """The stored poses of everyone and the index of the athlete's slot (None: nobody chosen)."""
    poses = read_stored(analysis.poses, PoseSequence.load)
    track = analysis.summary.get("pose", {}).get("athlete_track_id")
    ids = [int(t) for t in poses.track_ids]
    return poses, (ids.index(track) if track in ids else None)
