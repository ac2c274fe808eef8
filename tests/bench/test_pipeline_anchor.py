"""bench/pipeline.py --anchor: the ratio rows from recorded runs, the alternation, the printing.
mediapipe is never imported: the runs are recorded JSON (anchor_runs_fixture.json is a real
`--anchor --clips lab_walk_portrait_60fps.mp4 --long-frames 0 --json` run on the 2-CPU VM)."""

import ast
import json
import sys
from pathlib import Path

import pytest

from bench import pipeline

FIXTURE = Path(__file__).with_name("anchor_runs_fixture.json")


def _recorded() -> tuple[str, dict, dict]:
    clip, ours, anchor = json.loads(FIXTURE.read_text())["anchor_runs"][0]
    return clip, ours, anchor


def _scaled(run: dict, factor: float) -> dict:
    """The same run with every time (wall and CPU) multiplied by ``factor``."""
    out = json.loads(json.dumps(run))
    out["process_wall_s"] *= factor
    out["process_cpu_s"] *= factor
    for key in ("imports", "models", "analysis"):
        out[key] = [v * factor for v in out[key]]
    return out


def test_ratios_are_ours_over_mediapipe_whole_process_and_without_start_up():
    _, ours, anchor = _recorded()
    ratio = pipeline.anchor_ratios(ours, anchor)
    assert ratio["process_wall"] == pytest.approx(15.8278 / 6.2556, rel=1e-4)
    assert ratio["process_cpu"] == pytest.approx(9.336983 / 3.708226, rel=1e-6)
    assert ratio["analysis_wall"] == pytest.approx(4.403387 / 4.864023, rel=1e-6)
    assert ratio["analysis_cpu"] == pytest.approx(4.154639 / 2.817986, rel=1e-6)


def test_table_has_a_row_per_run_and_the_range_per_clip():
    clip, ours, anchor = _recorded()
    # second run: ours twice as fast, MediaPipe the same -> process ratios halve
    lines = pipeline.anchor_table([(clip, ours, anchor), (clip, _scaled(ours, 0.5), anchor)])
    runs = [line for line in lines if line.startswith(f"| {clip} | 1 |") or line.startswith(f"| {clip} | 2 |")]
    assert len(runs) == 3  # two run rows and the range row ("| clip | 2 |" runs)
    assert "**2.53 / 2.52**" in runs[0] and "| 100 / 100 |" in runs[0]
    assert "**1.27 / 1.26**" in runs[1]
    assert "| 5.8 |" in runs[0]  # the 1-min load average when the run started
    assert "22.7 |" in runs[0] and "20.6 |" in runs[0]  # frames/s of analyze() and of MediaPipe's loop
    summary = lines[-1]
    assert summary.startswith(f"| {clip} | 2 | 1.27–2.53 | 1.26–2.52 | 0.45–0.91 | 0.74–1.47 |")
    assert summary.endswith("| not met |")


def test_target_is_met_only_when_every_run_is_at_most_half():
    clip, ours, anchor = _recorded()
    fast = _scaled(ours, 0.19)  # 15.83 * 0.19 / 6.26 = 0.48
    assert pipeline.anchor_table([(clip, fast, anchor)])[-1].endswith("| met |")
    assert pipeline.anchor_table([(clip, fast, anchor), (clip, ours, anchor)])[-1].endswith("| not met |")


def test_different_frame_counts_are_flagged():
    clip, ours, anchor = _recorded()
    lines = pipeline.anchor_table([(clip, ours, {**anchor, "frames": 99})])
    assert "| 100 / 99 (differ) |" in lines[2]


def test_anchor_runs_alternate_and_print_ratio_and_stage_tables(tmp_path, monkeypatch, capsys):
    clip_name, ours, anchor = _recorded()
    media = tmp_path / "media"
    media.mkdir()
    (media / clip_name).write_bytes(b"")
    python = tmp_path / "python"
    python.write_text("")
    order: list[str] = []

    def fake_ours(clip, movement):
        order.append("ours")
        return json.loads(json.dumps(ours))

    def fake_anchor(py, clip):
        assert py == python
        order.append("mediapipe")
        return json.loads(json.dumps(anchor))

    monkeypatch.setattr(pipeline, "_run_child", fake_ours)
    monkeypatch.setattr(pipeline, "_run_anchor", fake_anchor)
    out_json = tmp_path / "out.json"
    argv = ["pipeline.py", "--anchor", "--anchor-python", str(python), "--media", str(media), "--clips", clip_name,
            "--long-frames", "0", "--repeat", "2", "--json", str(out_json)]  # fmt: skip
    monkeypatch.setattr(sys, "argv", argv)
    assert pipeline.main() == 0
    assert order == ["ours", "mediapipe", "ours", "mediapipe"]
    text = capsys.readouterr().out
    assert "MediaPipe 0.10.21" in text and " CPUs (" in text  # the anchor's version, the machine
    assert "load average at start" in text and "load average at end" in text
    assert f"| {clip_name} | 2 | 2.53 | 2.52 | 0.91 | 1.47 | not met |" in text
    assert "| segmentation | 5.9 (7.5) | 5.9 (7.5) |" in text  # our full stage table, one column per run
    assert f"| {clip_name}, run 1 | {clip_name}, run 2 |" in text
    assert len(json.loads(out_json.read_text())["anchor_runs"]) == 2


def test_missing_anchor_venv_says_how_to_build_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["pipeline.py", "--anchor", "--anchor-python", str(tmp_path / "none"),
                                      "--media", str(tmp_path), "--long-frames", "0", "--clips", "x.mp4"])  # fmt: skip
    (tmp_path / "x.mp4").write_bytes(b"")
    assert pipeline.main() == 1
    assert "make bench-anchor" in capsys.readouterr().err


def test_anchor_script_imports_nothing_of_the_project():
    tree = ast.parse((pipeline.ROOT / "bench" / "anchor_mediapipe.py").read_text())
    modules = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    modules |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert modules <= {"__future__", "json", "sys", "time", "cv2", "mediapipe", "numpy"}
