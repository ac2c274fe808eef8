"""bench/realworld_adapter.py: ClipOutputs survive the development cache (save, load)."""

import numpy as np

from bench.realworld_adapter import ClipOutputs


def test_clip_outputs_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    out = ClipOutputs(
        keypoints=rng.random((4, 2, 33, 3)).astype(np.float32), timestamps=np.arange(4) / 30.0,
        track_ids=np.array([3, 7]), skeleton="blazepose33", athlete_index=1, angle_names=("right_knee",),
        angles=rng.random((4, 1)), movement="walk", findings=("symmetry.knee",),
        segment_findings=("walk:symmetry.knee",), jumps=((0.1, 0.3),), steps=((0.05, "left"),), cadence_spm=None,
        action_segments=(("walk", 0.0, 0.1, 0.7), ("unknown", 0.1, 0.13, None)), action_classes=("idle", "walk"),
        action_times=np.arange(3) / 20.0, action_probabilities=rng.random((3, 2)),
        mask_foreground=rng.random((4, 8, 16)) > 0.5, mask_times=np.arange(4) / 30.0, mask_source_size=(426, 240),
        seconds=1.5,
    )  # fmt: skip
    out.save(tmp_path / "clip__walk")
    back = ClipOutputs.load(tmp_path / "clip__walk")
    for name in ClipOutputs._ARRAYS:
        np.testing.assert_array_equal(getattr(back, name), getattr(out, name))
    assert back.jumps == out.jumps and back.steps == out.steps and back.action_segments == out.action_segments
    assert back.mask_source_size == (426, 240) and back.athlete_index == 1 and back.findings == out.findings
