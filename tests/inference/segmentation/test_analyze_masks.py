"""``python -m inference analyze`` carries masks: DIR/masks.npz, cutout.json, silhouette.csv."""

import numpy as np

from inference.segmentation.masks import MaskSequence
from tests.support import make_phone_clip


def test_analyze_writes_masks_for_every_frame(tmp_path):
    from inference.cli import main
    from inference.posedata import PoseSequence

    clip = make_phone_clip("h264_rotated", tmp_path, frames=20)  # portrait walk, display matrix
    out = tmp_path / "out"
    assert main(["analyze", str(clip), "--out", str(out), "--quiet"]) == 0
    masks = MaskSequence.load(out / "masks.npz")
    poses = PoseSequence.load(out / "poses.npz")
    assert masks.num_frames == poses.num_frames == 20
    np.testing.assert_allclose(masks.times, poses.timestamps)
    assert masks.source_size == poses.size and masks.size[0] < masks.size[1]  # upright portrait
    assert masks.athlete.unpacked().reshape(20, -1).any(1).mean() > 0.8
    assert (out / "cutout.json").exists()
    table = np.loadtxt(out / "silhouette.csv", delimiter=",", skiprows=1)
    assert table.shape == (20, 7)
