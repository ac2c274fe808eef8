"""The video page offers the run's poster image only when the run stored one: an analysis
without a poster (an older run, or a stage that made none) gets no poster URL, which would
answer 404 and leave a broken poster behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.support import signed_in_page, wait_js

pytestmark = pytest.mark.django_db


def test_status_names_a_poster_only_when_there_is_one(client, world) -> None:
    client.force_login(world.coach)
    url = reverse("video_status", args=[world.video.pk])
    data = client.get(url).json()
    assert data["proxy_url"] and "poster_url" not in data  # the World's run has no poster
    world.analysis.poster.save("poster.jpg", ContentFile(b"\xff\xd8\xff\xd9"), save=True)
    poster = client.get(url).json()["poster_url"]
    assert poster == reverse("analysis_file", args=[world.analysis.pk, "poster"])
    assert client.get(poster).status_code == 200


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_video_page_without_a_poster_in_chromium(browser, live_server, world, tmp_path) -> None:
    shots = Path(os.environ.get("POSECOACH_SCREENSHOTS", tmp_path))
    page = signed_in_page(browser, live_server)
    # Every poster the page's scripts give a video (the attribute is removed again once a frame
    # shows, so record the assignments themselves).
    page.add_init_script("""
      const own = Object.getOwnPropertyDescriptor(HTMLVideoElement.prototype, "poster");
      window.postersSet = [];
      Object.defineProperty(HTMLVideoElement.prototype, "poster", {
        configurable: true, get() { return own.get.call(this); },
        set(value) { window.postersSet.push(String(value)); own.set.call(this, value); } });
    """)
    page.goto(f"{live_server.url}/videos/{world.video.pk}/")
    wait_js(page, "document.getElementById('player').readyState >= 2")
    page.screenshot(path=str(shots / "video-no-poster.png"), full_page=True)
    assert [p for p in page.evaluate("window.postersSet") if p] == [] and not page.errors
