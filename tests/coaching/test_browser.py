"""In real Chromium: sign in, create an athlete, upload a real clip through the page, watch
the upload progress, then the analysis finish, and the proxy ready to play."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support import shared_clip, wait_js

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]





def test_coach_uploads_and_watches(browser, live_server, world, celery_worker_process, tmp_path: Path) -> None:
    clip = shared_clip("indoor_two_people_1080p.mp4")
    shots = Path(os.environ.get("POSECOACH_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + "/")
    page.fill("input[name=username]", "coach")
    page.fill("input[name=password]", "pw-coach-123")
    page.click("button[type=submit]")
    page.click("text=Team A")
    page.click("text=Add athlete")
    page.fill("input[name=name]", "Zoe Runner")
    page.fill("input[name=discipline]", "sprint")
    page.fill("input[name=height_cm]", "168")
    page.click("button:has-text('Save')")
    page.wait_for_selector("h1:has-text('Zoe Runner')")
    page.click("text=Upload videos")
    page.wait_for_selector("#upload-form[data-ready=true]")
    page.set_input_files("#file-input", str(clip))
    page.wait_for_selector(".upload .name:has-text('indoor_two_people_1080p.mp4')")
    page.fill(".upload input[data-field=title]", "Two people drill")  # each file has its own title
    # throttle the upload so the progress bar is seen moving
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
             "downloadThroughput": -1, "uploadThroughput": 600_000})
    page.click("#upload-button")
    wait_js(page, "document.querySelector('.upload progress').value > 0")
    seen = page.eval_on_selector(".upload progress", "p => p.value")
    page.screenshot(path=str(shots / "upload-progress.png"))
    page.wait_for_selector(".upload.done", timeout=60_000)
    assert 0 < seen <= 100
    page.click("text=Open the video")
    page.wait_for_selector("#status-badge.done", timeout=120_000)
    wait_js(page, "document.getElementById('player').readyState >= 2", timeout=30)
    page.wait_for_selector("#overlay-controls:not([hidden])")
    page.eval_on_selector("#player", "v => { v.currentTime = 1.0; }")
    page.wait_for_timeout(500)
    drawn = page.evaluate("""() => { const c = document.getElementById('overlay');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }""")
    page.screenshot(path=str(shots / "video-done.png"))
    assert drawn > 500, "no skeleton was drawn over the video"
    page.check("input[value=off]")
    cleared = page.evaluate("""() => { const c = document.getElementById('overlay');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        return d.some((v, i) => i % 4 === 3 && v > 0); }""")
    assert not cleared
    assert page.eval_on_selector("#player", "v => v.videoWidth") == 1280
    assert page.inner_text("#status-percent") == "100%"


def test_rejected_file_shows_message_next_to_it(browser, live_server, world, tmp_path: Path) -> None:
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video at all\n" * 50)
    page = browser.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "coach")
    page.fill("input[name=password]", "pw-coach-123")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/athletes/{world.al.pk}/upload/")
    page.wait_for_selector("#upload-form[data-ready=true]")
    page.set_input_files("#file-input", str(bad))
    page.click("#upload-button")
    page.wait_for_selector(".upload.failed")
    assert "not a video" in page.inner_text(".upload.failed .result")
