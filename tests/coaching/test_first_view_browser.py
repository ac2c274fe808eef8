"""First impressions in real Chromium: the first view draws the skeleton of the frame shown
(no floating skeleton over a poster of another time), and while a video is analysed the page
plays the original, names the stage with its percent, hides the skeleton tools, and offers the
report without a reload when the run ends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inference.proxy import make_proxy
from tests.coaching.browser_support import shown_square_x
from tests.support import signed_in_page, wait_js, write_clip

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

FPS, FRAMES, SIZE = 24, 48, (640, 360)


def _square_x(i: int) -> int:
    """Where write_clip's bright square starts in frame i (source pixels)."""
    return (i * 5) % max(1, SIZE[0] - 16)


def _overlay(path: Path) -> Path:
    """One 'person' per frame: a vertical stick through the middle of the square."""
    frames = []
    for i in range(FRAMES):
        x = _square_x(i) + 8
        frames.append([[x, 4, 100, x, 52, 100]])
    data = {"skeleton": "test", "keypoints": ["top", "bottom"], "limbs": [[0, 1]], "size": list(SIZE),
            "fps": FPS, "tracks": [1], "athlete": 1, "t": [round(i / FPS, 3) for i in range(FRAMES)],
            "frames": frames}
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def analysed(world, tmp_path: Path):
    """Ann's clip with a real proxy and poster (inference.proxy) and the overlay above."""
    from django.core.files import File

    from coaching.analysis.models import Analysis, Status
    from coaching.videos.models import Video

    clip = write_clip(tmp_path / "first.mp4", frames=FRAMES, size=SIZE, fps=FPS)
    make_proxy(clip, tmp_path / "proxy.mp4", tmp_path / "poster.jpg")
    video = Video(team=world.team, athlete=world.ann, title="Ann first view", original_name="first.mp4",
                  size_bytes=clip.stat().st_size, container="mov", codec="h264", width=SIZE[0],
                  height=SIZE[1], fps=FPS, duration_s=FRAMES / FPS, frame_count=FRAMES)
    with clip.open("rb") as fh:
        video.file.save("first.mp4", File(fh), save=False)
    video.save()
    analysis = Analysis.objects.create(video=video, status=Status.DONE, progress=100,
                                       summary={"pose": {"frames": FRAMES, "people": [{}],
                                                         "frames_with_athlete": FRAMES}})
    for field, name in (("proxy", "proxy.mp4"), ("poster", "poster.jpg")):
        with (tmp_path / name).open("rb") as fh:
            getattr(analysis, field).save(name, File(fh), save=False)
    with _overlay(tmp_path / "overlay.json").open("rb") as fh:
        analysis.overlay.save("overlay.json", File(fh), save=False)
    analysis.save()
    return video, analysis


# The skeleton drawn over the frame (where the orange stick is), in source pixels; the frame on
# screen is tests.coaching.browser_support.shown_square_x.
DRAWN = """() => { const v = document.getElementById('player'), c = document.getElementById('overlay');
    const dpr = window.devicePixelRatio || 1, w = v.clientWidth, h = v.clientHeight;
    const scale = Math.min(w / v.videoWidth, h / v.videoHeight), x0 = (w - v.videoWidth * scale) / 2;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let sum = 0, n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 200 && d[i] > 200 && d[i + 1] > 100 && d[i + 1] < 180 && d[i + 2] < 60) {
        sum += ((i / 4) % c.width) / dpr; n++; } }
    return n ? ((sum / n) - x0) / scale : -1; }"""


@pytest.mark.parametrize("where", ["video", "report"])
def test_first_view_draws_the_skeleton_of_the_frame_shown(browser, live_server, analysed, where: str) -> None:
    video, analysis = analysed
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/videos/{video.pk}/" if where == "video"
              else f"{live_server.url}/analyses/{analysis.pk}/report/")
    wait_js(page, "() => document.getElementById('player').readyState >= 2")
    page.wait_for_selector("#overlay-controls:not([hidden])")
    page.wait_for_timeout(300)
    # Nothing touched: the first view. The frame shown is the one at time 0, not a poster of
    # another time, and the readout says so.
    assert page.eval_on_selector("#player", "v => v.currentTime") == 0
    assert page.eval_on_selector("#player", "v => v.hasAttribute('poster')") is False
    assert "Frame 1 of 48 · 0.000 s" in page.inner_text("#time-readout")
    shown, drawn = shown_square_x(page), page.evaluate(DRAWN)
    assert shown == _square_x(0)
    assert abs(drawn - (shown + 8)) <= 3, f"skeleton at x={drawn}, person (the square's middle) at x={shown + 8}"
    # Later frames too: the skeleton follows the frame on screen.
    page.eval_on_selector("#player", "v => { v.currentTime = 20 / 24 + 0.001; }")
    wait_js(page, "() => { const v = document.getElementById('player'); return !v.seeking && v.readyState >= 2; }")
    page.wait_for_timeout(300)
    shown, drawn = shown_square_x(page), page.evaluate(DRAWN)
    assert shown == _square_x(20)
    assert abs(drawn - (shown + 8)) <= 3
    assert "Frame 21 of 48" in page.inner_text("#time-readout")
    assert not page.errors


