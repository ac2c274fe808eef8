"""Review tools in real Chromium: frame stepping moves one source frame (and shows it), the
angle tool shows the angle of the three clicked points, a drawing saved at t is shown at t after
a reload and hidden elsewhere, a comment's time seeks the video, and the athlete sees it all."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from tests.support import write_clip

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

FPS = 24
SHOTS = Path(os.environ.get("POSECOACH_SCREENSHOTS", "/tmp/shots"))




@pytest.fixture
def clip_video(world, tmp_path: Path):
    """Ann's 2 s, 640x360, 24 fps clip (a bright square moving 5 px a frame), analysed."""
    from django.core.files import File

    from coaching.analysis.models import Analysis, Status
    from coaching.videos.models import Video

    clip = write_clip(tmp_path / "review.mp4", frames=2 * FPS, size=(640, 360), fps=FPS)
    video = Video(team=world.team, athlete=world.ann, title="Ann take-off", original_name="t.mp4",
                  size_bytes=clip.stat().st_size, container="mov", codec="h264", width=640,
                  height=360, fps=FPS, duration_s=2.0, frame_count=2 * FPS)
    with clip.open("rb") as fh:
        video.file.save("t.mp4", File(fh), save=False)
    video.save()
    analysis = Analysis.objects.create(video=video, status=Status.DONE, progress=100)
    with clip.open("rb") as fh:
        analysis.proxy.save("proxy.mp4", File(fh), save=True)
    return video


def _open(browser, live_server, video, username: str, password: str):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("button:has-text('Sign out')")
    _load(page, live_server, video)
    page.errors = errors
    return page


def _wait(page, predicate: str, timeout: float = 15) -> None:
    """Poll `predicate` (a JS function) until it is true. (Playwright's wait_for_function
    evaluates strings, which the page's CSP forbids; evaluate calls functions directly.)"""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}")
        page.wait_for_timeout(50)


def _load(page, live_server, video) -> None:
    page.goto(f"{live_server.url}/videos/{video.pk}/")
    _wait(page, "() => document.getElementById('player').readyState >= 2", timeout=30)
    page.wait_for_selector("#review[data-loaded=true]")
    page.wait_for_selector("#review-controls:not([hidden])")


def _settled(page) -> float:
    _wait(page, "() => { const v = document.getElementById('player');"
                " return !v.seeking && v.readyState >= 2; }")
    page.wait_for_timeout(150)  # let the next animation frame draw
    return page.eval_on_selector("#player", "v => v.currentTime")


def _square_x(page) -> int:
    """Where the bright square of the shown frame starts, in source pixels."""
    return page.evaluate("""() => { const v = document.getElementById('player');
        const c = document.createElement('canvas'); c.width = v.videoWidth; c.height = v.videoHeight;
        const g = c.getContext('2d'); g.drawImage(v, 0, 0);
        const row = g.getImageData(0, 28, c.width, 1).data;
        for (let x = 0; x < c.width; x++) if (row[4 * x] > 128) return x; return -1; }""")


def _drawn_pixels(page) -> int:
    return page.evaluate("""() => { const c = document.getElementById('review-canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }""")


def test_frame_stepping_moves_one_source_frame(browser, live_server, clip_video) -> None:
    page = _open(browser, live_server, clip_video, "coach", "pw-coach-123")
    assert _settled(page) == 0
    page.keyboard.press(".")
    t1 = _settled(page)
    assert t1 == pytest.approx(1 / FPS, abs=0.0015)  # frame 1 (just past its start)
    for _ in range(9):
        page.keyboard.press(".")
    t10 = _settled(page)
    assert t10 - t1 == pytest.approx(9 / FPS, abs=1e-6)
    assert abs(_square_x(page) - 5 * 10) <= 1, "the frame shown is not frame 10"
    page.keyboard.press(".")
    t11 = _settled(page)
    assert t11 - t10 == pytest.approx(1 / FPS, abs=1e-6)
    assert abs(_square_x(page) - 5 * 11) <= 1
    page.keyboard.press(",")
    assert _settled(page) == pytest.approx(t10, abs=1e-6)
    assert abs(_square_x(page) - 5 * 10) <= 1
    page.click("#frame-back")
    assert _settled(page) == pytest.approx(t10 - 1 / FPS, abs=1e-6)
    page.click("#frame-forward")
    assert _settled(page) == pytest.approx(t10, abs=1e-6)
    assert "Frame 11 of 48" in page.inner_text("#time-readout")
    # rates 0.1x-2x from the existing select, keys - and =
    page.select_option("#playback-rate", "1.0")
    page.keyboard.press("-")
    assert page.eval_on_selector("#player", "v => v.playbackRate") == 0.5
    assert not page.errors


