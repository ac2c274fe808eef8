"""Mask post-processing, storage, the athlete's share of the foreground, silhouettes, outlines."""

import json

import numpy as np
import pytest

from inference.segmentation.masks import (
    CONTOUR_SCALE,
    MaskSequence,
    PackedMasks,
    TemporalSmoother,
    assign_people,
    clean,
    outline,
    person_boxes,
    upsample,
    working_size,
)
from inference.skeleton import get_skeleton


def test_working_size_is_multiples_of_32():
    assert working_size(1920, 1080, 192) == (192, 96)
    assert working_size(1080, 1920, 192) == (96, 192)
    assert working_size(1088, 1920, 256) == (160, 256)
    assert working_size(100, 20, 64) == (64, 32)


def test_smoother_removes_a_one_frame_flicker_with_one_frame_delay():
    on = np.ones((4, 4), np.float32)
    stream = [on, on, np.zeros_like(on), on, on]
    smoother = TemporalSmoother()
    out = [smoother.push(p, i / 30) for i, p in enumerate(stream)]
    assert out[0] is None
    out = [o for o in out[1:] if o is not None] + [smoother.flush()]
    assert [t for _, t in out] == pytest.approx([i / 30 for i in range(5)])
    assert all(clean(p).all() for p, _ in out[:2] + out[3:])  # neighbours stay on
    assert out[2][0].max() == pytest.approx(0.5)  # the dropped frame is filled back to 0.5
    assert clean(out[2][0]).all()


def test_smoother_does_not_mix_frames_far_apart_in_time():
    smoother = TemporalSmoother()
    smoother.push(np.ones((2, 2)), 0.0)
    prob, _ = smoother.push(np.zeros((2, 2)), 1.0)  # a cut: one second later
    assert prob.max() == 1.0


def test_clean_removes_specks_and_keeps_people():
    prob = np.zeros((100, 100), np.float32)
    prob[20:80, 40:60] = 0.9
    prob[5, 5] = 0.99  # a speck
    prob[90, 90] = 0.4  # below the threshold
    mask = clean(prob)
    assert mask[20:80, 40:60].all() and mask.sum() == 60 * 20


def _two_people() -> tuple[np.ndarray, np.ndarray]:
    """(2, 33, 3) two BlazePose skeletons in source pixels (200x100 frame), standing side by side,
    and the working-resolution (100x50) mask of both bodies: their limbs drawn 5 px thick."""
    import cv2

    limbs = get_skeleton("blazepose33").limbs
    rng = np.random.default_rng(0)
    people = np.zeros((2, 33, 3), np.float32)
    mask = np.zeros((50, 100), np.uint8)
    for p, x in enumerate((70.0, 130.0)):
        people[p, :, 0] = x + rng.uniform(-20, 20, 33)
        people[p, :, 1] = np.linspace(10, 90, 33)
        people[p, :, 2] = 0.9
        for a, b in limbs:
            pa, pb = (people[p, [a, b], :2] * 0.5).round().astype(int)
            cv2.line(mask, tuple(map(int, pa)), tuple(map(int, pb)), 1, 5)
    return people, mask.astype(bool)


def test_each_foreground_pixel_goes_to_the_nearest_skeleton():
    people, mask = _two_people()
    scale = (0.5, 0.5)
    limbs = get_skeleton("blazepose33").limbs
    boxes = person_boxes(people, scale, (100, 50))
    assert boxes.shape == (2, 4) and boxes[0, 0] < 25 and boxes[0, 2] > boxes[1, 0]  # overlapping
    owners = assign_people(mask, people, boxes, limbs, scale)
    assert (owners[~mask] == -1).all() and (owners[mask] >= 0).all()
    assert (owners[:, :40][mask[:, :40]] == 0).all() and (owners[:, 60:][mask[:, 60:]] == 1).all()
    # Foreground inside a box but far from everyone's skeleton (someone the pose model lost),
    # and beside the frame's edge outside every box, stays unclaimed.
    stray = np.zeros_like(mask)
    stray[0:2, 20:23] = True
    assert boxes[0, 0] <= 20 and boxes[0, 1] <= 0  # inside person 0's box
    stray[0:5, 96:100] = True
    assert (assign_people(stray, people, boxes, limbs, scale) == -1).all()


