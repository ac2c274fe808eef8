"""The upload page sends files by tus: a page reloaded mid-upload shows the unfinished file with
its bar where it stopped, and adding the same file again goes on from that offset (not from 0)
to the identical stored file. Real Chromium, real HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from coaching.api.models import TusUpload
from tests.support import ROOT, signed_in_page

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
CHUNK = 512  # small, so a small real clip (about 4 KB) takes several PATCHes
SENT_BEFORE_RELOAD = 2  # PATCHes that get through before the line "drops"


def test_reloaded_page_resumes_the_upload(browser, live_server, world, make_clip, settings) -> None:
    settings.API_TUS_CHUNK_BYTES = CHUNK
    clip = make_clip(frames=48, size=(320, 240))
    data = clip.read_bytes()
    assert len(data) > (SENT_BEFORE_RELOAD + 2) * CHUNK
    page = signed_in_page(browser, live_server)
    offsets: list[int] = []

    def drop_after_two(route, request) -> None:  # noqa: ANN001
        if request.method == "PATCH":
            offsets.append(int(request.headers["upload-offset"]))
            if len(offsets) > SENT_BEFORE_RELOAD:
                route.abort("connectionreset")
                return
        route.continue_()

    page.route("**/api/v1/uploads/**", drop_after_two)
    upload_url = f"{live_server.url}/athletes/{world.al.pk}/upload/"
    page.goto(upload_url)
    page.wait_for_selector("#upload-form[data-ready=true]")
    page.set_input_files("#file-input", str(clip))
    page.click("#upload-button")
    while len(offsets) <= SENT_BEFORE_RELOAD:
        page.wait_for_timeout(50)
    page.unroute("**/api/v1/uploads/**")
    page.reload()
    page.wait_for_selector("#upload-form[data-ready=true]")
    paused = page.wait_for_selector(".upload.paused")
    stored = SENT_BEFORE_RELOAD * CHUNK
    assert int(paused.eval_on_selector("progress", "p => p.value")) == 100 * stored // len(data)
    assert clip.name in paused.inner_text() and "paused at" in paused.inner_text()
    shots = Path(ROOT / "var" / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "upload-paused.png"), full_page=True)

    resumed: list[int] = []
    page.on("request", lambda r: resumed.append(int(r.headers["upload-offset"]))
            if r.method == "PATCH" else None)
    page.set_input_files("#file-input", str(clip))
    page.click("#upload-button")
    page.wait_for_selector(".upload.done")
    assert resumed[0] == stored  # went on from where it stopped
    assert len(page.query_selector_all(".upload")) == 1  # the same list item and bar
    assert page.eval_on_selector(".upload.done progress", "p => p.value") == 100
    page.screenshot(path=str(shots / "upload-resumed.png"), full_page=True)
    video = TusUpload.objects.get().video
    assert page.get_attribute(".upload.done .result a", "href") == f"/videos/{video.pk}/"
    assert Path(video.file.path).read_bytes() == data
    assert not page.errors
