"""The browser proxy on generated clips: audio stays in sync when the streams do not start at 0,
the picture is BT.709 (tags and matrix), the poster is the frame at time 0, a truncated source
is an error."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from inference.proxy import POSTER_AT_S, make_proxy, to_bt709_yuv
from inference.video import VideoError

FPS, RATE = 25, 48000
FLASH_S = 1.0  # seconds after the first video frame: a white frame and a beep, together


def _clip(path: Path, *, video_start: float, audio_start: float | None, seconds: float = 2.0,
          faststart: bool = False, audio_extra: float = 0.0) -> Path:
    """Video from `video_start` (s), audio from `audio_start`; at video_start + FLASH_S a white
    frame and the onset of a 1 kHz tone mark the same instant."""
    options = {"movflags": "+faststart"} if faststart else {}
    flash = round(video_start * FPS) / FPS + FLASH_S
    with av.open(str(path), mode="w", options=options) as out:
        video = out.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        video.codec_context.time_base = Fraction(1, FPS)
        audio = out.add_stream("aac", rate=RATE) if audio_start is not None else None
        if audio is not None:
            audio.layout = "mono"
        packets: list[av.Packet] = []
        for i in range(int(seconds * FPS)):
            pts = round(video_start * FPS) + i
            image = np.full((48, 64, 3), 255 if abs(pts / FPS - flash) < 0.5 / FPS else 20, np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts, frame.time_base = pts, Fraction(1, FPS)
            packets += video.encode(frame)
        packets += video.encode(None)
        if audio is not None and audio_start is not None:
            n = 1024
            end = video_start + seconds + audio_extra
            for k in range(int((end - audio_start) * RATE) // n):
                t = audio_start + k * n / RATE + np.arange(n) / RATE
                wave = np.where(t >= flash, 0.5 * np.sin(2 * np.pi * 1000 * t), 0.0).astype(np.float32)
                frame = av.AudioFrame.from_ndarray(wave[None, :], format="fltp", layout="mono")
                frame.sample_rate = RATE
                frame.pts, frame.time_base = round(audio_start * RATE) + k * n, Fraction(1, RATE)
                packets += audio.encode(frame)
            packets += audio.encode(None)
        for packet in packets:
            out.mux(packet)
    return path


def _flash_and_beep(proxy: Path) -> tuple[float, float]:
    """Proxy times (s) of the white frame and of the tone's onset."""
    flash, beep = None, None
    with av.open(str(proxy)) as c:
        for frame in c.decode(video=0):
            if flash is None and frame.to_ndarray(format="gray").mean() > 128:
                flash = float(frame.pts * frame.time_base)
    with av.open(str(proxy)) as c:
        for frame in c.decode(audio=0):
            samples = frame.to_ndarray()[0]
            loud = np.flatnonzero(np.abs(samples) > 0.1)
            if beep is None and loud.size:
                beep = float(frame.pts * frame.time_base) + loud[0] / frame.sample_rate
    assert flash is not None and beep is not None
    return flash, beep


@pytest.mark.parametrize(("video_start", "audio_start"), [(0.0, 0.0), (1.5, 1.5), (0.52, 0.0), (0.0, 0.3)])
def test_audio_stays_in_sync_when_streams_do_not_start_at_zero(tmp_path: Path, video_start: float,
                                                               audio_start: float) -> None:
    source = _clip(tmp_path / "in.mp4", video_start=video_start, audio_start=audio_start)
    with av.open(str(source)) as c:  # the generated file really has the offsets
        v, a = c.streams.video[0], c.streams.audio[0]
        assert float(v.start_time * v.time_base) == pytest.approx(video_start, abs=0.05)
        assert float(a.start_time * a.time_base) == pytest.approx(audio_start, abs=0.05)
    info = make_proxy(source, tmp_path / "proxy.mp4", tmp_path / "poster.jpg")
    assert info["audio"] is True
    flash, beep = _flash_and_beep(tmp_path / "proxy.mp4")
    assert flash == pytest.approx(FLASH_S, abs=0.5 / FPS)  # video time 0 is the first frame
    # One video frame plus the AAC encoder's own delay (1024 samples) at most.
    assert beep == pytest.approx(flash, abs=1 / FPS + 1024 / RATE)


