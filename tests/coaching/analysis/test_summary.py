"""Analysis.summary is written per section under a row lock: concurrent writers of different
sections (a worker, a coach's request) never lose each other's update."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction

from coaching.analysis.models import Analysis
from coaching.analysis.summary import analysis_summary_update
from coaching.jobs.models import JobStatus


@pytest.mark.django_db(transaction=True)
def test_a_writer_waits_for_the_other_and_keeps_its_section(world) -> None:
    """Writer A holds the row while it works; writer B updates another section meanwhile. With
    a read-merge-write without the lock, A would write back B's section as it read it (absent)."""
    if connection.vendor != "postgresql":
        pytest.skip("two connections to SQLite's in-memory test database cannot wait for a lock; "
                    "run with DATABASE_URL=postgres://... (as .ci/run does)")
    pk = world.analysis.pk
    Analysis.objects.filter(pk=pk).update(summary={"pose": {"people": [1]}})
    locked, errors = threading.Event(), []

    def writer_a() -> None:
        try:
            with transaction.atomic():
                Analysis.objects.select_for_update().get(pk=pk)  # as the helper holds it
                locked.set()
                time.sleep(0.5)  # B tries to write now
                analysis_summary_update(analysis_id=pk, sections={"actions": {"segments": []}})
        except Exception as exc:  # noqa: BLE001 - reported to the test thread below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=writer_a)
    thread.start()
    assert locked.wait(10)
    began = time.monotonic()
    merged = analysis_summary_update(analysis_id=pk, sections={"silhouette": {"t": [0.0]}})
    thread.join()
    assert not errors
    assert time.monotonic() - began > 0.3  # B waited for A's transaction
    assert merged is not None and set(merged) == {"pose", "actions", "silhouette"}
    assert set(Analysis.objects.get(pk=pk).summary) == {"pose", "actions", "silhouette"}


@pytest.mark.django_db
def test_condition_and_missing_row_write_nothing(world) -> None:
    from django.db.models import Q

    pk = world.analysis.pk
    before = Analysis.objects.get(pk=pk).summary
    assert analysis_summary_update(analysis_id=pk, sections={"x": 1},
                                   where=Q(status=JobStatus.RUNNING)) is None
    assert Analysis.objects.get(pk=pk).summary == before
    assert analysis_summary_update(analysis_id=999_999, sections={"x": 1}) is None


@pytest.mark.django_db
def test_the_worker_writes_only_the_sections_its_run_produced(world, monkeypatch) -> None:
    """A coach's section written while the run works is kept by the run's final write."""
    from coaching.analysis import runner
    from coaching.analysis.stages import Stage

    analysis = Analysis.objects.create(video=world.video, summary={"notes": "old"})

    def stage(ctx: Any) -> None:
        ctx.summary["pose"] = {"people": [7]}
        analysis_summary_update(analysis_id=analysis.pk, sections={"notes": "coach's"})

    monkeypatch.setattr(runner, "STAGES", [Stage("fake", 0.0, 1.0, stage)])
    runner.analysis_run(analysis_id=analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == JobStatus.DONE, analysis.error
    assert analysis.summary == {"notes": "coach's", "pose": {"people": [7]}}
