"""Videos as phones record them (HEVC 10-bit HLG, ProRes, rotation through the display matrix,
240 fps, variable frame rate, 4K, audio), made from ../shared/media footage: each goes through
upload → proxy → pose analysis, with time axes from presentation timestamps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coaching.analysis.models import Analysis, Status
from coaching.analysis.runner import analysis_run
from coaching.videos.models import Video
from inference.posedata import PoseSequence
from inference.video import iter_frames, probe
from tests.support import PHONE_KINDS, make_phone_clip, shared_clip

pytestmark = pytest.mark.django_db

EXPECTED = {  # kind: (display width, height, codec, bit depth, transfer, rotation)
    "h264_rotated": (540, 960, "h264", 8, "sdr", 90),
    "hevc10_hlg": (960, 540, "hevc", 10, "arib-std-b67", 0),
    "prores": (960, 540, "prores", 10, "sdr", 0),
    "slowmo240": (540, 960, "h264", 8, "sdr", 0),
    "vfr": (540, 960, "h264", 8, "sdr", 0),
    "uhd4k": (3840, 2160, "h264", 8, "sdr", 0),
    "with_audio": (960, 540, "h264", 8, "sdr", 0),
}


def _times(path: Path) -> np.ndarray:
    return np.array([t for _, t in iter_frames(path, max_side=320)])


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("phone")
    return {kind: make_phone_clip(kind, out, frames=8 if kind == "uhd4k" else 20) for kind in PHONE_KINDS}


@pytest.mark.parametrize("kind", PHONE_KINDS)
def test_phone_clip_goes_through(client, world, clips, kind: str) -> None:
    clip = clips[kind]
    client.force_login(world.coach)
    upload = SimpleUploadedFile(clip.name, clip.read_bytes(), content_type="video/mp4")
    response = client.post(reverse("video_upload", args=[world.al.pk]), {"file": upload})
    assert response.status_code == 201, response.content
    video = Video.objects.get(pk=response.json()["id"])
    width, height, codec, depth, transfer, rotation = EXPECTED[kind]
    assert (video.width, video.height, video.codec, video.bit_depth, video.transfer) == (
        width, height, codec, depth, transfer)
    assert video.rotation == rotation
    assert video.is_slow_motion == (kind == "slowmo240")
    analysis = Analysis.objects.get(video=video)
    analysis_run(analysis_id=analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == Status.DONE, analysis.error
    proxy = probe(analysis.proxy.path)
    scale = min(1.0, 1280 / max(width, height))
    assert (proxy.codec, proxy.bit_depth, proxy.transfer) == ("h264", 8, "sdr")
    assert (proxy.width, proxy.height) == (round(width * scale / 2) * 2, round(height * scale / 2) * 2)
    assert proxy.rotation == 0  # upright pixels, no matrix left for the browser to honour
    assert proxy.has_audio == (kind == "with_audio")
    source_times = _times(clip)
    np.testing.assert_allclose(_times(Path(analysis.proxy.path)), source_times, atol=1e-3)
    poses = PoseSequence.load(analysis.poses.path)
    np.testing.assert_allclose(poses.timestamps, source_times, atol=1e-6)
    assert poses.size == (width, height)


def test_slow_motion_time_is_capture_time(clips) -> None:
    times = _times(clips["slowmo240"])
    np.testing.assert_allclose(np.diff(times), 1 / 240, atol=1e-4)
    info = probe(clips["slowmo240"])
    assert info.slow_motion and info.fps == 240


def test_variable_frame_rate_keeps_irregular_intervals(clips) -> None:
    steps = np.round(np.diff(_times(clips["vfr"])), 4)
    assert set(steps[:6]) == {round(1 / 30, 4), round(1 / 90, 4)}


def test_hdr_is_tone_mapped_not_washed_out(clips) -> None:
    import cv2

    original = next(iter_frames(shared_clip("indoor_two_people_1080p.mp4"), max_side=960))[0]
    mapped = next(iter_frames(clips["hevc10_hlg"]))[0]
    assert np.abs(mapped.astype(int) - original).mean() < 6
    saturation = [cv2.cvtColor(img, cv2.COLOR_BGR2HSV)[..., 1].mean() for img in (original, mapped)]
    assert abs(saturation[0] - saturation[1]) < 0.1 * saturation[0]


def test_rotated_clip_poses_match_the_upright_original(clips, tmp_path) -> None:
    """The same footage stored sideways with a display matrix gives the same poses."""
    import av

    from inference.pipeline import AnalysisConfig, analyze

    upright = tmp_path / "upright.mp4"
    with av.open(str(upright), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 540, 960, "yuv420p"
        for image, _ in iter_frames(clips["h264_rotated"]):
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="bgr24")):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    config = AnalysisConfig(until="athlete")
    a, b = analyze(clips["h264_rotated"], config), analyze(upright, config)
    ka, kb = a.athlete_keypoints(), b.athlete_keypoints()
    assert ka is not None and kb is not None
    both = np.isfinite(ka[..., 0]) & np.isfinite(kb[..., 0]) & (ka[..., 2] > 0.5) & (kb[..., 2] > 0.5)
    assert both.sum() > 200
    error = np.hypot(*(ka[both, :2] - kb[both, :2]).T)
    assert np.median(error) < 0.01 * np.hypot(540, 960)


def test_player_offers_slow_playback_for_slow_motion(client, world, clips) -> None:
    client.force_login(world.coach)
    clip = clips["slowmo240"]
    upload = SimpleUploadedFile(clip.name, clip.read_bytes(), content_type="video/mp4")
    video_id = client.post(reverse("video_upload", args=[world.al.pk]), {"file": upload}).json()["id"]
    page = client.get(reverse("video_detail", args=[video_id])).content.decode()
    assert 'value="0.25" selected' in page and "slow-motion capture" in page
