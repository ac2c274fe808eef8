"""The review player's frame stepping and "Frame n of N" readout on videos whose timestamps are
uneven, in real Chromium: frame n shows frame n, across a gap in the timestamps too.

Two videos: one made here (24 fps frames with a 0.3 s gap after frame 29, each frame's bright
square at its own place, so the picture says which frame is shown) and the real
../shared/media/indoor_two_people_1080p.mp4 (bench/truth: frames 0-66 at 1/30 s, then a 0.2 s gap,
frames 67-71 at 2.400-2.533 s). Both go through the product's proxy (inference.proxy), and the
overlay lists the frames' times as the analysis stores them.
"""

from __future__ import annotations

import json
import os
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from inference.proxy import make_proxy
from tests.coaching.browser_support import shown_square_x
from tests.support import mux_rgb_frames, shared_clip, signed_in_page, wait_js

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SIZE = (480, 96)
FPS = 24
GAP_AFTER, GAP_S, FRAMES = 29, 0.3, 40
SCREENSHOTS = Path(os.environ.get("POSECOACH_SCREENSHOTS", "/tmp"))


def _times() -> list[float]:
    """Frame i at i/24 s up to frame 29, then 0.3 s later than that rate would put it."""
    return [i / FPS + (GAP_S if i > GAP_AFTER else 0.0) for i in range(FRAMES)]


def _square_x(i: int) -> int:
    return 4 + 11 * i


def _uneven_clip(path: Path) -> Path:
    """An H.264 MP4 whose frames carry the times of :func:`_times` (presentation timestamps in
    1/90000 s), frame i showing a bright 8 px square at x = :func:`_square_x` (i)."""
    import av

    base = Fraction(1, 90000)
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream("libx264", rate=Fraction(FPS))
        stream.width, stream.height, stream.pix_fmt = SIZE[0], SIZE[1], "yuv420p"
        stream.time_base = base
        stream.codec_context.time_base = base
        images = []
        for i in range(len(_times())):
            image = np.full((SIZE[1], SIZE[0], 3), 30, np.uint8)
            image[20:36, _square_x(i) : _square_x(i) + 8] = 230
            images.append(image)
        mux_rgb_frames(out, stream, images, _times(), base)
    return path


def _decoded_times(path: Path) -> list[float]:
    import av

    with av.open(str(path)) as container:
        return [float(f.time) for f in container.decode(video=0) if f.time is not None]


def _analysed(world, tmp_path: Path, clip: Path, times: list[float], size: tuple[int, int],  # noqa: ANN001, ANN202
              overlay: dict | None = None):  # fmt: skip
    """A video with a finished analysis: the product's proxy of ``clip`` and an overlay (by default
    one from before "frame_times": its "t" lists every frame's time, rounded to the millisecond
    as inference/overlay.py stores them), nobody in it."""
    from django.core.files import File

    from coaching.analysis.models import Analysis, Status
    from coaching.videos.models import Video

    make_proxy(clip, tmp_path / "proxy.mp4", tmp_path / "poster.jpg")
    frames = len(times)
    duration = times[-1] + (times[-1] - times[-2])
    video = Video(team=world.team, athlete=world.ann, title="Uneven", original_name=clip.name,
                  size_bytes=clip.stat().st_size, container="mov", codec="h264", width=size[0], height=size[1],
                  fps=round(frames / duration, 3), duration_s=duration, frame_count=frames)  # fmt: skip
    with clip.open("rb") as fh:
        video.file.save(clip.name, File(fh), save=False)
    video.save()
    analysis = Analysis.objects.create(video=video, status=Status.DONE, progress=100,
                                       summary={"pose": {"frames": frames, "people": [],
                                                         "frames_with_athlete": 0}})  # fmt: skip
    overlay = overlay or {"skeleton": "test", "keypoints": ["top", "bottom"], "limbs": [[0, 1]], "size": list(size),
               "fps": round(frames / duration, 3), "tracks": [], "athlete": None,
               "t": [round(t, 3) for t in times], "frames": [[] for _ in times]}  # fmt: skip
    (tmp_path / "overlay.json").write_text(json.dumps(overlay))
    for field, name in (("proxy", "proxy.mp4"), ("poster", "poster.jpg"), ("overlay", "overlay.json")):
        with (tmp_path / name).open("rb") as fh:
            getattr(analysis, field).save(name, File(fh), save=False)
    analysis.save()
    return video, analysis


