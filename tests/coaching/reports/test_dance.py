"""The dance part of the report (issue 25): figures, the offset table and its sentences from a
dance result with known offsets; the page for a dance analysis, with and without music; and in
Chromium, the charts, the reference switch and a phrase that seeks the video."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
from django.core.files import File
from django.core.files.base import ContentFile
from django.urls import reverse

from coaching.reports.dance import dance_report, sync_note, with_beats
from inference.dance import Beats, MusicStatus, analyze_dance
from inference.dance.beats import no_beats
from inference.overlay import compact_keypoints_json
from inference.posedata import PoseSequence
from tests.inference.dance.synthetic import click_track, dancer, poses, write_video
from tests.support import signed_in_page, wait_js

BPM, FPS, SECONDS = 104.0, 30, 12.0
BEATS = 0.4 + np.arange(20) * 60.0 / BPM
LATE_S = 0.080  # dancer 2 on counts 5-8 of phrase 1


def dance_poses() -> PoseSequence:
    times = np.arange(int(SECONDS * FPS)) / FPS
    shift = np.zeros(len(BEATS))
    shift[4:8] = LATE_S
    return poses(dancer(times, BEATS), dancer(times, BEATS + shift, origin=(500, 300), seed=1), times=times, fps=FPS)


def dance_summary(beats: Beats) -> dict[str, object]:
    return {"dance": analyze_dance(dance_poses(), beats).to_json(),
            "pose": {"athlete_track_id": 0, "video": {"duration": SECONDS}}}  # fmt: skip


@pytest.fixture(scope="module")
def summary() -> dict[str, object]:
    return dance_summary(Beats(status=MusicStatus.OK, times=BEATS, tempo_bpm=BPM, clarity=0.9))


def test_offset_table_and_sentences_say_who_is_late_where(summary: dict[str, object]) -> None:
    report = dance_report(summary)
    assert report is not None
    assert report.names == {0: "Dancer 1 (athlete)", 1: "Dancer 2"}
    late = [re.fullmatch(r"Dancer 2 is (\d+) ms late on phrase 1, counts 5–8", s) for s in report.sentences]
    (found,) = [int(m.group(1)) for m in late if m]
    assert abs(found - LATE_S * 1000) < 1000 / FPS
    lead = {row["label"]: row["cells"] for row in report.tables["0"]}
    assert lead["phrase 1, counts 5–8"] == [("lead", "muted"), (f"+{found} ms", "off")]
    assert lead["phrase 1, counts 1–4"][1][1] == "ok" and len(report.sentences) == 2  # 2 dancers: each against the other
    assert [p["label"] for p in report.phrases] == ["Phrase 1", "Phrase 2", "Phrase 3"]
    assert report.phrases[0]["left"] == pytest.approx(100 * BEATS[0] / SECONDS, abs=0.01)
    assert [row["name"] for row in report.limbs] == ["Dancer 1 (athlete) and Dancer 2"]
    beat_lines = [s for s in report.figures["accents"]["layout"]["shapes"] if s["name"] == "beat"]
    assert len(beat_lines) == len(BEATS)
    figure = {"angles": {"knee": {"data": [], "layout": {"shapes": [{"name": "jump"}]}}}, "velocity": {}}
    assert len(with_beats(figure, list(BEATS))["angles"]["knee"]["layout"]["shapes"]) == 1 + len(BEATS)


def test_sync_note_when_nothing_matches_or_everyone_is_together() -> None:
    def rows(*cells: list[float | None]) -> dict[str, object]:
        return {"sync": {"dancers": [{"offsets_ms": c} for c in cells]}}

    assert sync_note(rows([None, None], [None, None]), []).startswith("No clear match in any window")
    assert sync_note(rows([3.0, None], [-3.0, None]), []) == (
        "Every dancer is within 40 ms of the group wherever they match (2 of 4 without a clear match).")
    assert sync_note(rows([90.0], [-90.0]), ["Dancer 1 is 90 ms late on ..."]) == ""


def test_dance_report_page_with_music_and_without(client, world, summary) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.coach)
    world.analysis.summary = summary
    world.analysis.save()
    html = client.get(reverse("analysis_report", args=[world.analysis.pk])).content.decode()
    assert 'id="dance-fold"' in html and re.search(r"Dancer 2 is \d+ ms late on phrase 1, counts 5–8", html)
    assert "Tempo 104.0 BPM, 20 beats" in html
    figures = json.loads(html.split('<script id="dance-figures" type="application/json">')[1].split("</script>")[0])
    assert {"accents", "sync"} == set(figures)
    world.analysis.summary = dance_summary(no_beats(MusicStatus.NO_AUDIO, "the video has no audio track"))
    world.analysis.save()
    html = client.get(reverse("analysis_report", args=[world.analysis.pk])).content.decode()
    assert "No audio: the video has no sound" in html and "without beats they are not timed" in html
    world.analysis.summary = {}
    world.analysis.save()
    assert 'id="dance-fold"' not in client.get(reverse("analysis_report", args=[world.analysis.pk])).content.decode()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_dance_report_in_chromium(browser, live_server, world, summary, tmp_path) -> None:  # type: ignore[no-untyped-def]
    shots = Path(os.environ.get("POSECOACH_SCREENSHOTS", tmp_path))
    clip = write_video(tmp_path / "dance.mp4", SECONDS, FPS, audio=click_track(BEATS, SECONDS))
    with clip.open("rb") as fh:
        world.analysis.proxy.save("proxy.mp4", File(fh), save=False)
    overlay = compact_keypoints_json(dance_poses(), athlete_track_id=0, max_fps=30)
    world.analysis.overlay.save("overlay.json", ContentFile(json.dumps(overlay).encode()), save=False)
    world.analysis.summary = summary
    world.analysis.save()
    page = signed_in_page(browser, live_server, viewport=(1400, 1000))
    page.goto(f"{live_server.url}/analyses/{world.analysis.pk}/report/")
    wait_js(page, "document.getElementById('player').readyState >= 1")
    wait_js(page, "document.querySelector('#chart-dance-accents .main-svg') !== null")
    wait_js(page, "document.querySelector('#chart-dance-sync .main-svg') !== null")
    page.select_option("#sync-reference", "0")
    assert page.is_visible("table.sync-table[data-reference='0']")
    assert not page.is_visible("table.sync-table[data-reference='group']")
    page.click(".phrase-band .phrase >> nth=1")
    wait_js(page, f"Math.abs(document.getElementById('player').currentTime - {BEATS[8]}) < 0.05")
    # Side by side: both dancers drawn at the video's moment, one in each half of the canvas.
    wait_js(page, """(() => { const c = document.getElementById('dance-skeletons');
        const d = c.getContext('2d').getImageData(0, 30, c.width, c.height - 30).data;
        let left = 0, right = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) { ((i / 4) % c.width < c.width / 2) ? left++ : right++; }
        return left > 200 && right > 200; })()""")
    page.locator("#dance-fold").screenshot(path=str(shots / "dance-report.png"))
    assert page.errors == []
