"""Helpers for tests: real media, generated clips, waiting on analyses."""

from __future__ import annotations

import os
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
# ../shared/media beside the checkout; POSECOACH_TEST_MEDIA points elsewhere (a clone in /tmp).
MEDIA_DIR = Path(os.environ.get("POSECOACH_TEST_MEDIA") or ROOT.parent / "shared" / "media")


def shared_clip(name: str) -> Path:
    """A real clip from ../shared/media, or a skip that says why."""
    path = MEDIA_DIR / name
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared test media live beside the checkout)")
    return path


def write_clip(path: Path, *, frames: int = 12, size: tuple[int, int] = (96, 64), fps: int = 24) -> Path:
    """A small real H.264 MP4: a moving bright square on a dark background."""
    import av

    width, height = size
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream("libx264", rate=Fraction(fps))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        images = []
        for i in range(frames):
            image = np.full((height, width, 3), 30, np.uint8)
            x = (i * 5) % max(1, width - 16)
            image[20:36, x : x + 16] = 230
            images.append(image)
        mux_rgb_frames(out, stream, images, [i / fps for i in range(frames)], Fraction(1, fps))
    return path


def wait_for_analysis(video_id: int, *, timeout: float = 120) -> object:
    """Poll the database until the video's latest analysis ends; return it."""
    import time

    from coaching.analysis.models import Analysis

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        analysis = Analysis.objects.filter(video_id=video_id).order_by("-pk").first()
        if analysis is not None and analysis.is_finished:
            return analysis
        time.sleep(0.5)
    raise AssertionError(f"the analysis of video {video_id} did not finish in {timeout} s")


PHONE_KINDS = ("h264_rotated", "hevc10_hlg", "prores", "slowmo240", "vfr", "uhd4k", "with_audio")


def make_phone_clip(kind: str, out_dir: Path, *, frames: int = 20) -> Path:
    """A short clip shaped like a phone's, made from real footage in ../shared/media:

    h264_rotated  portrait walk stored landscape with a 90° display matrix (as iPhones do)
    hevc10_hlg    HEVC 10-bit HLG BT.2020 in .mov (iPhone HDR)
    prores        ProRes 422 10-bit in .mov
    slowmo240     240 fps capture
    vfr           irregular frame intervals (variable frame rate)
    uhd4k         3840x2160
    with_audio    H.264 + AAC (a 440 Hz tone)
    """
    import av
    import cv2

    from inference.hdr import sdr_to_hlg
    from inference.video import iter_frames

    source = shared_clip("lab_walk_portrait_60fps.mp4" if kind in ("h264_rotated", "slowmo240", "vfr")
                         else "indoor_two_people_1080p.mp4")
    suffix = ".mov" if kind in ("hevc10_hlg", "prores") else ".mp4"
    path = out_dir / f"{kind}{suffix}"
    codec, pix_fmt, rate = {"hevc10_hlg": ("libx265", "yuv420p10le", 30),
                            "prores": ("prores_ks", "yuv422p10le", 30),
                            "slowmo240": ("libx264", "yuv420p", 240),
                            "vfr": ("libx264", "yuv420p", 60)}.get(kind, ("libx264", "yuv420p", 30))
    images = []
    for image, _ in iter_frames(source, max_side=None if kind == "uhd4k" else 960):
        if kind == "uhd4k":
            image = cv2.resize(image, (3840, 2160), interpolation=cv2.INTER_LINEAR)
        if kind == "h264_rotated":
            image = cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE)  # stored as the sensor saw it
        images.append(image)
        if len(images) == frames:
            break
    height, width = images[0].shape[:2]
    time_base = Fraction(1, 48000)
    times = np.arange(len(images)) / rate
    if kind == "vfr":
        steps = np.where(np.arange(len(images)) % 3 == 0, 1 / 30, 1 / 90)
        times = np.concatenate([[0.0], np.cumsum(steps[:-1])])
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=Fraction(rate))
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        stream.time_base = stream.codec_context.time_base = time_base
        if kind == "hevc10_hlg":
            cc = stream.codec_context
            cc.color_primaries, cc.color_trc, cc.colorspace = 9, 18, 9  # BT.2020, HLG, BT.2020 NCL
            cc.options = {"x265-params": "log-level=error:colorprim=bt2020:transfer=arib-std-b67:colormatrix=bt2020nc"}
        if kind == "h264_rotated":
            stream.set_display_rotation(-90)  # FFmpeg counts counter-clockwise: -90 = turn clockwise to show
        audio = out.add_stream("aac", rate=48000) if kind == "with_audio" else None
        for image, t in zip(images, times, strict=True):
            if kind == "hevc10_hlg":
                frame = av.VideoFrame.from_ndarray(sdr_to_hlg(image), format="rgb48le")
                frame.color_trc, frame.color_primaries, frame.colorspace = 18, 9, 9
                frame = frame.reformat(format=pix_fmt, dst_colorspace=9)
            else:
                frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts, frame.time_base = int(round(t / time_base)), time_base
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
        if audio is not None:
            samples = int(48000 * len(images) / rate)
            tone = (0.2 * np.sin(2 * np.pi * 440 * np.arange(samples) / 48000)).astype(np.float32)
            for offset in range(0, samples, 1024):
                chunk = tone[None, offset:offset + 1024]
                frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="mono")
                frame.sample_rate, frame.pts = 48000, offset
                for packet in audio.encode(frame):
                    out.mux(packet)
            for packet in audio.encode(None):
                out.mux(packet)
    return path


