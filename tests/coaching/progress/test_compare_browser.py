"""In Chromium, the compare page plays both videos in aligned time: while A plays, B's
currentTime follows the DTW time map of A's (and the map is far from the identity, so B running
in lockstep with A would fail)."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest
from django.core.files import File

from coaching.progress.comparisons import segments_for
from tests.support import signed_in_page, squat_video, wait_js, write_clip

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
SHOTS = Path(os.environ.get("POSECOACH_SCREENSHOTS", "/tmp/shots"))


@pytest.fixture
def two_squats(world, tmp_path: Path):
    clip = write_clip(tmp_path / "squat.mp4", frames=96, size=(320, 240), fps=24)
    analyses = []
    for month, depth, power in ((1, 100, 1.0), (3, 80, 1.8)):
        analysis = squat_video(world.ann, recorded=date(2026, month, 1), depth=depth, power=power)
        with clip.open("rb") as fh:
            analysis.proxy.save("proxy.mp4", File(fh), save=True)
        analyses.append(analysis)
    return analyses


def test_second_video_follows_the_warp_path(browser, live_server, world, two_squats) -> None:
    a, b = two_squats
    whole_a, whole_b = len(segments_for(a)) - 1, len(segments_for(b)) - 1
    page = signed_in_page(browser, live_server)
    errors = page.errors
    page.goto(f"{live_server.url}/analyses/{a.pk}/compare/?with={b.pk}&a={whole_a}&b={whole_b}")
    wait_js(page, "window.posecoachCompare && window.posecoachCompare.ready")
    page.select_option("#cmp-rate", "1")
    page.click("#cmp-play")
    wait_js(page, "document.getElementById('video-a').currentTime > 0.4")
    samples = []
    for _ in range(12):
        samples.append(page.evaluate("""() => {
            const a = document.getElementById('video-a'), b = document.getElementById('video-b');
            return [a.currentTime, b.currentTime, window.posecoachCompare.mapTime(a.currentTime), a.paused];
        }"""))
        time.sleep(0.15)
    playing = [s for s in samples if not s[3]]
    assert len(playing) >= 6, samples
    assert playing[-1][0] - playing[0][0] > 0.8, samples  # A really plays
    lag = [abs(tb - want) for _, tb, want, _ in playing]
    assert sorted(lag)[len(lag) // 2] < 0.12 and max(lag) < 0.3, samples
    assert max(abs(ta - want) for ta, _, want, _ in playing) > 0.3, samples  # not the identity
    page.click("#cmp-play")  # pause: B is put exactly where the map says
    wait_js(page, "document.getElementById('video-a').paused")
    ta, tb, want = page.evaluate("""() => [document.getElementById('video-a').currentTime,
        document.getElementById('video-b').currentTime,
        window.posecoachCompare.mapTime(document.getElementById('video-a').currentTime)]""")
    assert abs(tb - want) < 0.05
    page.check("#cmp-skeletons")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "compare-laptop.png"), full_page=True)
    assert not errors, errors


@pytest.mark.parametrize("movement", ["squat", "general"])
def test_phases_are_shaded_only_for_a_movement_that_defines_them(browser, live_server, world, two_squats,
                                                                  movement: str) -> None:  # fmt: skip
    """The same two deep knee bends uploaded as squats show descent, bottom and ascent over the
    chart; uploaded as general movement (which defines no phases) they show none (they showed the
    squat's three)."""
    a, b = two_squats
    for analysis in (a, b):
        analysis.video.movement = movement
        analysis.video.save()
    whole_a, whole_b = len(segments_for(a)) - 1, len(segments_for(b)) - 1
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/analyses/{a.pk}/compare/?with={b.pk}&a={whole_a}&b={whole_b}")
    wait_js(page, "window.posecoachCompare && window.posecoachCompare.ready")
    wait_js(page, "document.getElementById('cmp-chart').layout !== undefined")
    shaded = page.evaluate("""() => {
        const layout = document.getElementById('cmp-chart').layout;
        return [(layout.shapes || []).filter((s) => s.type === 'rect').length,
                (layout.annotations || []).map((n) => n.text)]; }""")
    assert shaded == ([3, ["descent", "bottom", "ascent"]] if movement == "squat" else [0, []]), shaded
    assert not page.errors