def _sequence(athlete_rect: tuple[int, int, int, int], frames: int = 4) -> MaskSequence:
    fg = np.zeros((frames, 32, 64), bool)
    ath = np.zeros_like(fg)
    x0, y0, x1, y1 = athlete_rect
    ath[:, y0:y1, x0:x1] = True
    fg[:] = ath
    fg[:, 4:10, 50:60] = True
    boxes = np.full((frames, 2, 4), np.nan, np.float32)
    boxes[:, 1] = [48, 2, 62, 12]
    return MaskSequence(fg, ath, np.arange(frames) / 30, boxes, np.array([7, 9]), 0, (640, 320), 3)


def test_save_load_round_trip_is_compact(tmp_path):
    masks = _sequence((10, 4, 30, 28), frames=50)
    masks.save(tmp_path / "masks.npz")
    back = MaskSequence.load(tmp_path / "masks.npz")
    assert np.array_equal(back.foreground, masks.foreground) and np.array_equal(back.athlete, masks.athlete)
    assert back.athlete_index == 0 and back.source_size == (640, 320) and back.level == 3
    np.testing.assert_allclose(back.times, masks.times)
    assert (tmp_path / "masks.npz").stat().st_size < 50 * 32 * 64 / 8  # under a bit per pixel


def test_packed_masks_round_trip_exactly_and_are_small():
    rng = np.random.default_rng(3)
    masks = rng.random((20, 30, 45)) < 0.3  # a width that is not a multiple of 8
    masks[5] = False
    masks[7, 10:20, 5:40] = True
    packed = PackedMasks.of(masks)
    assert packed.shape == (20, 30, 45) and len(packed) == 20
    for i in range(20):
        assert packed[i].dtype == bool and np.array_equal(packed[i], masks[i])
        assert np.array_equal(packed.bits(i), np.packbits(masks[i], axis=-1))
    assert np.array_equal(packed.unpacked(), masks) and np.array_equal(np.asarray(packed), masks)
    assert np.array_equal(packed[7, 10:20, 5:40], masks[7, 10:20, 5:40]) and np.array_equal(packed[2:9], masks[2:9])
    body = np.zeros((200, 96, 192), bool)  # a person-like blob moving: the real masks' case
    for i in range(200):
        body[i, 20:90, 40 + i % 50:70 + i % 50] = True
    assert PackedMasks.of(body).nbytes < body.nbytes / 50  # 1 bit per pixel, then compressed
    with pytest.raises(ValueError):
        packed.append(np.zeros((30, 44), bool))


def test_save_writes_the_packed_arrays_and_reads_old_files(tmp_path):
    """masks.npz keeps its format: (T, h, ceil(w / 8)) packed bits as np.savez_compressed wrote
    them before the masks were held packed; a file written that way still loads."""
    masks = _sequence((10, 4, 30, 28), frames=12)
    fg, ath = masks.foreground.unpacked(), masks.athlete.unpacked()
    masks.save(tmp_path / "masks.npz")
    with np.load(tmp_path / "masks.npz") as data:
        assert np.array_equal(data["foreground"], np.packbits(fg, axis=-1))
        assert np.array_equal(data["athlete"], np.packbits(ath, axis=-1))
        assert list(data["shape"]) == [12, 32, 64] and int(data["athlete_index"]) == 0
    np.savez_compressed(tmp_path / "old.npz", foreground=np.packbits(fg, axis=-1), athlete=np.packbits(ath, axis=-1),
                        shape=np.array(fg.shape, np.int64), times=masks.times, boxes=masks.boxes,
                        track_ids=masks.track_ids, athlete_index=np.array(0), source_size=np.array([640, 320]),
                        level=np.array(3))  # fmt: skip
    old = MaskSequence.load(tmp_path / "old.npz")
    assert np.array_equal(old.foreground.unpacked(), fg) and np.array_equal(old.athlete.unpacked(), ath)
    np.testing.assert_array_equal(old.boxes, masks.boxes)


def test_person_mask_is_the_foreground_in_their_box():
    masks = _sequence((10, 4, 30, 28))
    assert masks.person_mask(0, 1).sum() == 60 and not masks.person_mask(0, 0).any()
    assert masks.athlete_mask(2).sum() == 20 * 24