def wait_js(page: object, expression: str, timeout: float = 30.0) -> object:
    """Poll a JS expression with page.evaluate until it is truthy. (Playwright's
    wait_for_function evaluates strings inside the page, which our CSP forbids.)"""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)  # type: ignore[attr-defined]
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        time.sleep(0.1)


def upload_and_analyse(client, athlete, clip_name: str, movement: str = "general"):  # noqa: ANN001, ANN201
    """Upload a shared clip through the upload view as the client's user and run its analysis
    here (the runner a worker calls); returns the DONE analysis."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from coaching.analysis.models import Analysis, Status
    from coaching.analysis.runner import analysis_run

    clip = shared_clip(clip_name)
    response = client.post(reverse("video_upload", args=[athlete.pk]),
                           {"file": SimpleUploadedFile(clip.name, clip.read_bytes()), "movement": movement})
    analysis = Analysis.objects.get(video_id=response.json()["id"])
    analysis_run(analysis_id=analysis.pk)
    # In a transactional test the upload's enqueue reaches the broker, and a real worker left
    # running by an earlier test (the session's celery_worker_process) may claim the analysis
    # first: then this run says "busy" and the worker's run is the one to wait for.
    deadline = time.monotonic() + 300
    analysis.refresh_from_db()
    while analysis.status in (Status.PENDING, Status.RUNNING) and time.monotonic() < deadline:
        time.sleep(0.5)
        analysis.refresh_from_db()
    assert analysis.status == Status.DONE, analysis.error
    return analysis


def squat_kinematics(*, depth: float, seconds: float = 4.0, period: float = 2.0, fps: float = 24.0,
                     power: float = 1.0):  # noqa: ANN201 - a Kinematics
    """A side-view figure squatting to ``depth`` degrees of knee flexion every ``period`` s;
    ``power`` > 1 warps its clock (slow down, fast up)."""
    from inference.kinematics.core import compute_kinematics
    from inference.kinematics.synthetic import on_ground, sequence, side_view_body25

    t = np.arange(int(seconds * fps)) / fps
    phase = (t / seconds) ** power * seconds
    knee = depth / 2 * (1 - np.cos(2 * np.pi * phase / period)) + 5
    keypoints = on_ground(side_view_body25(len(t), knee=(knee, knee), hip=(knee * 0.8, knee * 0.8),
                                           ankle=(knee * 0.3, knee * 0.3), trunk_lean=knee * 0.2))
    return compute_kinematics(sequence(keypoints, t), 0)


def give_kinematics(analysis, kin):  # noqa: ANN001, ANN201 - (Analysis, Kinematics) -> Analysis
    """Store kin as the analysis' kinematics file and its events in the summary."""
    import tempfile

    from django.core.files.base import ContentFile

    from inference.kinematics.events import detect_events

    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "kinematics.npz"
        kin.save(path)
        analysis.kinematics.save("kinematics.npz", ContentFile(path.read_bytes()), save=False)
    events = detect_events(kin, analysis.video.movement).to_dict()
    analysis.summary = {**analysis.summary, "events": events}
    analysis.save()
    return analysis


