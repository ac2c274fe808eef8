"""The privacy render keeps the athlete sharp and blurs everything else (pixel statistics inside
and outside the mask); the cut-out preview draws the athlete's outline."""

from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from inference.segmentation.masks import MaskSequence
from inference.segmentation.privacy import cutout_frame, render_privacy
from inference.video import iter_frames

W, H = 256, 128
ATHLETE = (96, 16, 160, 112)  # x0, y0, x1, y1 in frame pixels


def _textured_clip(path: Path, frames: int = 8) -> Path:
    """Fine random texture everywhere (sharp), so blur shows up as lost detail."""
    rng = np.random.default_rng(0)
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream("libx264", rate=Fraction(25))
        stream.width, stream.height, stream.pix_fmt = W, H, "yuv420p"
        stream.codec_context.options = {"crf": "12"}
        for _ in range(frames):
            image = rng.integers(0, 2, (H // 4, W // 4, 1)).astype(np.uint8) * 255
            image = np.repeat(cv2.resize(image, (W, H), interpolation=cv2.INTER_NEAREST)[..., None], 3, axis=2)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="bgr24")):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def _masks(frames: int) -> MaskSequence:
    athlete = np.zeros((frames, 32, 64), bool)
    x0, y0, x1, y1 = (v // 4 for v in ATHLETE)
    athlete[:, y0:y1, x0:x1] = True
    return MaskSequence(athlete.copy(), athlete, np.arange(frames) / 25, np.zeros((frames, 0, 4), np.float32),
                        np.zeros(0, np.int64), 0, (W, H), 3)


def _detail(image: np.ndarray, region: np.ndarray) -> float:
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float64)
    return float(np.abs(cv2.Laplacian(gray, cv2.CV_64F))[region].mean())


def test_privacy_render_keeps_the_athlete_sharp_and_blurs_the_rest(tmp_path):
    clip = _textured_clip(tmp_path / "clip.mp4")
    done = render_privacy(clip, _masks(8), tmp_path / "privacy.mp4")
    assert done["frames"] == 8 and done["frames_with_athlete"] == 8 and done["size"] == [W, H]
    inside = np.zeros((H, W), bool)
    x0, y0, x1, y1 = ATHLETE
    inside[y0 + 6 : y1 - 6, x0 + 6 : x1 - 6] = True  # away from the feathered edge
    outside = np.ones((H, W), bool)
    outside[y0 - 12 : y1 + 12, x0 - 12 : x1 + 12] = False
    pairs = zip(iter_frames(clip), iter_frames(tmp_path / "privacy.mp4"), strict=True)
    for (original, t0), (private, t1) in pairs:
        assert abs(t0 - t1) < 1e-3
        diff = np.abs(original.astype(int) - private.astype(int))
        assert diff[inside].mean() < 12  # the athlete as filmed (up to re-encoding)
        assert _detail(private, inside) > 0.7 * _detail(original, inside)
        assert _detail(private, outside) < 0.1 * _detail(original, outside)  # background blurred
        assert abs(private[outside].mean() - original[outside].mean()) < 20  # blurred, not blacked out


def test_cutout_preview_dims_the_background_and_outlines_the_athlete():
    image = np.full((H, W, 3), 200, np.uint8)
    out = cutout_frame(image, _masks(1), 0)
    x0, y0, x1, y1 = ATHLETE
    assert (out[y0 + 8 : y1 - 8, x0 + 8 : x1 - 8] == 200).all()
    assert out[5, 5].max() < 100
    edge = out[y0 : y1, x0 - 3 : x0 + 3]
    assert (edge[..., 2] > edge[..., 0] + 100).any()  # orange outline on the left edge


def test_a_thin_limb_of_the_athlete_stays_sharp():
    """A limb one working pixel wide (a far athlete's forearm): the feather only softens outwards,
    so the limb's own pixels keep the upsampled mask's alpha, ~0.9 (a feather centred on the edge
    left ~0.4 there)."""
    from inference.segmentation.privacy import athlete_alpha

    athlete = np.zeros((1, 32, 64), bool)
    athlete[0, 8:24, 30] = True
    masks = MaskSequence(athlete.copy(), athlete, np.zeros(1), np.zeros((1, 0, 4), np.float32),
                         np.zeros(0, np.int64), 0, (W, H), 2)
    alpha = athlete_alpha(masks, 0, (W, H))[..., 0]
    column = 30 * 4 + 2  # the limb's centre in the frame (4 frame pixels per working pixel)
    assert alpha[40:90, column].min() >= 0.8
    assert alpha[64, column + 12] < 0.05  # three working pixels beside it: blurred
