"""The Django side of person segmentation: the privacy video rendered by the render task from
stored masks, and retraining on the library keeping weights only when they beat the teacher IoU."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from django.core.files.base import ContentFile

from coaching.analysis.models import Status
from coaching.learning.models import SegmentationWeights
from coaching.reports.models import Render, RenderKind
from coaching.reports.services import render_run
from inference.segmentation import MaskSequence
from inference.video import iter_frames

pytestmark = pytest.mark.django_db


def _masks_for(analysis) -> MaskSequence:
    """Masks of the World's tiny clip (96x64, 12 frames): the athlete is the left half."""
    times = np.array([t for _, t in iter_frames(Path(analysis.proxy.path))])
    fg = np.zeros((len(times), 32, 64), bool)
    fg[:, 4:28, 8:28] = True
    boxes = np.tile(np.array([[8, 4, 28, 28]], np.float32), (len(times), 1, 1))
    masks = MaskSequence(fg, fg.copy(), times, boxes, np.array([1]), 0, (96, 64), 3)
    buffer = io.BytesIO()
    masks.save(buffer)
    analysis.masks.save("masks.npz", ContentFile(buffer.getvalue()), save=True)
    return masks


def test_privacy_render_from_stored_masks(world) -> None:
    _masks_for(world.analysis)
    render = Render.objects.create(analysis=world.analysis, kind=RenderKind.PRIVACY)
    render_run(render_id=render.pk)
    render.refresh_from_db()
    assert render.status == Status.DONE, render.error
    assert render.file.name.endswith("-privacy.mp4")
    frames = [f for f, _ in iter_frames(Path(render.file.path))]
    assert len(frames) == 12 and frames[0].shape[:2] == (64, 96)


def test_retraining_keeps_weights_only_when_they_beat_the_committed_ones(world, monkeypatch) -> None:
    """The training itself is inference.segmentation's (tested there); here a stand-in returns
    its metrics so the test is about storage and the activation rule."""
    from coaching.learning import segmentation
    from inference.segmentation.model import DEFAULT_LEVEL

    def fake_retrain(videos, out, *, seed, progress, steps):  # noqa: ANN001, ANN202
        out.mkdir(parents=True)
        (out / "unetpp.npz").write_bytes(b"weights")
        (out / "metrics.json").write_text("{}")
        progress(0.5)
        after = 0.9 if seed % 2 else 0.5
        level = f"L{DEFAULT_LEVEL}"  # the level analyses use decides
        return {"before": {level: {"iou": 0.8}}, "after": {level: {"iou": after}}, "videos": len(videos)}

    monkeypatch.setattr("inference.segmentation.retrain_segmentation", fake_retrain)
    rows = []
    for _ in range(2):
        row = SegmentationWeights.objects.create()
        segmentation.segmentation_retrain_run(weights_id=row.pk)
        row.refresh_from_db()
        rows.append(row)
    better = next(r for r in rows if r.pk % 2)
    worse = next(r for r in rows if not r.pk % 2)
    assert better.status == worse.status == Status.DONE
    assert better.active and not worse.active and better.videos == 3  # the World's 3 analyses
    import zipfile

    with zipfile.ZipFile(better.file.path) as archive:
        assert sorted(archive.namelist()) == ["metrics.json", "unetpp.npz"]


def test_retraining_with_an_empty_library_fails_with_a_message(db) -> None:
    from coaching.learning.segmentation import segmentation_retrain_run

    row = SegmentationWeights.objects.create()
    segmentation_retrain_run(weights_id=row.pk)
    row.refresh_from_db()
    assert row.status == Status.FAILED and "No analysed video" in row.error