def squat_video(athlete, *, recorded, depth: float, title: str = "", power: float = 1.0):  # noqa: ANN001, ANN201
    """A DONE analysis of a squat video of ``athlete`` recorded on ``recorded`` (a date)."""
    from coaching.analysis.models import Analysis, Status
    from coaching.videos.models import Video

    video = Video.objects.create(team=athlete.team, athlete=athlete, title=title or f"squat {recorded}",
                                 file="x.mp4", original_name="x.mp4", size_bytes=1, container="mov",
                                 codec="h264", width=96, height=64, fps=24, duration_s=4.0,
                                 frame_count=96, movement="squat", recorded_on=recorded)
    analysis = Analysis.objects.create(video=video, status=Status.DONE, progress=100)
    return give_kinematics(analysis, squat_kinematics(depth=depth, power=power))


def store_small_poses(analysis) -> None:  # noqa: ANN001
    """Give a DONE analysis a small real poses.npz, so its exports have something to export."""
    import io

    from django.core.files.base import ContentFile

    from inference.posedata import PoseSequence

    keypoints = np.random.default_rng(0).uniform(10, 90, (4, 1, 33, 3)).astype(np.float32)
    buffer = io.BytesIO()
    PoseSequence(keypoints, "blazepose33", np.arange(4) / 24, 24.0, (96, 64), np.array([0])).save(buffer)
    analysis.poses.save("poses.npz", ContentFile(buffer.getvalue()), save=True)


_TRACKED: dict[str, tuple[Path, dict]] = {}


def tracked_clip(clip_name: str) -> tuple[Path, dict]:  # type: ignore[type-arg]
    """A shared clip analysed up to the athlete (pose, tracking, the athlete's choice: what track
    edits work on), computed once per test session: (folder with poses.npz and overlay.json, the
    run summary a worker keeps)."""
    if clip_name not in _TRACKED:
        import atexit
        import shutil
        import tempfile

        from inference.pipeline import AnalysisConfig, analyze

        result = analyze(shared_clip(clip_name), AnalysisConfig(until="athlete"))
        folder = Path(tempfile.mkdtemp(prefix="tracked-"))
        atexit.register(shutil.rmtree, folder, True)
        result.write(folder)
        _TRACKED[clip_name] = (folder, result.summary())
    return _TRACKED[clip_name]


def tracked_analysis(video, clip_name: str):  # noqa: ANN001, ANN201 - (Video, str) -> Analysis
    """A DONE analysis of ``video`` holding :func:`tracked_clip`'s poses, overlay and summary; the
    clip itself (H.264) serves as its browser proxy, and the video row takes the clip's size, rate
    and length. No segmentation, kinematics or later stages: a track edit or an athlete choice
    makes those."""
    from django.core.files import File

    from coaching.analysis.models import Analysis, Status

    folder, summary = tracked_clip(clip_name)
    probe = summary["pose"]["video"]
    video.width, video.height, video.fps = probe["width"], probe["height"], probe["fps"]
    video.duration_s, video.frame_count, video.original_name = probe["duration"], probe["frame_count"], clip_name
    video.save()
    analysis = Analysis.objects.create(video=video, status=Status.DONE, progress=100, summary=summary)
    for field, path in (("poses", folder / "poses.npz"), ("overlay", folder / "overlay.json"),
                        ("proxy", shared_clip(clip_name))):
        with path.open("rb") as fh:
            getattr(analysis, field).save(path.name, File(fh), save=False)
    analysis.save()
    return analysis


