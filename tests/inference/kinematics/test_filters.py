"""Filters: cut-off behaviour and zero phase, irregular timestamps, gap filling, Hampel,
unwrapping, derivatives; left/right swaps, scale, centre of mass, storage round trips."""

from __future__ import annotations

import json

import numpy as np
import pytest

from inference.kinematics import KinematicsConfig, compute_kinematics
from inference.kinematics.com import SEGMENTS, centre_of_mass
from inference.kinematics.core import Kinematics
from inference.kinematics.filters import (
    butterworth,
    derivative,
    fill_gaps,
    hampel,
    is_regular,
    unwrap_degrees,
)
from inference.kinematics.points import named_points, point_index
from inference.kinematics.scale import ANKLE_TO_SHOULDER_OF_HEIGHT, pixel_scale
from inference.kinematics.swap import apply_swaps, detect_swaps
from inference.kinematics.synthetic import body25_to, sequence, side_view_body25

FS = 60.0


def sine(freq: float, t: np.ndarray, amp: float = 1.0) -> np.ndarray:
    return amp * np.sin(2 * np.pi * freq * t)


def test_low_pass_keeps_slow_motion_removes_noise_and_has_no_phase_shift() -> None:
    t = np.arange(600) / FS
    rng = np.random.default_rng(0)
    clean = sine(1.0, t, 30.0)
    noisy = clean + sine(15.0, t, 10.0) + rng.normal(0, 3.0, t.size)
    out = butterworth(noisy, t, cutoff_hz=6.0, order=4)
    core = slice(60, -60)
    noise_rms = np.sqrt(np.mean((noisy - clean)[core] ** 2))
    error_rms = np.sqrt(np.mean((out - clean)[core] ** 2))
    assert error_rms < 0.25 * noise_rms and error_rms < 2.0  # 30° amplitude kept, noise mostly gone
    lags = np.arange(-10, 11)
    xcorr = [np.dot(np.roll(out, k)[core], clean[core]) for k in lags]
    assert lags[int(np.argmax(xcorr))] == 0  # zero phase: no lag between filtered and true
    assert np.std(butterworth(sine(15.0, t, 10.0), t)[core]) < 0.05 * np.std(sine(15.0, t, 10.0))


@pytest.mark.parametrize(("freq", "gain"), [(1.0, 1.0), (6.0, 0.5), (12.0, 0.0)])
def test_gain_at_pass_cutoff_and_stop_frequencies(freq: float, gain: float) -> None:
    t = np.arange(1200) / FS
    out = butterworth(sine(freq, t), t, cutoff_hz=6.0, order=4)
    measured = np.abs(out[200:-200]).max()
    assert measured == pytest.approx(gain, abs=0.05)  # two passes: -6 dB (×0.5) at the cut-off


def test_irregular_timestamps_are_resampled_and_the_filter_still_works() -> None:
    rng = np.random.default_rng(1)
    t = np.cumsum(rng.uniform(0.6, 1.4, 600) / FS)
    assert not is_regular(t) and is_regular(np.arange(10) / FS)
    clean = sine(1.0, t, 20.0)
    out = butterworth(clean + sine(20.0, t, 5.0), t)
    assert np.abs(out[60:-60] - clean[60:-60]).max() < 1.5


def test_gaps_are_filled_up_to_the_limit_and_nan_runs_are_filtered_apart() -> None:
    t = np.arange(200) / FS
    x = 2.0 * t + 1.0
    holed = x.copy()
    holed[20:25] = np.nan  # 5 frames: 0.1 s from last to next sample
    holed[100:140] = np.nan  # 40 frames: too long
    holed[:3] = np.nan  # the ends are never extrapolated
    filled = fill_gaps(holed, t, max_gap_s=0.25)
    np.testing.assert_allclose(filled[20:25], x[20:25])
    assert np.isnan(filled[100:140]).all() and np.isnan(filled[:3]).all()
    smooth = butterworth(filled, t)
    assert np.isnan(smooth[100:140]).all() and np.isfinite(smooth[30:100]).all()


def test_hampel_replaces_spikes_and_leaves_clean_samples_alone() -> None:
    t = np.arange(300) / FS
    x = sine(0.5, t, 20.0)
    spiked = x.copy()
    spikes = [40, 97, 150, 222]
    spiked[spikes] += 40.0
    out = hampel(spiked, window=7, n_sigma=3.0)
    assert np.abs(out[spikes] - x[spikes]).max() < 2.0
    others = np.setdiff1d(np.arange(3, 297), spikes)
    np.testing.assert_array_equal(out[others], spiked[others])
    channels = hampel(np.stack([spiked, -spiked], axis=1))  # (T, C) works column by column
    np.testing.assert_allclose(channels[:, 1], -channels[:, 0])


