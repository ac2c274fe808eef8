"""The video page names every stage of a running analysis in a coach's words: the job's own first
and last stages ("analysis" at 0 %, "saving" at 99 %) showed as the bare ids on real uploads."""

from __future__ import annotations

import pytest

from tests.support import signed_in_page, wait_js

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_first_and_last_stage_in_words(browser, live_server, world) -> None:
    from coaching.analysis.models import Analysis, Status

    running = Analysis.objects.create(video=world.video, status=Status.RUNNING, stage="analysis", progress=0)
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/videos/{world.video.pk}/")
    wait_js(page, "() => document.getElementById('status-stage').textContent.startsWith('Starting')")
    assert page.inner_text("#status-stage") == "Starting (analysis)"
    Analysis.objects.filter(pk=running.pk).update(stage="saving", progress=99)
    wait_js(page, "() => document.getElementById('status-percent').textContent === '99%'")
    assert page.inner_text("#status-stage") == "Saving the results (saving)"
    assert not page.errors
