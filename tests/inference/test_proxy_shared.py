"""The pose stage's single decode: frames_with_proxy gives iter_frames' frames and times while it
makes the same proxy (picture, sound, poster, info) as make_proxy; the pipeline makes the proxy
there only when its proxy stage will run."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from inference.proxy import frames_with_proxy, make_proxy
from inference.video import iter_frames
from tests.inference.test_proxy import _clip
from tests.support import mux_rgb_frames, write_clip


def _decoded(path: Path) -> tuple[list[np.ndarray], list[float], np.ndarray]:
    with av.open(str(path)) as c:
        frames = [(f.to_ndarray(format="gray"), float(f.pts * f.time_base)) for f in c.decode(video=0)]
    with av.open(str(path)) as c:
        audio = [f.to_ndarray() for f in c.decode(audio=0)]
    return [f for f, _ in frames], [t for _, t in frames], np.concatenate(audio, axis=1)


def test_one_decode_gives_the_pose_frames_and_the_same_proxy(tmp_path: Path) -> None:
    source = _clip(tmp_path / "src.mp4", video_start=0.3, audio_start=0.0)
    info: dict = {}
    shared = list(frames_with_proxy(source, tmp_path / "a.mp4", tmp_path / "a.jpg", info, max_side=32))
    alone = list(iter_frames(source, max_side=32))
    assert len(shared) == len(alone) == 50
    assert all(np.array_equal(a, b) and s == t for (a, s), (b, t) in zip(shared, alone, strict=True))
    expected = make_proxy(source, tmp_path / "b.mp4", tmp_path / "b.jpg")
    assert info.pop("seconds") > 0 and info == expected
    frames_a, times_a, audio_a = _decoded(tmp_path / "a.mp4")
    frames_b, times_b, audio_b = _decoded(tmp_path / "b.mp4")
    assert times_a == times_b and all(np.array_equal(a, b) for a, b in zip(frames_a, frames_b, strict=True))
    assert np.array_equal(audio_a, audio_b)
    assert (tmp_path / "a.jpg").read_bytes() == (tmp_path / "b.jpg").read_bytes()


def test_the_pipeline_makes_the_proxy_in_the_pose_pass_only_when_it_is_asked_for(tmp_path: Path) -> None:
    from inference.pipeline import AnalysisConfig, analyze

    clip = write_clip(tmp_path / "clip.mp4", frames=8)
    result = analyze(clip, AnalysisConfig(until="proxy"), workdir=tmp_path / "with")
    assert result.video is not None and result.video.proxy is not None and result.video.proxy["frames"] == 8
    assert "seconds" not in result.video.proxy and "proxy_encode" in result.timings
    assert (tmp_path / "with" / "proxy.mp4").is_file() and (tmp_path / "with" / "poster.jpg").is_file()
    analyze(clip, AnalysisConfig(until="athlete"), workdir=tmp_path / "without")
    assert not (tmp_path / "without" / "proxy.mp4").exists()


def _clip_the_proxy_keeps(path: Path) -> tuple[Path, list[float]]:
    """8-bit 4:2:0 BT.709 frames at a size the proxy keeps, so it encodes the decoded Y'CbCr as it
    is (proxy.keeps_yuv); times on 1/48000 s (as phones store them) that 1/90000 s cannot hold
    exactly, 1/30 and 1/90 s apart as in a variable-frame-rate clip."""
    from fractions import Fraction

    steps = np.where(np.arange(12) % 3 == 0, 1 / 30, 1 / 90)
    times = np.concatenate([[0.0], np.cumsum(steps[:-1])])
    base = Fraction(1, 48000)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=60)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        stream.time_base = stream.codec_context.time_base = base
        cc = stream.codec_context
        cc.color_primaries = cc.color_trc = cc.colorspace = 1  # BT.709
        images = []
        for i in range(len(times)):
            image = np.full((48, 64, 3), 40, np.uint8)
            image[10:20, 4 * i : 4 * i + 6] = (230, 120, 20)
            images.append(image)
        mux_rgb_frames(out, stream, images, times, base)
    with av.open(str(path)) as c:
        decoded = [float(f.pts * f.time_base) for f in c.decode(video=0)]
    return path, decoded


def test_frames_the_proxy_keeps_as_they_are_keep_their_own_times_and_colours(tmp_path: Path) -> None:
    """The encoder retimes (1/90000 s) and retags the frame it is given, and PyAV's reformat hands
    back the same frame when nothing is to change: the pose frames' times and pictures must be
    read before the encoder has it (a phone's variable-frame-rate clip got the proxy's times)."""
    from inference.proxy import keeps_yuv

    source, times = _clip_the_proxy_keeps(tmp_path / "vfr.mp4")
    with av.open(str(source)) as c:
        assert keeps_yuv(next(c.decode(video=0)), (64, 48))  # the case under test
    info: dict = {}
    shared = list(frames_with_proxy(source, tmp_path / "a.mp4", tmp_path / "a.jpg", info))
    alone = list(iter_frames(source))
    assert [t for _, t in alone] == times
    assert [t for _, t in shared] == times
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(shared, alone, strict=True))