def test_unwrap_removes_360_degree_jumps_within_a_run_and_starts_again_after_a_gap() -> None:
    truth = np.linspace(100.0, 500.0, 81)
    wrapped = (truth + 180.0) % 360.0 - 180.0
    wrapped[30:33] = np.nan
    out = unwrap_degrees(wrapped)
    np.testing.assert_allclose(out[:30], truth[:30], atol=1e-9)  # the first run turns as seen
    assert np.isnan(out[30:33]).all()
    # after the gap nobody saw how the segment turned: the run starts at its own (wrapped) value
    assert out[33] == wrapped[33]
    np.testing.assert_allclose(np.diff(out[33:]), np.diff(truth[33:]), atol=1e-9)
    assert out[33] - truth[33] == pytest.approx(-360.0)


def test_derivative_uses_the_timestamps() -> None:
    rng = np.random.default_rng(2)
    t = np.cumsum(rng.uniform(0.5, 1.5, 400) / FS)
    x = np.sin(2 * np.pi * t)
    dx = derivative(x, t)
    assert np.abs(dx[1:-1] - 2 * np.pi * np.cos(2 * np.pi * t[1:-1])).max() < 0.05
    quad = derivative(3.0 * t**2, t)
    np.testing.assert_allclose(quad[1:-1], 6.0 * t[1:-1], rtol=1e-9)  # exact for a parabola
    x[50] = np.nan
    assert np.isnan(derivative(x, t)[50]) and np.isfinite(derivative(x, t)[[49, 51]]).all()


def walking_body25(frames: int = 240) -> np.ndarray:
    t = np.arange(frames) / FS
    swing = 30.0 * np.sin(2 * np.pi * 1.0 * t)
    return side_view_body25(frames, hip_xy=np.stack([200.0 * t, np.zeros(frames)], 1),
                            hip=(swing, -swing), knee=(20 + 20 * np.sin(2 * np.pi * t), 20 - 20 * np.sin(2 * np.pi * t)))  # fmt: skip


def test_openpose_left_right_swaps_are_found_and_corrected() -> None:
    kp = walking_body25()
    xy, _ = named_points(kp, "body25")
    t = np.arange(xy.shape[0]) / FS
    assert not any(v.any() for v in detect_swaps(xy, t).values())  # legs crossing are not swaps
    swapped = xy.copy()
    swapped[100:106] = apply_swaps(xy, {"legs": np.r_[np.zeros(100, bool), np.ones(6, bool), np.zeros(134, bool)]})[100:106]
    found = detect_swaps(swapped, t)
    assert np.flatnonzero(found["legs"]).tolist() == list(range(100, 106))
    assert not found["arms"].any()
    np.testing.assert_allclose(apply_swaps(swapped, found), xy)
    long_swap = xy.copy()
    long_swap[100:160] = apply_swaps(xy, {"legs": np.ones(240, bool)})[100:160]  # 1 s: not trusted
    assert not detect_swaps(long_swap, t)["legs"].any()


def test_compute_kinematics_corrects_swaps_only_for_openpose_skeletons() -> None:
    kp = walking_body25()  # BODY_25's order is the start of POINT_NAMES
    right = [point_index(f"R{n}") for n in ("Hip", "Knee", "Ankle", "BigToe", "SmallToe", "Heel")]
    left = [point_index(f"L{n}") for n in ("Hip", "Knee", "Ankle", "BigToe", "SmallToe", "Heel")]
    kp[100:106, right + left] = kp[100:106, left + right]  # OpenPose labels the legs the wrong way
    t = np.arange(kp.shape[0]) / FS
    kin = compute_kinematics(sequence(kp, t), 0, KinematicsConfig(filter=False))
    assert kin.swaps["legs"][100:106].all() and kin.swaps["legs"].sum() == 6
    off = compute_kinematics(sequence(kp, t), 0, KinematicsConfig(filter=False, swap="off"))
    assert not off.swaps["legs"].any()


def test_scale_from_height_and_clear_reasons_when_missing() -> None:
    kp = side_view_body25(10)
    xy, _ = named_points(kp, "body25")
    chain = 246.0 + 245.0 + 290.0  # shank + thigh + trunk of the synthetic figure, pixels
    scale = pixel_scale(xy, 180.0)
    assert scale.height_px == pytest.approx(chain / ANKLE_TO_SHOULDER_OF_HEIGHT, rel=1e-6)
    assert scale.metres_per_pixel == pytest.approx(1.80 / scale.height_px)
    missing = pixel_scale(xy, None)
    assert missing.metres_per_pixel is None and "not known" in missing.reason
    absurd = pixel_scale(xy, 1800.0)
    assert absurd.metres_per_pixel is None and "outside" in absurd.reason
    nobody = pixel_scale(np.full_like(xy, np.nan), 180.0)
    assert nobody.metres_per_pixel is None and nobody.height_px is None


def test_centre_of_mass_table_sums_to_one_and_lies_where_expected() -> None:
    assert sum(s.mass for s in SEGMENTS) == pytest.approx(1.0, abs=1e-9)
    xy, _ = named_points(side_view_body25(1), "body25")
    com = centre_of_mass(xy)[0]
    hip, neck = xy[0, point_index("Hip")], xy[0, point_index("Neck")]
    assert com[0] == pytest.approx(hip[0], abs=15.0)  # upright: near the hip's vertical
    assert neck[1] < com[1] < hip[1] + 60  # between the neck and a little below the hip centre
    one_arm = xy.copy()
    one_arm[:, [point_index("RElbow"), point_index("RWrist")]] = np.nan
    assert np.isfinite(centre_of_mass(one_arm)).all()  # 5 % of the mass missing: renormalised
    no_trunk = xy.copy()
    no_trunk[:, point_index("Neck")] = np.nan
    assert np.isnan(centre_of_mass(no_trunk)).all()


