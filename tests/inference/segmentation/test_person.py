"""The person-centred student: ROI geometry, crops composed back, teacher-miss flags, and a short
training run that learns a synthetic person from the crop and skeleton."""

import cv2
import numpy as np

from inference.segmentation.data import Source, teacher_misses
from inference.segmentation.person import (
    compose,
    crop_image,
    person_inputs,
    person_roi,
    skeleton_channel,
    torso_indices,
)
from inference.skeleton import get_skeleton

SKELETON = get_skeleton("blazepose33")
TORSO = torso_indices(SKELETON.keypoints)
NAMES = SKELETON.keypoints


def _standing(cx: float, top: float, height: float, angle_deg: float = 0.0) -> np.ndarray:
    """(33, 3) a straight standing person (head at top, feet at top + height), turned by
    ``angle_deg`` about the hip centre; confidence 0.9."""
    person = np.zeros((33, 3), np.float32)
    rows = {"nose": 0.05, "left_shoulder": 0.2, "right_shoulder": 0.2, "left_elbow": 0.35, "right_elbow": 0.35,
            "left_wrist": 0.48, "right_wrist": 0.48, "left_hip": 0.52, "right_hip": 0.52, "left_knee": 0.75,
            "right_knee": 0.75, "left_ankle": 0.97, "right_ankle": 0.97}
    for k, name in enumerate(NAMES):
        y = rows.get(name, 0.05)
        side = -1 if name.startswith("left") else (1 if name.startswith("right") else 0)
        person[k] = (cx + side * 0.08 * height, top + y * height, 0.9 if name in rows else 0.0)
    hip = person[[NAMES.index("left_hip"), NAMES.index("right_hip")], :2].mean(0)
    a = np.deg2rad(angle_deg)
    turn = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    person[:, :2] = (person[:, :2] - hip) @ turn.T + hip
    return person


def _crop_point(m: np.ndarray, xy: np.ndarray) -> np.ndarray:
    return m[:, :2] @ xy + m[:, 2]


def test_the_roi_turns_the_torso_up_and_holds_the_whole_person():
    for angle in (0.0, 90.0, -135.0):
        person = _standing(200, 100, 150, angle)
        roi = person_roi(person, TORSO)
        m = roi.to_crop(96)
        shoulders = _crop_point(m, person[[NAMES.index("left_shoulder"), NAMES.index("right_shoulder")], :2].mean(0))
        hips = _crop_point(m, person[[NAMES.index("left_hip"), NAMES.index("right_hip")], :2].mean(0))
        assert abs(shoulders[0] - hips[0]) < 1.0 and shoulders[1] < hips[1] - 10  # torso straight up
        seen = person[person[:, 2] > 0.3, :2] @ m[:, :2].T + m[:, 2]
        assert seen.min() > 5 and seen.max() < 91  # every keypoint inside, with margin


def test_a_crop_composed_back_lands_where_it_came_from():
    frame_mask = np.zeros((240, 320), np.float32)
    person = _standing(150, 40, 160, 20.0)
    hip = person[NAMES.index("left_hip"), :2]
    cv2.ellipse(frame_mask, (int(hip[0]), int(hip[1])), (20, 70), 20, 0, 360, 1.0, -1)
    m = person_roi(person, TORSO).to_crop(96)
    crop = cv2.warpAffine(frame_mask, m, (96, 96), flags=cv2.INTER_LINEAR)
    back = compose([crop], [m], (160, 120), scale=0.5)  # composed at half the frame's size
    half = cv2.resize(frame_mask, (160, 120), interpolation=cv2.INTER_AREA) >= 0.5
    inter, union = (back >= 0.5) & half, (back >= 0.5) | half
    assert half.sum() > 500 and inter.sum() / union.sum() > 0.9
    assert back[:, 120:].max() == 0  # nothing outside the person's crop


