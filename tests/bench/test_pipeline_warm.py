"""bench/pipeline.py --warm: the start-up per video of a warm worker, fitted from analyses of a
clip's short cut and of the whole clip, and the cut itself (a real clip's first packets)."""

import pytest

from bench import pipeline
from tests.support import shared_clip


def _run(frames: int, start_up: tuple[float, float], per_frame: tuple[float, float], load: float = 1.0) -> dict:
    wall, cpu = (start_up[i] + frames * per_frame[i] for i in (0, 1))
    stages = {"probe": [0.05, 0.02], "pose": [wall - 0.05, cpu - 0.02]}
    return {"frames": frames, "analysis": [wall, cpu], "stages": stages, "load": load}


def test_the_fit_finds_a_linear_cost_s_intercept_and_slope_from_the_fastest_runs():
    short = [_run(10, (0.5, 0.3), (0.03, 0.04)), _run(10, (0.9, 0.6), (0.05, 0.04))]  # the second: a busier moment
    full = [_run(100, (0.5, 0.3), (0.03, 0.04)), _run(100, (1.5, 0.3), (0.03, 0.05))]
    fit = pipeline.start_up_fit(short, full)
    (wall, cpu) = fit["analysis"]
    assert (fit["k"], fit["n"]) == (10, 100)
    assert wall["start_up"] == pytest.approx(0.5) and wall["per_frame"] == pytest.approx(0.03)
    assert cpu["start_up"] == pytest.approx(0.3) and cpu["per_frame"] == pytest.approx(0.04)
    assert fit["stages"]["probe"][1]["start_up"] == pytest.approx(0.02)  # a fixed cost: all of it is start-up
    assert fit["stages"]["probe"][1]["per_frame"] == pytest.approx(0.0)
    assert fit["stages"]["pose"][1]["start_up"] == pytest.approx(0.28)


def test_a_cut_as_long_as_the_clip_is_refused():
    with pytest.raises(ValueError, match="not shorter"):
        pipeline.start_up_fit([_run(100, (1, 1), (0.1, 0.1))], [_run(100, (1, 1), (0.1, 0.1))])


def test_the_table_has_a_row_per_clip_and_the_start_up_per_stage():
    run = {"models": [4.0, 3.0], "first": _run(100, (0.5, 0.3), (0.03, 0.04)),
           "cut": [_run(10, (0.5, 0.3), (0.03, 0.04))], "full": [_run(100, (0.5, 0.3), (0.03, 0.04))]}  # fmt: skip
    lines = pipeline.warm_table([("a.mp4", run), ("b.mp4", run)])
    rows = [line for line in lines if line.startswith("| a.mp4") or line.startswith("| b.mp4")]
    assert len(rows) == 2 and "**0.50 (0.30)**" in rows[0]
    assert "| probe | 0.020 (0.05) | 0.020 (0.05) |" in lines


def test_the_cut_holds_the_first_packets_of_a_real_clip(tmp_path):
    from inference.video import iter_frames, probe

    clip = shared_clip("lab_walk_portrait_60fps.mp4")
    cut = tmp_path / "cut.mp4"
    pipeline.cut_clip(clip, cut, 10)
    frames = [t for _, t in iter_frames(cut, max_side=96)]
    source = [t for _, t in iter_frames(clip, max_side=96)]
    assert frames[:10] == source[:10] and 10 <= len(frames) <= 16  # B-frames: a few more may come along
    assert probe(cut).width == probe(clip).width
