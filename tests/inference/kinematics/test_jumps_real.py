"""Jumps on real frames: the four jumping-jack hops of Sports2D's demo (held out, fetched by
`make eval-data` into ~/.cache/posecoach/eval), against bench/truth/sports2d_demo.json, whose hop
instants were read off crops of the shoes on the box's top edge (frames looked at, never the
product's output; out-hop 1 re-looked on 2026-12-01). The issue's targets, per hop: take-off and
landing within 2 frames, flight time within 20 %. Nothing in the detector was chosen on this clip;
the test guards what it already does on footage it was not tuned on."""

from __future__ import annotations

import pytest

from inference.kinematics import compute_kinematics
from inference.kinematics.events import FLIGHT_KINDS, detect_events
from tests.truth import load_truth

CLIP = "sports2d_demo.mp4"
FRAME_S = 1 / 30


def test_the_four_hops_on_the_box_are_timed_within_two_frames_and_their_flights_within_20_percent() -> None:
    from bench.eval_data import eval_dir
    from inference.pipeline import AnalysisConfig, analyze

    path = eval_dir() / CLIP
    if not path.exists():
        pytest.skip(f"{path} is absent (make eval-data)")
    result = analyze(path, AnalysisConfig(until="athlete"))
    kin = compute_kinematics(result.poses, result.athlete_index)
    flights = [e for e in detect_events(kin, "jump").events if e.kind in FLIGHT_KINDS]
    hops = [j for j in load_truth(CLIP)["jumps"] if j["landing"] < 5.0]  # on the box; the leap comes after
    assert len(hops) == 4
    on_the_box = [e for e in flights if e.end < 5.0]
    assert len(on_the_box) == len(hops), [(e.kind, round(e.start, 3), round(e.end, 3)) for e in on_the_box]
    for hop, found in zip(hops, sorted(on_the_box, key=lambda e: e.start), strict=True):
        assert found.kind == "jump"  # take-off and landing on the box top: one level
        assert abs(found.start - hop["takeoff"]) <= 2 * FRAME_S, (hop, found.start)
        assert abs(found.end - hop["landing"]) <= 2 * FRAME_S, (hop, found.end)
        true_flight = hop["landing"] - hop["takeoff"]
        assert abs(found.values["flight_time_s"] - true_flight) <= 0.2 * true_flight, (hop, found.values)