def test_proxy_is_tagged_bt709(tmp_path: Path, make_clip) -> None:
    make_proxy(make_clip(frames=12), tmp_path / "proxy.mp4", tmp_path / "poster.jpg")
    with av.open(str(tmp_path / "proxy.mp4")) as c:
        cc = c.streams.video[0].codec_context
        assert (cc.color_primaries, cc.color_trc, cc.colorspace) == (1, 1, 1)  # bt709 ×3
        frame = next(c.decode(video=0))
        assert (frame.color_primaries, frame.color_trc, frame.colorspace) == (1, 1, 1)


def test_mp4_colour_box_says_bt709(tmp_path: Path, make_clip) -> None:
    """The MP4's own colour box (what ffprobe and browsers read besides the H.264 VUI): 'colr'
    'nclx' with primaries, transfer and matrix 1 (BT.709), limited range."""
    make_proxy(make_clip(frames=12), tmp_path / "proxy.mp4", tmp_path / "poster.jpg")
    data = (tmp_path / "proxy.mp4").read_bytes()
    at = data.find(b"colrnclx")
    assert at > 0, "no colour box"
    primaries, transfer, matrix = (int.from_bytes(data[at + 8 + 2 * i: at + 10 + 2 * i], "big") for i in range(3))
    assert (primaries, transfer, matrix) == (1, 1, 1)
    assert data[at + 14] & 0x80 == 0  # full_range_flag off


def test_conversion_uses_the_bt709_matrix() -> None:
    """A saturated red: BT.709 gives Y = 16 + 219·0.2126 ≈ 63; BT.601 would give ≈ 81."""
    image = np.zeros((16, 16, 3), np.uint8)
    image[..., 2] = 255  # BGR red
    yuv = to_bt709_yuv(av.VideoFrame.from_ndarray(image, format="bgr24"))
    y = yuv.to_ndarray()[:16].astype(float)
    assert y.mean() == pytest.approx(16 + 219 * 0.2126, abs=1.5)
    back = yuv.to_ndarray(format="bgr24").astype(int)  # a decoder that reads the tags
    assert np.abs(back - image).max() <= 5


def test_colours_survive_the_round_trip(tmp_path: Path) -> None:
    """Encode a coloured picture, decode the proxy as a browser would (by its tags)."""
    source = tmp_path / "colour.mp4"
    with av.open(str(source), mode="w") as out:
        s = out.add_stream("libx264", rate=FPS)
        s.width, s.height, s.pix_fmt = 64, 48, "yuv444p"
        s.codec_context.options = {"qp": "0"}
        image = np.zeros((48, 64, 3), np.uint8)
        image[:, :32] = (40, 200, 90)
        image[:, 32:] = (220, 60, 30)
        for _ in range(5):
            for packet in s.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                out.mux(packet)
        for packet in s.encode(None):
            out.mux(packet)
    make_proxy(source, tmp_path / "proxy.mp4", tmp_path / "poster.jpg")
    with av.open(str(tmp_path / "proxy.mp4")) as c:
        rgb = next(c.decode(video=0)).to_ndarray(format="rgb24").astype(int)
    assert np.abs(rgb[10:38, 4:28] - (40, 200, 90)).mean() < 6
    assert np.abs(rgb[10:38, 36:60] - (220, 60, 30)).mean() < 6


def test_poster_is_the_frame_at_time_zero(tmp_path: Path) -> None:
    assert POSTER_AT_S == 0.0
    source = _clip(tmp_path / "in.mp4", video_start=0.5, audio_start=None)
    make_proxy(source, tmp_path / "proxy.mp4", tmp_path / "poster.jpg")
    poster = cv2.imread(str(tmp_path / "poster.jpg"))
    with av.open(str(tmp_path / "proxy.mp4")) as c:
        first = next(c.decode(video=0))
        assert float(first.pts * first.time_base) == pytest.approx(0.0, abs=1e-3)
        image = first.to_ndarray(format="bgr24")
    assert np.abs(poster.astype(int) - image.astype(int)).mean() < 4