def test_silhouette_area_and_width():
    shape = _sequence((10, 4, 30, 28)).silhouette(metres_per_pixel=0.01)
    assert shape["area"][0] == pytest.approx(20 * 24 / (32 * 64))
    assert shape["width"][0] == pytest.approx(20 / 64, abs=0.02)
    assert shape["width_px"][0] == pytest.approx(200, abs=12)
    assert shape["area_m2"][0] == pytest.approx(shape["area_px"][0] * 1e-4)
    empty = MaskSequence(np.zeros((1, 32, 64), bool), np.zeros((1, 32, 64), bool), np.zeros(1),
                         np.zeros((1, 0, 4), np.float32), np.zeros(0, np.int64), None, (640, 320), 3)
    assert np.isnan(empty.silhouette()["area"][0])


def test_contours_follow_the_athlete_and_respect_max_fps():
    masks = _sequence((16, 8, 48, 24), frames=30)  # 1 s at 30 fps
    data = json.loads(masks.contours_text(max_fps=10))
    assert len(data["times"]) == 10 and data["scale"] == CONTOUR_SCALE
    (ring,) = data["polygons"][0]
    xy = np.array(ring).reshape(-1, 2) / CONTOUR_SCALE
    assert xy[:, 0].min() == pytest.approx(16 / 64, abs=0.02) and xy[:, 0].max() == pytest.approx(48 / 64, abs=0.02)
    assert xy[:, 1].min() == pytest.approx(8 / 32, abs=0.03) and xy[:, 1].max() == pytest.approx(24 / 32, abs=0.03)
    assert outline(np.zeros((8, 8), bool)) == []


def test_upsample_gives_smooth_edges():
    mask = np.zeros((4, 4), bool)
    mask[1:3, 1:3] = True
    big = upsample(mask, (40, 40))
    assert big.shape == (40, 40) and big[20, 20] == 1.0 and 0 < big[10, 20] < 1


def _stick_figure() -> np.ndarray:
    """A standing BlazePose-33 person in source pixels (x, y, confidence): head at the top, arms
    hanging, legs apart; 200 px tall."""
    names = get_skeleton("blazepose33").keypoints
    at = {"nose": (100, 20), "left_eye_inner": (104, 16), "left_eye": (106, 16), "left_eye_outer": (108, 16),
          "right_eye_inner": (96, 16), "right_eye": (94, 16), "right_eye_outer": (92, 16),
          "left_ear": (112, 20), "right_ear": (88, 20), "mouth_left": (104, 26), "mouth_right": (96, 26),
          "left_shoulder": (120, 45), "right_shoulder": (80, 45), "left_elbow": (125, 85), "right_elbow": (75, 85),
          "left_wrist": (127, 120), "right_wrist": (73, 120), "left_hip": (112, 120), "right_hip": (88, 120),
          "left_knee": (115, 165), "right_knee": (85, 165), "left_ankle": (117, 210), "right_ankle": (83, 210)}
    person = np.zeros((len(names), 3), np.float32)
    for k, name in enumerate(names):
        if name in at:
            person[k] = (*at[name], 0.9)
    return person


def test_body_core_holds_the_confident_skeleton_and_little_else():
    from inference.segmentation.masks import CORE_WIDTH, body_core

    person = _stick_figure()
    skeleton = get_skeleton("blazepose33")
    core = body_core(person, skeleton.keypoints, skeleton.limbs, (1.0, 1.0), (200, 240))
    sure = person[:, 2] > 0.5
    xy = person[sure, :2].astype(int)
    assert core[xy[:, 1], xy[:, 0]].all()  # every confident keypoint
    assert core[80, 100] and core[100, 126] and core[190, 116]  # torso centre, forearm, shin
    assert not core[100, 100 + 60] and not core[230, 100]  # beside the arm, below the feet
    limb_px = CORE_WIDTH * 194  # the keypoints' box: 194 px tall
    assert core.sum() < 0.2 * 200 * 240 and abs(int(core[190].sum()) - 2 * limb_px) <= 4  # two shins
    person[:, 2] = 0.1  # nobody sure: nothing
    assert not body_core(person, skeleton.keypoints, skeleton.limbs, (1.0, 1.0), (200, 240)).any()


def test_body_core_is_at_least_two_working_pixels_wide():
    from inference.segmentation.masks import body_core

    skeleton = get_skeleton("blazepose33")
    small = _stick_figure() * np.array([0.1, 0.1, 1.0], np.float32)  # 20 px tall: a far athlete
    core = body_core(small, skeleton.keypoints, skeleton.limbs, (1.0, 1.0), (20, 24))
    assert core[19].sum() >= 4  # two shins, each at least two pixels across