def test_inputs_carry_the_image_and_the_skeleton_and_skip_absent_people():
    image = np.full((240, 320, 3), 30, np.uint8)
    image[:, :160] = (0, 0, 220)  # red on the left (BGR)
    people = np.stack([_standing(80, 40, 160), np.full((33, 3), np.nan, np.float32)])
    x, matrices = person_inputs(image, people, SKELETON.limbs, TORSO)
    assert x.shape == (1, 96, 96, 4) and len(matrices) == 1
    skeleton = x[0, ..., 3]
    centre = _crop_point(matrices[0], people[0, NAMES.index("left_hip"), :2]).round().astype(int)
    assert skeleton[centre[1], centre[0]] > 0.5 and skeleton[:3, :].max() < 0.1
    assert x[0, 48, 48, 0] > 0.8  # RGB channel order: red first
    assert np.allclose(crop_image(image, matrices[0])[..., ::-1] / 255.0, x[0, ..., :3], atol=1e-6)
    assert skeleton_channel(people[0], matrices[0], [], 96).max() > 0.5  # no limbs: the keypoints alone


def _source(counts: list[int], xs: list[float]) -> Source:
    people = np.full((len(counts), 2, 33, 3), np.nan, np.float32)
    for i, n in enumerate(counts):
        for p in range(n):
            people[i, p] = _standing(xs[p], 40, 120)
    return Source("clip", np.zeros((len(counts), 200, 300, 3), np.uint8), np.zeros((len(counts), 200, 300), np.uint8),
                  np.arange(len(counts)) / 30, np.zeros(len(counts), bool), people)


def test_teacher_misses_are_drops_in_people_nobody_walked_out_of():
    # Two people in the middle, then the teacher sees one for two frames: a miss until both are back.
    assert teacher_misses(_source([2, 2, 1, 1, 2, 2], [100, 200])).tolist() == [False, False, True, True, False, False]
    # One of them at the frame's edge before the drop: they may have left the picture.
    assert not teacher_misses(_source([2, 2, 1, 1], [100, 290])).any()
    assert not teacher_misses(_source([1], [100])).any()


def test_short_training_learns_the_person_from_crop_and_skeleton(tmp_path):
    """Frames of a tinted person on texture: 40 steps (SEGMENTATION_RETRAIN_STEPS of the test
    settings) learn them, composed back into the frames."""
    from inference.segmentation.losses import iou
    from inference.segmentation.model import DEFAULT_WEIGHTS, PersonSegmentationModel, load_model
    from inference.segmentation.person_train import predict_source, train_person_model
    from inference.segmentation.train import TrainConfig, save_weights

    rng = np.random.default_rng(5)
    images, masks, people = [], [], []
    for k in range(4):
        image = cv2.resize(rng.integers(0, 256, (24, 32, 3)).astype(np.uint8), (256, 192))
        person = _standing(70 + 40 * k, 30, 130)
        mask = np.zeros((192, 256), np.uint8)
        for a, b in SKELETON.limbs:
            if person[a, 2] > 0.3 and person[b, 2] > 0.3:
                cv2.line(mask, tuple(int(v) for v in person[a, :2]), tuple(int(v) for v in person[b, :2]), 255, 12)
        image[mask > 0] = (0.3 * image[mask > 0] + 0.7 * np.array([40, 90, 200])).astype(np.uint8)
        images.append(image)
        masks.append(mask)
        people.append(np.stack([person, np.full((33, 3), np.nan, np.float32)]))
    source = Source("synthetic", np.stack(images), np.stack(masks), np.arange(4.0), np.zeros(4, bool), np.stack(people))
    # Level 1 on 32-px crops: the same code as the shipped student, the fewest layers to trace.
    config = TrainConfig(filters=(8, 8, 8, 8, 8), steps=40, batch=4, learning_rate=1e-2, background_p=0.0,
                         jit_compile=False, level=1, working_side=128)
    weights = train_person_model([source], config, crop=32, log=lambda msg: None)
    save_weights(tmp_path / "person.npz", weights, config, crop=32)
    model = load_model(tmp_path / "person.npz", level=1)  # as the CLI's and the pipeline's --weights
    assert isinstance(model, PersonSegmentationModel) and model.crop == 32
    assert not isinstance(load_model(DEFAULT_WEIGHTS), PersonSegmentationModel)
    pred, teacher = predict_source(model, source, np.arange(4), level=1, working_side=128)
    assert teacher.mean() > 0.05 and iou(pred, teacher) > 0.6