def _click_points(page, fractions):
    page.evaluate("() => window.scrollTo(0, 0)")  # clicks below may have scrolled the page
    box = page.locator("#review-canvas").bounding_box()
    return [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in fractions]


def test_angle_tool_shows_the_angle_of_the_clicked_points_and_the_athlete_sees_the_review(
        browser, live_server, clip_video) -> None:
    page = _open(browser, live_server, clip_video, "coach", "pw-coach-123")
    page.eval_on_selector("#player", "v => { v.currentTime = 1.0 + 0.001; }")
    _settled(page)
    page.click("[data-tool=angle]")
    a, b, c = _click_points(page, [(0.30, 0.25), (0.45, 0.60), (0.72, 0.42)])
    page.mouse.click(*a)
    page.mouse.click(*b)
    page.mouse.move(*c)  # the value is live before the third click
    expected = math.degrees(abs(math.atan2(a[1] - b[1], a[0] - b[0]) - math.atan2(c[1] - b[1], c[0] - b[0])))
    expected = 360 - expected if expected > 180 else expected
    assert page.inner_text("#measure-value") == f"{expected:.1f}°"
    page.mouse.click(*c)
    assert page.inner_text("#measure-value") == f"{expected:.1f}°"
    page.click("#draft-save")
    page.wait_for_selector("#annotation-list li")
    assert f"Angle {expected:.1f}°" in page.inner_text("#annotation-list")
    # an arrow at the same moment, and a comment about the angle
    page.click("[data-tool=arrow]")
    for point in _click_points(page, [(0.12, 0.78), (0.38, 0.64)]):
        page.mouse.click(*point)
    page.click("#draft-save")
    _wait(page, "() => document.querySelectorAll('#annotation-list li').length === 2")
    page.select_option("#comment-annotation", index=1)
    page.fill("#comment-body", "Knee angle at take-off: open it up.")
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector("#comment-list li")
    _settled(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "review-angle.png"), full_page=True)
    assert _drawn_pixels(page) > 500
    assert not page.errors

    athlete = _open(browser, live_server, clip_video, "ann", "pw-ann-123")
    assert athlete.locator("#review-tools").is_hidden()  # athletes comment, they do not draw
    assert f"Angle {expected:.1f}°" in athlete.inner_text("#annotation-list")
    assert "Edit" not in athlete.inner_text("#annotation-list")
    assert "Knee angle at take-off" in athlete.inner_text("#comment-list")
    assert "About the drawing: Angle" in athlete.inner_text("#comment-list")