def signed_in_page(browser, live_server, viewport=(1280, 900), username="coach", password="pw-coach-123"):  # noqa: ANN001, ANN201
    """A Chromium page signed in (as the World's coach unless told); ``page.errors`` collects
    script errors."""
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("button:has-text('Sign out')")
    page.errors = errors
    return page


class DownBroker:
    """A private Redis broker that is down until :meth:`bring_up`: the app publishes through it
    from the start (a broker outage at enqueue), then a Redis server and a real worker come up on
    it. Use as a context manager; it stops both and restores the app's broker on exit."""

    def __init__(self, monkeypatch) -> None:  # noqa: ANN001
        import shutil
        import socket

        self.server = shutil.which("redis-server")
        if self.server is None:
            pytest.skip("redis-server is not installed")
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            self.port = free.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.monkeypatch = monkeypatch
        self.redis = self.worker = None

    def _reset_app(self) -> None:
        from coaching.celery import app

        app._pool = None
        app.amqp._producer_pool = None

    def __enter__(self) -> DownBroker:
        # Celery reads CELERY_BROKER_URL from the environment before its settings.
        self.monkeypatch.setenv("CELERY_BROKER_URL", self.url)
        self._reset_app()
        return self

    def bring_up(self) -> None:
        """Start the Redis server, then a real worker on it."""
        import subprocess

        from tests.conftest import start_worker

        self.redis = subprocess.Popen([self.server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                       "--appendonly", "no"], stdout=subprocess.DEVNULL)  # fmt: skip
        self.worker = start_worker(self.url, "private")

    def __exit__(self, *exc: object) -> None:
        from tests.conftest import stop_worker

        if self.worker is not None:
            stop_worker(self.worker)
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait()
        self.monkeypatch.undo()
        self._reset_app()


def label_for_training(world, label: str = "lunge", spans=((0.0, 0.25), (0.25, 0.5))) -> None:  # noqa: ANN001
    """Label ``spans`` (seconds) of both team-A analyses of the World (Ann's and Al's videos) as
    ``label``: with the default two spans, the fewest ranges and videos a team model may be
    trained on (inference.actions.team MIN_RANGES_PER_CLASS, MIN_VIDEOS_PER_CLASS)."""
    from coaching.learning.models import ActionLabel

    for analysis in (world.analysis, world.analysis_al):
        for start, end in spans:
            ActionLabel.objects.create(analysis=analysis, label=label, start=start, end=end)


# A jump by physics for the constructed figures of inference.kinematics.synthetic (about 1000 px
# tall, called 1.80 m): the height of a body thrown up, in pixels, and its landing time.
PX_PER_M = 1000.0 / 1.8  # the constructed figure is ~1000 px tall; call it 1.80 m


def ballistic(t: np.ndarray, take_off: float, v0: float, floor_after: float = 0.0) -> tuple[np.ndarray, float]:
    """Height (px above the take-off floor) of a body thrown up at v0 m/s at ``take_off``, landing
    on a floor ``floor_after`` metres above the take-off floor; and the landing time."""
    from inference.kinematics.events import G

    # v0 τ − g τ²/2 = floor_after → the later root
    flight = (v0 + np.sqrt(v0**2 - 2 * G * floor_after)) / G
    tt = t - take_off
    inside = (tt > 0) & (tt < flight)
    after = tt >= flight
    height = np.where(inside, v0 * tt - G / 2 * tt**2, 0.0) + np.where(after, floor_after, 0.0)
    return height * PX_PER_M, take_off + flight


def mux_rgb_frames(out, stream, images, times, time_base: Fraction) -> None:  # noqa: ANN001 - PyAV container, stream
    """Encode (H, W, 3) uint8 RGB ``images`` at presentation ``times`` (seconds, on ``time_base``)
    into ``stream`` of the open container ``out``, then flush the encoder."""
    import av

    for image, t in zip(images, times, strict=True):
        frame = av.VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts, frame.time_base = int(round(t / time_base)), time_base
        for packet in stream.encode(frame):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)