SETTLED = "() => { const v = document.getElementById('player'); return !v.seeking && v.readyState >= 2; }"


def _open(browser, live_server, video, analysis, where: str):  # noqa: ANN001, ANN202
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/videos/{video.pk}/" if where == "video"
              else f"{live_server.url}/analyses/{analysis.pk}/report/")  # fmt: skip
    wait_js(page, "() => document.getElementById('player').readyState >= 2")
    page.wait_for_selector("#overlay-controls:not([hidden])")  # the overlay (and its frame times) loaded
    page.focus("body")
    return page


def _step(page, key: str) -> tuple[str, float]:  # noqa: ANN001
    page.keyboard.press(key)
    wait_js(page, SETTLED)
    page.wait_for_timeout(60)  # the readout follows on the next animation frame
    return page.inner_text("#time-readout"), float(page.eval_on_selector("#player", "v => v.currentTime"))


def _seek(page, t: float) -> str:  # noqa: ANN001
    page.eval_on_selector("#player", f"v => {{ v.currentTime = {t}; }}")
    wait_js(page, SETTLED)
    page.wait_for_timeout(60)
    return page.inner_text("#time-readout")


# The video page walks every frame; the report (same player) the frames around the gap.
@pytest.mark.parametrize(("where", "first"), [("video", 0), ("report", GAP_AFTER - 3)])
def test_stepping_shows_and_counts_every_frame_across_a_gap(browser, live_server, world, tmp_path: Path,
                                                            where: str, first: int) -> None:  # fmt: skip
    times = _times()
    clip = _uneven_clip(tmp_path / "uneven.mp4")
    assert np.allclose(_decoded_times(clip), times, atol=1e-4)  # the clip really has the gap
    video, analysis = _analysed(world, tmp_path, clip, times, SIZE)
    assert np.allclose(_decoded_times(tmp_path / "proxy.mp4"), times, atol=1e-3)  # and the proxy keeps it
    page = _open(browser, live_server, video, analysis, where)
    assert "Frame 1 of 40" in page.inner_text("#time-readout")
    if first:
        assert _seek(page, times[first] + 0.001).startswith(f"Frame {first + 1} of {FRAMES} ")
    last = FRAMES if first == 0 else GAP_AFTER + 4
    for n in range(first + 1, last):  # forward through the frames, the gap included
        readout, t = _step(page, ".")
        assert readout.startswith(f"Frame {n + 1} of {FRAMES} "), (n, readout)
        assert abs(t - times[n]) < 0.002, (n, t)
        assert shown_square_x(page) == _square_x(n), n
        if n == GAP_AFTER + 1:
            page.screenshot(path=str(SCREENSHOTS / f"review_player_after_gap_{where}.png"))
    for n in range(last - 2, GAP_AFTER - 2, -1):  # and back over the gap
        readout, t = _step(page, ",")
        assert readout.startswith(f"Frame {n + 1} of {FRAMES} "), (n, readout)
        assert shown_square_x(page) == _square_x(n), n
    # Inside the gap the last frame before it is on screen, and the readout says so.
    assert _seek(page, times[GAP_AFTER] + 0.2).startswith(f"Frame {GAP_AFTER + 1} of {FRAMES} ")
    assert shown_square_x(page) == _square_x(GAP_AFTER)
    assert not page.errors