def test_kinematics_storage_round_trips(tmp_path) -> None:
    t = np.arange(120) / FS
    kp = body25_to(walking_body25(120), "blazepose33")
    kin = compute_kinematics(sequence(kp, t, "blazepose33"), 0, KinematicsConfig(height_cm=180))
    text = kin.to_csv(tmp_path / "angles.csv")
    rows = [line.split(",") for line in text.strip().split("\n")]
    assert rows[0] == ["time", *kin.angle_names] and len(rows) == 121
    assert float(rows[1][rows[0].index("right_knee")]) == pytest.approx(kin.angle("right_knee")[0], abs=0.01)
    assert rows[1][rows[0].index("pelvis")] != ""
    data = json.loads(json.dumps(kin.to_dict()))
    assert len(data["angles"]["left_hip"]) == 120 and data["scale"]["metres_per_pixel"] > 0
    kin.save(tmp_path / "kinematics.npz")
    back = Kinematics.load(tmp_path / "kinematics.npz")
    np.testing.assert_allclose(back.angles, kin.angles, atol=1e-3)
    assert back.angle_names == kin.angle_names and back.scale == kin.scale and back.config == kin.config


def test_angles_csv_leaves_untrusted_samples_empty() -> None:
    import dataclasses

    from inference.kinematics.storage import CSV_MIN_CONFIDENCE

    t = np.arange(60) / FS
    kin = compute_kinematics(sequence(body25_to(walking_body25(60), "blazepose33"), t, "blazepose33"), 0)
    knee = kin.angle_names.index("right_knee")
    confidence = kin.angle_confidence.copy()
    confidence[10, knee] = 0.0  # an interpolated point
    confidence[11, knee] = CSV_MIN_CONFIDENCE - 0.01  # below what the report plots
    confidence[12, knee] = CSV_MIN_CONFIDENCE
    assert np.isfinite(kin.angles[10:13, knee]).all() and (kin.angle_confidence[:, knee] >= CSV_MIN_CONFIDENCE).all()
    rows = [line.split(",") for line in dataclasses.replace(kin, angle_confidence=confidence).to_csv().strip().split("\n")]
    column = rows[0].index("right_knee")
    assert [rows[1 + i][column] for i in (10, 11)] == ["", ""]
    assert float(rows[13][column]) == pytest.approx(kin.angles[12, knee], abs=0.01)
    assert all(row[column] != "" for i, row in enumerate(rows[1:]) if i not in (10, 11))


def test_outputs_without_an_athlete_or_a_height_say_why(tmp_path) -> None:
    from inference.pipeline import AnalysisConfig, analyze_poses, reanalyze

    t = np.arange(120) / FS
    poses = sequence(walking_body25(120), t)
    walk = analyze_poses(poses, AnalysisConfig(movement="walk", until="feedback"), athlete_track_id=0)
    nobody = reanalyze(analyze_poses(poses, AnalysisConfig(movement="run", until="feedback")), None)
    nobody.write(tmp_path / "a")
    assert nobody.kinematics is not None and nobody.kinematics.reason == "no athlete was found in the video"
    assert (tmp_path / "a" / "angles.csv").read_text().startswith("time,right_ankle,")
    assert json.loads((tmp_path / "a" / "feedback.json").read_text())["reason"] == nobody.kinematics.reason
    walk.write(tmp_path / "b")
    assert walk.kinematics is not None and walk.kinematics.reason is None
    assert walk.kinematics.to_json()["frames_with_angles"] == 120
    scale = json.loads((tmp_path / "b" / "events.json").read_text())["scale"]
    assert scale["metres_per_pixel"] is None and "height is not known" in scale["reason"]


def test_the_analyze_command_offers_every_movement() -> None:
    import argparse

    from inference.analyze_cmd import add_arguments
    from inference.feedback import MOVEMENTS

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    (action,) = [a for a in parser._actions if a.dest == "movement"]
    assert tuple(action.choices or ()) == MOVEMENTS


@pytest.mark.parametrize("frames", [5, 8, 20, 300])
def test_the_zero_phase_pass_equals_scipy_sosfiltfilt(frames: int) -> None:
    from scipy import signal

    from inference.kinematics.filters import _filter_run

    sos = signal.butter(4, 6.0, fs=FS, output="sos")
    y = np.random.default_rng(7).normal(size=(frames, 3))
    expected = signal.sosfiltfilt(sos, y, axis=0, padlen=min(3 * (2 * len(sos) + 1), frames - 1))
    np.testing.assert_allclose(_filter_run(y, sos, signal.sosfilt_zi(sos)), expected, atol=1e-12)
