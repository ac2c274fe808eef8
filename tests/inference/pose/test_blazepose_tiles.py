"""The detector on tiles finds small people: square tiles, and the basketball clip's player in
blue at 7.4-7.7 s (bench/truth: visible 5.84-9.68 s, about 85 px tall at 426x240), whom the whole
frame's detection misses."""

from __future__ import annotations

from pathlib import Path

import pytest

from inference.pose.blazepose.tiles import square_tiles
from tests.support import shared_clip

ROOT = Path(__file__).resolve().parents[3]


def test_tiles_are_squares_covering_the_long_side() -> None:
    assert square_tiles(426, 240) == [(0, 0, 240), (186, 0, 240)]
    assert square_tiles(540, 960) == [(0, 0, 540), (0, 420, 540)]
    assert square_tiles(500, 500) == []
    assert len(square_tiles(3000, 500)) == 3


@pytest.mark.slow
def test_the_small_player_in_blue_is_found_with_tiles() -> None:
    from bench.scoring.people import match_person, skeleton_box
    from bench.scoring.truth import load_truth
    from inference.pose.blazepose import BlazePoseEstimator, keypoints
    from inference.video import iter_frames

    truth = load_truth(ROOT / "bench" / "truth" / "basketball_pan_240p.json")
    frames = [(f, t) for i, (f, t) in enumerate(iter_frames(shared_clip("basketball_pan_240p.mp4"))) if 222 <= i < 232]
    found = {}
    for tiles in (False, True):
        estimator = BlazePoseEstimator(tiles=tiles, redetect_every=1)
        owners = set()
        for frame, t in frames:
            for pose in keypoints(estimator.process(frame)):
                owners.add(match_person(skeleton_box(pose), truth.boxes_at(t)[0]))
        found[tiles] = owners
    assert "blue" in found[True]
    assert "blue" not in found[False], "the whole frame alone finds her: this test no longer tests tiles"