def test_drawing_is_shown_inside_its_time_range_after_reload(browser, live_server, clip_video) -> None:
    page = _open(browser, live_server, clip_video, "coach", "pw-coach-123")
    page.eval_on_selector("#player", "v => { v.currentTime = 12 / 24 + 0.001; }")
    t = _settled(page)
    page.click("[data-tool=distance]")
    for point in _click_points(page, [(0.2, 0.8), (0.7, 0.8)]):
        page.mouse.click(*point)
    page.fill("#draft-duration", "0.25")
    page.click("#draft-save")
    page.wait_for_selector("#annotation-list li")
    page.reload()
    _wait(page, "() => document.getElementById('player').readyState >= 2")
    page.wait_for_selector("#review[data-loaded=true]")
    assert _settled(page) == 0
    assert _drawn_pixels(page) == 0
    page.click("#annotation-list button.time")  # the list seeks to the drawing
    assert _settled(page) == pytest.approx(t, abs=1e-4)
    assert _drawn_pixels(page) > 200
    for elsewhere in (t - 0.2, t + 0.3, 1.5):
        page.eval_on_selector("#player", f"v => {{ v.currentTime = {elsewhere}; }}")
        _settled(page)
        assert _drawn_pixels(page) == 0, elsewhere
    page.eval_on_selector("#player", f"v => {{ v.currentTime = {t + 0.2}; }}")
    _settled(page)
    assert _drawn_pixels(page) > 200
    assert not page.errors


def test_comment_time_link_seeks_the_video(browser, live_server, clip_video, world) -> None:
    from coaching.reviews.services import comment_create

    comment_create(video=clip_video, author=world.coach, body="Look at the landing", t_start=1.25)
    page = _open(browser, live_server, clip_video, "ann", "pw-ann-123")
    assert page.inner_text("#nav-unread") == "0" and page.locator("#nav-unread").is_hidden()
    assert _settled(page) == 0
    page.click("#comment-list button.time")
    assert _settled(page) == pytest.approx(1.25, abs=1e-6)
    assert page.eval_on_selector("#player", "v => v.paused")
    # the reply is pinned to the current time
    page.fill("#comment-body", "Thanks, I see it")
    page.click("#comment-form button[type=submit]")
    _wait(page, "() => document.querySelectorAll('#comment-list li').length === 2")
    assert "1.25 s" in page.inner_text("#comment-list li:last-child")
    assert not page.errors


def _source_to_page(page, x: float, y: float) -> tuple[float, float]:
    """A point in source pixels of the 640x360 clip, as page coordinates (object-fit contain)."""
    page.evaluate("() => window.scrollTo(0, 0)")
    box = page.locator("#review-canvas").bounding_box()
    scale = min(box["width"] / 640, box["height"] / 360)
    return (box["x"] + (box["width"] - 640 * scale) / 2 + x * scale,
            box["y"] + (box["height"] - 360 * scale) / 2 + y * scale)


def test_calibrated_distance_in_metres_and_author_edits(browser, live_server, clip_video) -> None:
    from coaching.reviews.models import Annotation

    page = _open(browser, live_server, clip_video, "coach", "pw-coach-123")
    assert page.input_value("#calibration-length") == "1.70"  # Ann's height, heel to crown
    page.click("[data-tool=calibrate]")
    page.mouse.click(*_source_to_page(page, 100, 300))
    page.mouse.click(*_source_to_page(page, 400, 300))
    page.fill("#calibration-length", "1.5")  # a 1.5 m reference, 300 px long
    page.click("#calibration-use")
    assert "1.5 m = 300 px" in page.inner_text("#calibration-readout")
    page.click("[data-tool=distance]")
    page.mouse.click(*_source_to_page(page, 100, 100))
    page.mouse.click(*_source_to_page(page, 300, 100))
    metres = float(page.inner_text("#measure-value").removesuffix(" m"))
    assert metres == pytest.approx(1.0, abs=0.015)
    page.click("#draft-save")
    page.wait_for_selector("#annotation-list li")
    saved = Annotation.objects.get()
    assert saved.calibration["reference_m"] == 1.5
    assert saved.calibration["reference_px"] == pytest.approx(300, abs=2)
    # the author edits the duration and colour
    page.click("#annotation-list button:has-text('Edit')")
    page.fill("#draft-duration", "0.5")
    page.fill("#tool-colour", "#00aaff")
    page.click("#draft-save")
    _wait(page, "() => document.getElementById('draft-panel').hidden")
    saved.refresh_from_db()
    assert saved.t_end - saved.t_start == pytest.approx(0.5, abs=1e-3) and saved.colour == "#00aaff"
    assert f"{saved.t_start:.2f} s–{saved.t_end:.2f} s" in page.inner_text("#annotation-list")
    assert not page.errors


