"""Issue 21 item 2(c), built in coaching/jobs by the pipeline work: deleting a video while its
analysis runs stops the worker at its next progress report and leaves no work folder or file.
Here through the real runner with a stand-in for the (slow) pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from coaching.analysis.models import Analysis, Status
from coaching.analysis.runner import Claim, analysis_run

pytestmark = pytest.mark.django_db


def test_deleting_the_video_stops_its_running_analysis(world, monkeypatch, django_capture_on_commit_callbacks) -> None:
    from coaching.analysis import stages
    from coaching.videos.services import video_delete

    analysis = Analysis.objects.create(video=world.video_al, status=Status.PENDING)
    reached: list[float] = []

    def slow_pipeline(source: Any, config: Any, progress: Any, *, workdir: Path) -> Any:
        (workdir / "frames.npy").write_bytes(b"x" * 1000)
        for fraction in (0.1, 0.2, 0.3, 0.4):
            progress("pose", fraction)
            reached.append(fraction)
            if fraction == 0.2:  # the coach deletes the video while the worker is at 20 %
                with django_capture_on_commit_callbacks(execute=True):
                    video_delete(video=world.video_al)
        raise AssertionError("the pipeline ran to its end")

    monkeypatch.setattr(stages, "analyze", slow_pipeline)
    monkeypatch.setattr("coaching.jobs.attempt.PROGRESS_INTERVAL_S", 0.0)
    assert analysis_run(analysis_id=analysis.pk) is Claim.ENDED
    assert reached == [0.1, 0.2]  # stopped at the first report after the delete
    assert not Analysis.objects.filter(pk=analysis.pk).exists()
    assert not list(Path(settings.FILE_UPLOAD_TEMP_DIR).glob("analysis-*"))
    assert not (Path(settings.MEDIA_ROOT) / f"teams/{world.team.pk}/analyses/{analysis.pk}").exists()