def test_poster_is_the_frame_the_page_first_shows(analysed) -> None:
    """The poster (inference.proxy, frame at time 0) is the picture the skeleton of time 0 fits."""
    import cv2
    import numpy as np

    _, analysis = analysed
    poster = cv2.imdecode(np.frombuffer(analysis.poster.read(), np.uint8), cv2.IMREAD_COLOR)
    bright = np.flatnonzero(poster[28, :, 2] > 128)
    assert bright.size and abs(int(bright[0]) - _square_x(0)) <= 2


def test_page_while_analysing_plays_the_original_and_offers_the_report_when_done(
        browser, live_server, analysed) -> None:
    from coaching.analysis.models import Analysis, Status

    video, done = analysed
    running = Analysis.objects.create(video=video, status=Status.RUNNING, stage="pose", progress=42)
    page = signed_in_page(browser, live_server, viewport=(390, 844))
    page.goto(f"{live_server.url}/videos/{video.pk}/")
    # The original plays while the analysis runs.
    wait_js(page, "() => { const v = document.getElementById('player'); return !v.hidden && v.readyState >= 2; }")
    assert page.eval_on_selector("#player", "v => v.currentSrc").endswith(f"/videos/{video.pk}/original/")
    assert page.is_visible("#original-note")
    wait_js(page, "() => document.getElementById('status-stage').textContent.includes('Finding people')")
    assert "(pose)" in page.inner_text("#status-stage")
    assert page.inner_text("#status-percent") == "42%"
    # No skeletons yet: no skeleton toggles, no athlete choice, no report link.
    for selector in ("#overlay-controls", "#pick-athlete", "#report-link"):
        assert page.eval_on_selector(selector, "e => getComputedStyle(e).display") == "none", selector
    # The run moves on and ends: no reload.
    Analysis.objects.filter(pk=running.pk).update(stage="kinematics", progress=81)
    wait_js(page, "() => document.getElementById('status-percent').textContent === '81%'")
    assert "Measuring joint angles (kinematics)" in page.inner_text("#status-stage")
    Analysis.objects.filter(pk=running.pk).update(
        status=Status.DONE, stage="done", progress=100, proxy=done.proxy.name, poster=done.poster.name,
        overlay=done.overlay.name, summary=done.summary)
    page.wait_for_selector("#report-link:not([hidden])", timeout=20_000)
    assert page.get_attribute("#report-link", "href") == f"/analyses/{running.pk}/report/"
    page.wait_for_selector("#overlay-controls:not([hidden])", timeout=20_000)
    page.wait_for_selector("#pick-athlete:not([hidden])")
    assert page.eval_on_selector("#player", "v => v.currentSrc").endswith(f"/analyses/{running.pk}/files/proxy/")
    assert not page.is_visible("#original-note")
    page.click("#report-link")
    page.wait_for_selector("#report-page")
    assert not page.errors


def test_frame_count_is_the_videos_not_the_longer_audio(browser, live_server, world, tmp_path: Path) -> None:
    """A 50-frame clip whose audio runs 0.5 s longer: the media element's duration is 2.5 s, the
    readout still counts the 50 frames the analysis decoded."""
    from django.core.files import File

    from coaching.analysis.models import Analysis, Status
    from coaching.videos.models import Video
    from tests.inference.test_proxy import _clip

    source = _clip(tmp_path / "long_audio.mp4", video_start=0.0, audio_start=0.0, seconds=2.0, audio_extra=0.5)
    make_proxy(source, tmp_path / "proxy.mp4", tmp_path / "poster.jpg")
    video = Video(team=world.team, athlete=world.ann, title="Audio longer", original_name="a.mp4",
                  size_bytes=source.stat().st_size, container="mov", codec="h264", width=64, height=48,
                  fps=25, duration_s=2.5, frame_count=50)
    with source.open("rb") as fh:
        video.file.save("a.mp4", File(fh), save=False)
    video.save()
    analysis = Analysis.objects.create(video=video, status=Status.DONE, progress=100,
                                       summary={"pose": {"frames": 50, "people": [], "frames_with_athlete": 0}})
    with (tmp_path / "proxy.mp4").open("rb") as fh:
        analysis.proxy.save("proxy.mp4", File(fh), save=True)
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/videos/{video.pk}/")
    wait_js(page, "() => document.getElementById('player').readyState >= 2")
    assert page.eval_on_selector("#player", "v => v.duration") > 2.3
    page.eval_on_selector("#player", "v => { v.currentTime = v.duration; }")
    wait_js(page, "() => { const v = document.getElementById('player'); return !v.seeking && v.readyState >= 2; }")
    page.wait_for_timeout(200)
    assert "Frame 50 of 50" in page.inner_text("#time-readout")
