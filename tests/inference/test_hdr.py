"""The fast HDR tone map against the same mapping written plainly in float64."""

from __future__ import annotations

import numpy as np
import pytest

from inference.hdr import HLG, PQ, sdr_to_hlg, tone_map_reference, tone_map_to_sdr


def _every_signal_level() -> np.ndarray:
    """(H, W, 3) uint16: every 16-bit level on each channel alone, on grey and mixed with random
    others (saturated, out-of-BT.709-gamut and above-white colours included)."""
    rng = np.random.default_rng(24)
    levels = np.arange(0, 65536, 16, dtype=np.uint16)  # 4096 levels: finer than any 12-bit source
    grey = np.repeat(levels[:, None], 3, axis=1)
    alone = [np.zeros((levels.size, 3), np.uint16) for _ in range(3)]
    for channel, rows in enumerate(alone):
        rows[:, channel] = levels
    mixed = rng.integers(0, 65536, (levels.size * 4, 3)).astype(np.uint16)
    pixels = np.concatenate([grey, *alone, mixed])
    return pixels.reshape(-1, 64, 3)


@pytest.mark.parametrize("transfer", [PQ, HLG])
def test_within_one_code_value_of_the_plain_mapping(transfer: str) -> None:
    rgb48 = _every_signal_level()
    fast, plain = tone_map_to_sdr(rgb48, transfer), tone_map_reference(rgb48, transfer)
    assert fast.shape == plain.shape and fast.dtype == np.uint8
    difference = np.abs(fast.astype(int) - plain.astype(int))
    assert difference.max() <= 1
    assert (difference > 0).mean() < 0.001  # rounding at exact halves only, not a bias


def test_black_stays_black_the_brightest_light_is_white_and_greys_never_darken() -> None:
    """Zero signal is code 0 (also along cv2.pow's slow path for zeros); the brightest PQ signal
    rolls off to 255, not beyond; along the grey ramp the codes never go down."""
    black = np.zeros((2, 2, 3), np.uint16)
    assert (tone_map_to_sdr(black, PQ) == 0).all() and (tone_map_to_sdr(black, HLG) == 0).all()
    assert (tone_map_to_sdr(np.full((2, 2, 3), 65535, np.uint16), PQ) == 255).all()
    ramp = np.repeat(np.arange(0, 65536, 64, dtype=np.uint16)[:, None], 3, axis=1)[None]
    for transfer in (PQ, HLG):
        assert (np.diff(tone_map_to_sdr(ramp, transfer)[0].astype(int), axis=0) >= 0).all()


def test_a_real_frame_round_trips_through_hlg_below_the_knee() -> None:
    """SDR footage put into HLG (the inverse path) and tone-mapped back is the footage again
    where the shoulder leaves light unchanged (below KNEE of SDR white), within the 16-bit
    quantisation of the signal."""
    from inference.hdr import BT1886_GAMMA, KNEE
    from inference.video import iter_frames
    from tests.support import shared_clip

    frame = next(iter_frames(shared_clip("indoor_two_people_1080p.mp4"), max_side=640))[0]
    back = tone_map_to_sdr(sdr_to_hlg(frame), HLG)
    below = frame.max(axis=-1) < 255 * KNEE ** (1 / BT1886_GAMMA) - 2
    assert below.mean() > 0.5  # most of an indoor frame
    difference = np.abs(back[below].astype(int) - frame[below].astype(int))
    assert np.percentile(difference, 99) <= 2 and difference.mean() < 0.5
