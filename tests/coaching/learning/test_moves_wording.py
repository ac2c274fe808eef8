"""The report's moves band in words a coach reads: a span no move fits says "not recognised" (the
basketball clip was one grey bar reading "unknown"), and a recognised move's number says it is a
confidence (the indoor clip listed "idle 0.0–0.8 s 0.80"). Technique inside the segments of a move
whose rules could not be measured says so, instead of "0 rules passed — nothing to fix"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.support import give_kinematics, signed_in_page, squat_kinematics, wait_js

pytestmark = pytest.mark.django_db

ACTIONS = {"model": {"name": "stgcn-mocap", "version": "20261127"}, "classes": ["idle", "walk"],
           "segments": [{"label": "idle", "start": 0.0, "end": 0.8, "confidence": 0.8, "reps": 0},
                        {"label": "unknown", "start": 0.8, "end": 2.5, "confidence": 0.0, "reps": 0}],
           "feedback": {"jump": {"spans": [[0.8, 2.5]], "findings": [], "passed": [],
                                 "skipped": [{"rule": "jump.landing_symmetry", "reason": "no jumps were found"}]}}}


def _with_moves(world):  # noqa: ANN001, ANN202
    analysis = give_kinematics(world.analysis, squat_kinematics(depth=60))
    analysis.summary = {**analysis.summary, "actions": ACTIONS}
    analysis.save()
    return analysis


def _text(html: str) -> str:
    return " ".join(html.split())


def test_band_and_list_in_words(client, world) -> None:
    analysis = _with_moves(world)
    client.force_login(world.coach)
    page = _text(client.get(reverse("analysis_report", args=[analysis.pk])).content.decode())
    band = page.split('class="moves-band"')[1].split("</div>")[0]
    assert "<span>not recognised</span>" in band and "<span>unknown</span>" not in band
    assert 'title="Not recognised: no move the model knows fits 0.80–2.50 s"' in band
    assert "<span>idle</span>" in band
    assert "idle 0.0–0.8 s</button> <span class=\"muted\">confidence 0.80</span>" in page


def test_segments_nothing_measured_is_not_a_clean_bill(client, world) -> None:
    analysis = _with_moves(world)
    client.force_login(world.coach)
    page = _text(client.get(reverse("analysis_report", args=[analysis.pk])).content.decode())
    section = page.split("Technique in the jump segments")[1]
    assert "0 rules passed" not in section and "nothing to fix" not in section
    assert "No rule could be measured inside these segments, so nothing was judged." in section
    assert '<li title="jump.landing_symmetry">Landing symmetry: no jumps were found</li>' in section


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_band_in_chromium(browser, live_server, world, tmp_path) -> None:
    shots = Path(os.environ.get("POSECOACH_SCREENSHOTS", tmp_path))
    analysis = _with_moves(world)
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/analyses/{analysis.pk}/report/")
    wait_js(page, "document.querySelector('#moves .moves-band') !== null")
    assert page.locator("#moves .moves-band .move").all_inner_texts() == ["idle", "not recognised"]
    assert page.locator("#moves .moves-list").inner_text().strip() == "idle 0.0–0.8 s confidence 0.80"
    page.locator("#moves").screenshot(path=str(shots / "report-moves-words.png"))
    assert not page.errors