def test_loop_and_jumps_between_notes(browser, live_server, clip_video, world) -> None:
    from coaching.reviews.services import annotation_create, comment_create

    annotation_create(video=clip_video, author=world.coach, kind="arrow", t_start=1.0, t_end=1.2,
                      geometry={"points": [[10, 10], [100, 100]]})
    comment_create(video=clip_video, author=world.coach, body="Here", t_start=1.5)
    analysis = clip_video.analyses.get()
    analysis.summary = {"events": {"events": [{"kind": "jump", "start": 0.6, "end": 0.9}]}}
    analysis.save()
    page = _open(browser, live_server, clip_video, "coach", "pw-coach-123")
    page.keyboard.press("n")
    assert _settled(page) == pytest.approx(0.6)  # the jump the analysis found
    page.keyboard.press("n")
    assert _settled(page) == pytest.approx(1.0)
    page.keyboard.press("n")
    assert _settled(page) == pytest.approx(1.5)
    page.keyboard.press("p")
    assert _settled(page) == pytest.approx(1.0)
    # A-B loop from 0.25 s to 0.75 s, played at 2x: the playhead stays inside
    page.eval_on_selector("#player", "v => { v.currentTime = 0.25; }")
    _settled(page)
    page.keyboard.press("[")
    page.eval_on_selector("#player", "v => { v.currentTime = 0.75; }")
    _settled(page)
    page.keyboard.press("]")
    assert "Loop 0.25 s – 0.75 s" in page.inner_text("#loop-readout")
    page.select_option("#playback-rate", "2.0")
    page.eval_on_selector("#player", "v => { v.currentTime = 0.25; v.play(); }")
    seen = []
    for _ in range(12):
        page.wait_for_timeout(100)
        seen.append(page.eval_on_selector("#player", "v => v.currentTime"))
    assert all(0.2 <= t <= 0.9 for t in seen), seen
    assert max(seen) - min(seen) > 0.2, seen  # it played
    page.click("#loop-clear")
    assert page.inner_text("#loop-readout") == ""
    assert not page.errors


def test_free_drawing_and_text_on_a_phone(browser, live_server, clip_video) -> None:
    from coaching.reviews.models import Annotation

    page = _open(browser, live_server, clip_video, "coach", "pw-coach-123")
    page.set_viewport_size({"width": 390, "height": 844})
    page.eval_on_selector("#player", "v => { v.currentTime = 0.5; }")
    _settled(page)
    page.click("[data-tool=freehand]")
    start = _source_to_page(page, 100, 100)
    page.mouse.move(*start)
    page.mouse.down()
    for i in range(1, 21):
        page.mouse.move(*_source_to_page(page, 100 + 15 * i, 100 + 6 * i))
    page.mouse.up()
    page.click("#draft-save")
    page.wait_for_selector("#annotation-list li")
    page.click("[data-tool=text]")
    page.mouse.click(*_source_to_page(page, 320, 60))
    assert "Type the text first" in page.inner_text("#tool-hint")
    page.fill("#tool-text", "Drive the knee")
    page.mouse.click(*_source_to_page(page, 320, 60))
    page.click("#draft-save")
    _wait(page, "() => document.querySelectorAll('#annotation-list li').length === 2")
    free, text = Annotation.objects.order_by("pk")
    assert free.kind == "freehand" and len(free.geometry["points"]) >= 10
    assert free.geometry["points"][0] == pytest.approx([100, 100], abs=2)
    assert free.geometry["points"][-1] == pytest.approx([400, 220], abs=2)
    assert (text.kind, text.text) == ("text", "Drive the knee")
    assert text.geometry["points"][0] == pytest.approx([320, 60], abs=2)
    page.evaluate("() => window.scrollTo(0, 0)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "review-phone.png"), full_page=True)
    assert not page.errors
