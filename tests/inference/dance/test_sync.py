"""Group synchronisation on known truth: a synthetic second dancer with known offsets per half
phrase, a mirrored one, and a real dancer's track (the man of lab_two_people_portrait_60fps, found
by his truth box) shifted in time and perturbed; then the real two-person clips as they are."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from inference.dance import Beats, MusicStatus, analyze_dance, music_of
from inference.dance.beats import no_beats
from inference.pipeline import AnalysisConfig, analyze
from inference.posedata import PoseSequence
from tests.inference.dance.conftest import BEATS, FPS, SECONDS
from tests.inference.dance.synthetic import dancer, poses
from tests.support import shared_clip
from tests.truth import load_truth

HALF_PHRASE_OFFSETS_S = np.array([0.0, 0.080, 0.0, -0.060, 0.040, 0.0, 0.100, -0.030])  # counts 1-4, 5-8, ...


def test_offsets_against_a_lead_within_a_frame_and_mirroring(click_beats: Beats) -> None:
    times = np.arange(int(SECONDS * FPS)) / FPS
    lead = dancer(times, BEATS)
    late = dancer(times, BEATS + np.repeat(HALF_PHRASE_OFFSETS_S, 4), origin=(500, 300), seed=1)
    mirrored = dancer(times, BEATS, origin=(100, 320), seed=2, mirror=True)
    sync = analyze_dance(poses(lead, late, mirrored, times=times, fps=FPS), click_beats).to_json()["sync"]
    assert sync["status"] == "ok"
    assert [w["label"] for w in sync["windows"][:3]] == ["phrase 1, counts 1–4", "phrase 1, counts 5–8",
                                                          "phrase 2, counts 1–4"]  # fmt: skip
    rows = {row["track_id"]: row for row in sync["dancers"]}
    found = np.array(rows[1]["lead_offsets_ms"]["0"], dtype=float)
    print("dancer 2 against dancer 1 (ms):", found.tolist(), "truth:", (HALF_PHRASE_OFFSETS_S * 1000).tolist())
    assert np.abs(found - HALF_PHRASE_OFFSETS_S * 1000).max() < 1000 / FPS
    assert [rows[t]["mirrored"] for t in (0, 1, 2)] == [False, False, True]
    assert np.abs(np.array(rows[2]["lead_offsets_ms"]["0"], dtype=float)).max() < 1000 / FPS
    score = [s for s in sync["score"]["dancers"]["1"] if s is not None]
    assert max(score) > 95 and min(score) < 90  # together where on time, less where 60-100 ms off


@pytest.fixture(scope="module")
def lab_poses() -> PoseSequence:
    return analyze(shared_clip("lab_two_people_portrait_60fps.mp4"), AnalysisConfig(until="tracking")).poses


def _person_at(poses: PoseSequence, box: list[float]) -> int:
    """The slot whose keypoints' centre in the first frame is nearest the truth box's centre."""
    centres = np.nanmean(poses.keypoints[0, :, :, :2], axis=1)
    target = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
    return int(np.nanargmin(np.linalg.norm(centres - target, axis=1)))


@pytest.mark.parametrize("delay_s", [0.0733, -0.0450])
def test_a_real_dancers_time_shifted_copy_is_recovered_within_a_frame(lab_poses: PoseSequence, delay_s: float) -> None:
    truth = load_truth("lab_two_people_portrait_60fps.mp4")
    man = next(p for p in truth["people"] if p["id"] == "man")
    keypoints = lab_poses.keypoints[:, _person_at(lab_poses, man["boxes"][0]["box"])]
    t = lab_poses.timestamps
    copy = np.full_like(keypoints, np.nan)
    for k in range(keypoints.shape[1]):
        for c in range(3):
            seen = np.isfinite(keypoints[:, k, c])
            copy[:, k, c] = np.interp(t - delay_s, t[seen], keypoints[seen, k, c], left=np.nan, right=np.nan)
    rng = np.random.default_rng(7)
    copy[..., :2] = copy[..., :2] * 0.8 + [40, 200] + rng.normal(0, 2.0, copy[..., :2].shape)  # smaller, elsewhere, noisier
    pair = replace(lab_poses, keypoints=np.stack([keypoints, copy], axis=1), track_ids=np.array([0, 1]))
    sync = analyze_dance(pair, no_beats(MusicStatus.NO_AUDIO)).to_json()["sync"]
    (found,) = sync["dancers"][1]["lead_offsets_ms"]["0"]
    print(f"shift {delay_s * 1000:.1f} ms, found {found} ms (frame {1000 / lab_poses.fps:.1f} ms)")
    assert abs(found - delay_s * 1000) < 1000 / lab_poses.fps


def test_real_two_person_clips_say_no_audio_and_give_an_offset_table() -> None:
    clip = shared_clip("indoor_two_people_1080p.mp4")
    truth = load_truth(clip.name)
    beats = music_of(clip)
    assert beats.status == MusicStatus.NO_AUDIO  # the clip has no sound (checked with PyAV: no audio stream)
    result = analyze_dance(analyze(clip, AnalysisConfig(until="tracking")).poses, beats).to_json()
    assert result["music"]["message"].startswith("No audio") and result["music"]["times"] == []
    assert len(result["dancers"]) == len(truth["people"])
    sync = result["sync"]
    assert sync["status"] == "ok" and len(sync["dancers"]) == len(truth["people"])
    (window,) = sync["windows"]  # 2.5 s of video: one window, by time since there are no counts
    assert window["phrase"] is None and window["end"] == pytest.approx(truth["people"][0]["visible"][0][1], abs=0.05)
    for row in sync["dancers"]:
        assert all(v is None or abs(v) <= sync["max_lag_ms"] for v in row["offsets_ms"])
        assert row["limbs_differing_most"]
