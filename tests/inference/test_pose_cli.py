"""``python -m inference pose``: poses.npz, OpenPose JSON per frame, rendered H.264."""

import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from inference.cli import COMMANDS, build_parser, main
from inference.pose.openpose import jsonio
from inference.posedata import PoseSequence
from inference.video import iter_frames
from tests.support import shared_clip

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def short_clip(tmp_path_factory) -> Path:
    """The first 10 frames of the indoor clip, at 960x540 (keeps the test quick)."""
    path = tmp_path_factory.mktemp("clip") / "two_people.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 960, 540, "yuv420p"
        for i, (frame, _) in enumerate(iter_frames(shared_clip("indoor_two_people_1080p.mp4"),
                                                   max_side=960)):  # fmt: skip
            if i == 10:
                break
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="bgr24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def test_pose_openpose_writes_npz_json_and_render(short_clip, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["pose", str(short_clip), "--backend", "openpose", "--out", str(out), "--render"])
    assert code == 0
    assert "frame 10/10" in capsys.readouterr().err  # progress on stderr

    poses = PoseSequence.load(out / "poses.npz")
    assert poses.skeleton == "coco18" and poses.size == (960, 540)
    assert poses.keypoints.shape[0] == 10 and poses.keypoints.shape[2:] == (18, 3)
    assert poses.fps == pytest.approx(25)
    assert (poses.track_ids == -1).all() and len(poses.track_ids) == poses.num_people
    np.testing.assert_allclose(np.diff(poses.timestamps), 1 / 25, atol=1e-6)
    people_per_frame = (poses.keypoints[..., 2] > 0).any(-1).sum(-1)
    assert (people_per_frame == 2).sum() >= 8

    frames = jsonio.read_folder(out / "json", num_keypoints=25)  # BODY_25 by default
    assert len(frames) == 10
    assert [len(f) for f in frames] == people_per_frame.tolist()
    assert sorted(p.name for p in (out / "json").iterdir())[0] == "two_people_000000000000_keypoints.json"

    with av.open(str(out / "render.mp4")) as rendered:
        stream = rendered.streams.video[0]
        assert stream.codec_context.name == "h264"
        decoded = [f.to_ndarray(format="bgr24") for f in rendered.decode(stream)]
    assert len(decoded) == 10 and decoded[0].shape == (540, 960, 3)
    with av.open(str(short_clip)) as source:
        original = next(source.decode(video=0)).to_ndarray(format="bgr24")
    assert np.abs(decoded[0].astype(int) - original).max() > 100  # skeletons are drawn on it


def test_json_in_native_order(short_clip, tmp_path):
    out = tmp_path / "native"
    assert main(["pose", str(short_clip), "--backend", "openpose", "--out", str(out),
                 "--json-format", "native", "--quiet"]) == 0  # fmt: skip
    first = jsonio.read_frame(next(iter(sorted((out / "json").iterdir()))))
    assert first.shape[1:] == (18, 3)


def test_bad_file_is_an_error_message(tmp_path, capsys):
    bogus = tmp_path / "notes.mp4"
    bogus.write_text("not a video")
    assert main(["pose", str(bogus), "--backend", "openpose", "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err.startswith("error:")


def test_registry_builds_every_command():
    parser = build_parser()
    for name in COMMANDS:
        assert parser.parse_args([name, "clip.mp4", "--out", "x"]).command == name


def test_module_entry_point_help():
    done = subprocess.run([sys.executable, "-m", "inference", "pose", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0 and "--backend" in done.stdout and "--render" in done.stdout


def test_missing_blazepose_backend_is_a_clear_error(short_clip, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "inference.pose.blazepose", None)  # as if not installed
    assert main(["pose", str(short_clip), "--backend", "blazepose", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "blazepose backend is not available" in err and "--backend openpose" in err
