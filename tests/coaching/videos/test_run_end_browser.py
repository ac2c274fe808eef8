"""The video page when a re-run ends while it is open: the badge said Done and Open the report
appeared, while "Cancel analysis" stayed and the run's line under Runs still said Running (a real
re-run of the indoor clip). The Runs list also read "pose 19.2 s, dance 0.0 s, … total 14.9 s,
proxy_encode 3.2 s": stage ids, and parts longer than the whole (stages overlap). It says how
long the run took; the parts stay in a tooltip for engineers."""

from __future__ import annotations

import pytest

from tests.support import signed_in_page, wait_js

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_ended_run_leaves_nothing_to_cancel(browser, live_server, world) -> None:
    from coaching.analysis.models import Analysis, Status

    world.analysis.timings = {"pose": 19.2, "dance": 0.0, "total": 14.9, "proxy_encode": 3.2}
    world.analysis.save()
    running = Analysis.objects.create(video=world.video, status=Status.RUNNING, stage="pose", progress=40)
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/videos/{world.video.pk}/")
    assert page.is_visible("#cancel-analysis")
    first = page.locator(f'.runs [data-run="{world.analysis.pk}"]')
    assert " ".join(first.inner_text().split()).endswith("· took 14.9 s")
    assert "proxy_encode" not in first.inner_text() and "pose" not in first.inner_text()
    Analysis.objects.filter(pk=running.pk).update(status=Status.DONE, stage="done", progress=100,
                                                  summary=world.analysis.summary)
    page.wait_for_selector("#report-link:not([hidden])", timeout=20_000)
    wait_js(page, "() => !document.getElementById('cancel-analysis').checkVisibility()")
    assert page.inner_text(f'.runs [data-run="{running.pk}"] .run-status') == "Done"
    assert not page.errors