def test_the_real_indoor_clip_steps_over_its_timestamp_gap(browser, live_server, world, tmp_path: Path) -> None:
    clip = shared_clip("indoor_two_people_1080p.mp4")
    source = _decoded_times(clip)
    # bench/truth/indoor_two_people_1080p.json: frames 0-66 at frame/30 s, 67-71 at 2.400-2.533 s.
    truth = [i / 30 for i in range(67)] + [2.4 + k / 30 for k in range(5)]
    assert np.allclose(np.array(source) - source[0], truth, atol=1e-3)
    video, analysis = _analysed(world, tmp_path, clip, [t - source[0] for t in source], (1920, 1080))
    page = _open(browser, live_server, video, analysis, "video")
    # Frame 30 starts at 0.967 s; at the clip's average rate (28.05 fps, what the page knows
    # without the frame times) 0.967 s would be frame 28: only the frames' own times count right.
    assert _seek(page, truth[29] + 0.001).startswith("Frame 30 of 72 ")
    assert _seek(page, truth[60] + 0.001).startswith("Frame 61 of 72 ")
    for n in range(61, 72):
        readout, t = _step(page, ".")
        assert readout.startswith(f"Frame {n + 1} of 72 "), (n, readout)
        assert abs(t - truth[n]) < 0.002, (n, t)
    page.screenshot(path=str(SCREENSHOTS / "review_player_indoor_last.png"))
    readout, t = _step(page, ".")  # the last frame: no further
    assert readout.startswith("Frame 72 of 72 ")
    for n in range(70, 64, -1):
        readout, t = _step(page, ",")
        assert readout.startswith(f"Frame {n + 1} of 72 "), (n, readout)
        assert abs(t - truth[n]) < 0.002, (n, t)
    assert not page.errors


@pytest.mark.parametrize("stored", ["now", "before frame_times"])
def test_a_60fps_clip_steps_through_every_source_frame(browser, live_server, world, tmp_path: Path,
                                                       stored: str) -> None:  # fmt: skip
    """lab_walk_portrait_60fps.mp4 (../shared/media/README.md: 100 frames, 60 fps). The overlay is
    the product's own (inference.overlay with the pipeline's OVERLAY_MAX_FPS): its skeletons are
    thinned to 30 a second, the player still steps 1/60 s and counts 100 frames (it said
    'Frame 25 of 50' and stepped 1/30 s when it took the skeletons' times). An overlay stored
    before "frame_times" existed has only the thinned times: the player steps by n / fps then."""
    from inference.overlay import compact_keypoints_json
    from inference.pipeline.sections import OVERLAY_MAX_FPS
    from inference.posedata import PoseSequence

    clip = shared_clip("lab_walk_portrait_60fps.mp4")
    source = np.array(_decoded_times(clip))
    source -= source[0]
    assert len(source) == 100 and np.allclose(np.diff(source), 1 / 60, atol=1e-3)
    poses = PoseSequence(keypoints=np.zeros((100, 0, 33, 3), np.float32), skeleton="blazepose33",
                         timestamps=source, fps=60.0, size=(1080, 1920))  # fmt: skip
    overlay = compact_keypoints_json(poses, max_fps=OVERLAY_MAX_FPS)
    assert len(overlay["t"]) == 50  # the skeletons: every other frame
    if stored != "now":
        del overlay["frame_times"]
    video, analysis = _analysed(world, tmp_path, clip, list(source), (1080, 1920), overlay)
    page = _open(browser, live_server, video, analysis, "video")
    assert "Frame 1 of 100" in page.inner_text("#time-readout")
    assert _seek(page, source[24] + 0.001).startswith("Frame 25 of 100 ")
    picture = "() => { const v = document.getElementById('player'); const c = document.createElement('canvas');" \
              " c.width = 90; c.height = 160; const g = c.getContext('2d'); g.drawImage(v, 0, 0, 90, 160);" \
              " return Array.from(g.getImageData(0, 0, 90, 160).data).join(','); }"  # fmt: skip
    before = page.evaluate(picture)
    for n in range(25, 35):
        readout, t = _step(page, ".")
        assert readout.startswith(f"Frame {n + 1} of 100 "), (n, readout)
        assert abs(t - source[n]) < 0.002, (n, t)
        now = page.evaluate(picture)
        assert now != before, n  # a new picture each step
        before = now
    for n in range(33, 28, -1):
        readout, t = _step(page, ",")
        assert readout.startswith(f"Frame {n + 1} of 100 "), (n, readout)
        assert abs(t - source[n]) < 0.002, (n, t)
    assert not page.errors
