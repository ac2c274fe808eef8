"""OpenPose JSON writer and reader."""

import json

import numpy as np
import pytest

from inference.pose.openpose import jsonio
from inference.skeleton import BODY25, convert


def _people(count: int, k: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((count, k, 3), np.float32)
    out[..., :2] = rng.uniform(0, 1000, (count, k, 2)).round(2)
    out[..., 2] = rng.uniform(0.1, 1, (count, k)).round(3)
    return out


def test_layout_is_openpose_s(tmp_path):
    people = _people(2, 25)
    people[1, 4] = (np.nan, np.nan, 0)
    path = tmp_path / jsonio.frame_file_name("clip", 7)
    jsonio.write_frame(path, people)
    assert path.name == "clip_000000000007_keypoints.json"
    doc = json.loads(path.read_text())
    assert doc["version"] == 1.3
    assert len(doc["people"]) == 2
    flat = doc["people"][1]["pose_keypoints_2d"]
    assert len(flat) == 75
    assert flat[12:15] == [0, 0, 0]  # missing part written as OpenPose does
    assert flat[:3] == pytest.approx(people[1, 0].tolist(), abs=1e-3)
    assert doc["people"][0]["person_id"] == [-1]
    assert doc["people"][0]["hand_left_keypoints_2d"] == []


def test_round_trip_with_missing_parts(tmp_path):
    people = _people(3, 18, seed=1)
    people[0, [3, 7]] = (np.nan, np.nan, 0)
    jsonio.write_frame(tmp_path / "a_000000000000_keypoints.json", people)
    back = jsonio.read_frame(tmp_path / "a_000000000000_keypoints.json")
    assert back.shape == (3, 18, 3)
    np.testing.assert_allclose(back, people, atol=1e-3)  # NaN where NaN


def test_empty_frame_and_folder_order(tmp_path):
    frames = [_people(1, 25, seed=i) for i in range(12)] + [np.zeros((0, 25, 3), np.float32)]
    for i in reversed(range(len(frames))):  # written out of order on purpose
        jsonio.write_frame(tmp_path / jsonio.frame_file_name("c", i), frames[i])
    back = jsonio.read_folder(tmp_path, num_keypoints=25)
    assert len(back) == 13 and back[-1].shape == (0, 25, 3)
    for a, b in zip(back[:-1], frames[:-1], strict=True):
        np.testing.assert_allclose(a, b, atol=1e-3)


def test_body25_from_coco18_has_midhip_and_no_feet(tmp_path):
    coco = _people(1, 18, seed=3)
    body = convert(coco, "coco18", "body25")
    jsonio.write_frame(tmp_path / "x_000000000000_keypoints.json", body)
    back = jsonio.read_frame(tmp_path / "x_000000000000_keypoints.json", num_keypoints=25)
    midhip = back[0, BODY25.index("MidHip")]
    np.testing.assert_allclose(midhip[:2], (coco[0, 8, :2] + coco[0, 11, :2]) / 2, atol=1e-2)
    assert np.isnan(back[0, BODY25.index("LBigToe"), :2]).all()


def test_reader_rejects_wrong_lengths():
    with pytest.raises(ValueError, match="multiple of 3"):
        jsonio.from_document({"people": [{"pose_keypoints_2d": [1, 2]}]})
    with pytest.raises(ValueError, match="expected 25"):
        jsonio.from_document({"people": [{"pose_keypoints_2d": [0] * 54}]}, num_keypoints=25)