def test_truncated_source_is_an_error_not_a_short_proxy(tmp_path: Path) -> None:
    source = _clip(tmp_path / "in.mp4", video_start=0.0, audio_start=None, seconds=4.0, faststart=True)
    data = source.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(VideoError, match="truncated|damaged"):
        make_proxy(cut, tmp_path / "proxy.mp4", tmp_path / "poster.jpg")


def test_annotated_render_is_tagged_bt709_too(tmp_path: Path, make_clip) -> None:
    from inference.render import RenderInput, render_annotated

    assert render_annotated(make_clip(frames=6), tmp_path / "annotated.mp4", RenderInput()) == 6
    with av.open(str(tmp_path / "annotated.mp4")) as c:
        frame = next(c.decode(video=0))
        assert (frame.color_primaries, frame.color_trc, frame.colorspace) == (1, 1, 1)


def test_edit_list_pre_roll_is_not_taken_for_truncation(tmp_path: Path) -> None:
    """146 packets of which an edit list shows 107 (the first 39 are pre-roll): a whole video."""
    source = tmp_path / "edit.mp4"
    with av.open(str(source), mode="w") as out:
        s = out.add_stream("libx264", rate=FPS)
        s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
        s.codec_context.time_base = Fraction(1, FPS)
        for i in range(146):
            frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i, np.uint8), format="rgb24")
            frame.pts, frame.time_base = i - 39, Fraction(1, FPS)
            for packet in s.encode(frame):
                out.mux(packet)
        for packet in s.encode(None):
            out.mux(packet)
    info = make_proxy(source, tmp_path / "proxy.mp4", tmp_path / "poster.jpg")
    assert info["frames"] == 107


def test_an_hd_source_keeps_its_ycbcr_only_scaled(tmp_path: Path) -> None:
    """An untagged 8-bit 4:2:0 HD source (BT.709 by its size) goes to the encoder in one swscale
    pass: the proxy's luma is the source's luma scaled, and its size, frame count and times are
    those of the frames the analysis reads (iter_frames at the proxy's size)."""
    from inference.proxy import keeps_yuv
    from inference.video import iter_frames
    from tests.support import write_clip

    source = write_clip(tmp_path / "hd.mp4", frames=6, size=(1920, 1080))
    with av.open(str(source)) as container:
        first = next(container.decode(video=0))
        assert keeps_yuv(first, (1280, 720))
        source_luma = first.reformat(width=1280, height=720, format="gray").to_ndarray().astype(int)
    info = make_proxy(source, tmp_path / "proxy.mp4", tmp_path / "poster.jpg")
    assert (info["width"], info["height"], info["frames"]) == (1280, 720, 6)
    with av.open(str(tmp_path / "proxy.mp4")) as proxy:
        frames = list(proxy.decode(video=0))
    expected = list(iter_frames(source, max_side=1280))
    assert [f.time for f in frames] == pytest.approx([t for _, t in expected])
    assert all((f.width, f.height) == (image.shape[1], image.shape[0]) for f, (image, _) in zip(frames, expected, strict=True))
    assert np.abs(frames[0].to_ndarray(format="gray").astype(int) - source_luma).mean() < 1.5


def test_sd_and_full_range_sources_go_through_bgr(tmp_path: Path) -> None:
    """Untagged SD is BT.601 by the same guess, so its colours are converted; full range is
    brought to limited range on the way through BGR, as before."""
    from inference.proxy import keeps_yuv
    from tests.support import write_clip

    with av.open(str(write_clip(tmp_path / "sd.mp4", size=(96, 64)))) as container:
        sd = next(container.decode(video=0))
    assert not keeps_yuv(sd, (96, 64))
    with av.open(str(write_clip(tmp_path / "hd.mp4", frames=2, size=(1280, 720)))) as container:
        hd = next(container.decode(video=0))
    assert keeps_yuv(hd, (1280, 720))
    hd.color_range = 2  # JPEG / full range
    assert not keeps_yuv(hd, (1280, 720))
