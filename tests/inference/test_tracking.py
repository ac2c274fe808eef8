"""Identities across frames on synthetic people, the athlete rule and the coach's click."""

from __future__ import annotations

import numpy as np
import pytest

from inference.tracking import (
    Tracker,
    TrackerConfig,
    choose_athlete,
    oks,
    summarize,
    track_at_point,
)

FPS = 30.0
# A stick person: 13 keypoints relative to the hip centre, y down, about 170 px tall.
_BODY = np.array(
    [[0, -150], [-20, -120], [20, -120], [-30, -90], [30, -90], [-35, -50], [35, -50],
     [-15, 0], [15, 0], [-15, 50], [15, 50], [-15, 95], [15, 95]], np.float32,
)  # fmt: skip


def person(x: float, y: float, scale: float = 1.0) -> np.ndarray:
    pose = np.ones((len(_BODY), 3), np.float32)
    pose[:, :2] = _BODY * scale + [x, y]
    return pose


def run(frames: list[list[np.ndarray]], config: TrackerConfig | None = None) -> list[list[int]]:
    tracker = Tracker(config)
    ids = []
    for i, people in enumerate(frames):
        poses = np.stack(people) if people else np.zeros((0, len(_BODY), 3), np.float32)
        ids.append(tracker.update(poses, i / FPS))
    return ids


def crossing(n: int = 60, gap: tuple[int, int] | None = None) -> tuple[list[list[np.ndarray]], list[list[str]]]:
    """Two people walking towards each other along one line; they overlap in the middle.
    Returns per frame the poses (in a shuffled order) and which walker each pose is."""
    rng = np.random.default_rng(0)
    frames, who = [], []
    for i in range(n):
        a = person(100 + 10 * i, 300)  # walks right
        b = person(703 - 10 * i, 305)  # walks left; passes a between two frames
        people = [("a", a), ("b", b)]
        if gap and gap[0] <= i < gap[1]:
            people = [("a", a)]  # b hidden behind a
        rng.shuffle(people)
        frames.append([p for _, p in people])
        who.append([w for w, _ in people])
    return frames, who


def test_oks_is_one_for_identical_poses_and_falls_with_distance() -> None:
    a = person(100, 100)
    assert oks(a, a, scale=100, kappa=0.1) == pytest.approx(1.0)
    assert oks(a, person(110, 100), 100, 0.1) == pytest.approx(np.exp(-100 / (2 * 100.0)))
    assert oks(a, person(400, 100), 100, 0.1) < 1e-6


def test_identities_kept_on_crossing_paths() -> None:
    frames, who = crossing()
    ids = run(frames)
    identity = {}
    for names, frame_ids in zip(who, ids, strict=True):
        for name, tid in zip(names, frame_ids, strict=True):
            identity.setdefault(name, tid)
            assert tid == identity[name], "identity switched"
    assert identity["a"] != identity["b"]


def test_crossing_without_motion_prediction_switches() -> None:
    """The same scene with velocity ignored (max_speed 0) swaps the walkers: the test above is
    testing the prediction, not luck."""
    frames, who = crossing()
    ids = run(frames, TrackerConfig(max_speed=0.0))
    first = dict(zip(who[0], ids[0], strict=True))
    last = dict(zip(who[-1], ids[-1], strict=True))
    assert first != last


def test_track_survives_short_occlusion() -> None:
    frames, who = crossing(gap=(28, 36))  # b hidden for 8 frames (0.27 s) while crossing a
    ids = run(frames)
    b_ids = {tid for names, fids in zip(who, ids, strict=True) for n, tid in zip(names, fids, strict=True) if n == "b"}
    a_ids = {tid for names, fids in zip(who, ids, strict=True) for n, tid in zip(names, fids, strict=True) if n == "a"}
    assert len(b_ids) == 1 and len(a_ids) == 1 and a_ids != b_ids
    short_memory = run(frames, TrackerConfig(max_gap=0.1))
    assert max(max(f) for f in short_memory if f) == 2  # b came back as a third track


def test_long_absence_starts_a_new_track() -> None:
    still = [[person(300, 300)] for _ in range(10)] + [[] for _ in range(30)] + [[person(300, 300)] for _ in range(5)]
    ids = run(still)
    assert ids[0] == [0] and ids[-1] == [1]


def test_short_tracks_are_dropped_as_noise() -> None:
    tracker = Tracker()
    for i in range(60):  # 2 s of one person; a phantom for 4 frames in the middle
        people = [person(300, 300)] + ([person(800, 300)] if 20 <= i < 24 else [])
        tracker.update(np.stack(people), i / FPS)
    assert len(tracker.assemble(len(_BODY), min_frames=3)[1]) == 2
    keypoints, track_ids = tracker.assemble(len(_BODY), min_frames=3, min_seconds=0.25)
    assert track_ids.tolist() == [0] and keypoints.shape[1] == 1


def test_assemble_and_athlete_rule() -> None:
    tracker = Tracker()
    size = (1000, 600)
    for i in range(40):
        people = [person(500, 350, 1.5)]  # big, central, always there: the athlete
        if i < 20:
            people.append(person(120, 300, 0.8))  # small, at the side, half the time
        tracker.update(np.stack(people), i / FPS)
    keypoints, track_ids = tracker.assemble(len(_BODY))
    assert keypoints.shape == (40, 2, len(_BODY), 3)
    assert np.isnan(keypoints[30, 1, :, 0]).all() and (keypoints[30, 1, :, 2] == 0).all()
    summaries = summarize(keypoints, track_ids, size)
    by_id = {s.track_id: s for s in summaries}
    assert by_id[0].coverage == 1.0 and by_id[1].coverage == 0.5
    assert choose_athlete(summaries) == 0


def test_click_picks_the_person_under_the_pointer() -> None:
    keypoints = np.stack([np.stack([person(200, 300), person(600, 300)]) for _ in range(5)])
    track_ids = np.array([7, 9])
    timestamps = np.arange(5) / FPS
    assert track_at_point(keypoints, track_ids, timestamps, 610, 250, 0.1) == 9
    assert track_at_point(keypoints, track_ids, timestamps, 190, 380, 0.0) == 7
    assert track_at_point(keypoints, track_ids, timestamps, 380, 300, 0.0) == 7  # nearer a's hand
    empty = np.full((5, 2, len(_BODY), 3), np.nan, np.float32)
    assert track_at_point(empty, track_ids, timestamps, 200, 300, 0.0) is None
