"""People across a video: online tracking frame by frame (:mod:`.online`), offline stitching of
tracklets into identities (:mod:`.stitch`), identities that are not people (:mod:`.plausible`),
quality per track and the athlete (:mod:`.athlete`), a coach's repairs (:mod:`.edit`), and the
geometry of poses they share (:mod:`.geometry`). See docs/tracking.md."""

from inference.tracking.athlete import TrackSummary, choose_athlete, summarize, track_at_point
from inference.tracking.geometry import MIN_CONFIDENCE, box_scale, oks, pose_box, same_body, visible
from inference.tracking.online import Tracker, TrackerConfig

__all__ = [
    "MIN_CONFIDENCE", "Tracker", "TrackerConfig", "TrackSummary", "box_scale", "choose_athlete", "oks",
    "pose_box", "same_body", "summarize", "track_at_point", "visible",
]  # fmt: skip
