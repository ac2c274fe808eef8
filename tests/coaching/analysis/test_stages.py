"""The worker and the CLI run the same analysis: inference.pipeline.analyze's stage table. On a real
clip, the files and the summary a worker stores equal what `python -m inference analyze` writes;
choosing the other person then re-runs the athlete's stages on a worker from the stored files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from django.core.files import File

from tests.support import shared_clip

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
CLIP = "indoor_two_people_1080p.mp4"


@pytest.fixture
def both(world, tmp_path: Path):  # type: ignore[no-untyped-def]
    """(the CLI's folder, the Analysis a worker finished) for the same clip."""
    from coaching.analysis.models import Analysis
    from coaching.analysis.runner import analysis_run
    from inference.analyze_cmd import main

    clip = shared_clip(CLIP)
    cli = tmp_path / "cli"
    assert main([str(clip), "--out", str(cli), "--quiet", "--movement", "general"]) == 0
    video = world.video_al  # no height, movement general: the CLI's defaults
    with clip.open("rb") as fh:
        video.file.save(clip.name, File(fh), save=True)
    analysis = Analysis.objects.create(video=video)
    analysis_run(analysis_id=analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == "done", analysis.error
    return cli, analysis


def _json(path: Path) -> object:
    return json.loads(path.read_text())


def test_the_worker_stores_what_the_cli_writes_and_follows_a_new_athlete(both) -> None:  # type: ignore[no-untyped-def]
    from inference.posedata import PoseSequence
    from inference.segmentation.masks import MaskSequence

    cli, analysis = both
    worker_poses, cli_poses = PoseSequence.load(analysis.poses.path), PoseSequence.load(cli / "poses.npz")
    np.testing.assert_array_equal(worker_poses.keypoints, cli_poses.keypoints)
    np.testing.assert_array_equal(worker_poses.track_ids, cli_poses.track_ids)
    assert _json(Path(analysis.overlay.path)) == _json(cli / "overlay.json")
    assert Path(analysis.angles_csv.path).read_text() == (cli / "angles.csv").read_text()
    np.testing.assert_array_equal(MaskSequence.load(analysis.masks.path).foreground,
                                  MaskSequence.load(cli / "masks.npz").foreground)  # fmt: skip
    assert _json(Path(analysis.cutout.path)) == _json(cli / "cutout.json")
    sections = _json(cli / "result.json")["sections"]  # type: ignore[index]
    for name in ("events", "feedback", "actions"):
        stored = {k: v for k, v in analysis.summary[name].items() if k != "version"}
        assert stored == _json(cli / f"{name}.json"), name
        assert analysis.summary[name] == sections[name], name
    assert analysis.summary["athlete"] == sections["athlete"]
    assert analysis.summary["pose"]["people"] == sections["pose"]["people"]
    assert analysis.summary["proxy"] == sections["video"]["proxy"]
    assert analysis.stage == "done" and analysis.progress == 100
    # one full analysis is the costly part: the athlete choice reuses it
    _choosing_the_other_person_reanalyses_on_the_worker(analysis)


def _choosing_the_other_person_reanalyses_on_the_worker(analysis) -> None:  # type: ignore[no-untyped-def]
    from coaching.analysis.athlete import ATHLETE_JOB
    from coaching.analysis.models import AthleteChoice
    from coaching.analysis.services import analysis_set_athlete
    from coaching.jobs.runner import job_run
    from inference.posedata import PoseSequence
    from inference.segmentation.masks import MaskSequence

    poses = PoseSequence.load(analysis.poses.path)
    first = analysis.summary["pose"]["athlete_track_id"]
    (other,) = [int(t) for t in poses.track_ids if int(t) != first]
    slot = list(poses.track_ids).index(other)
    frame = int(np.flatnonzero(np.isfinite(poses.keypoints[:, slot, :, 0]).all(axis=1))[0])
    x, y = np.nanmean(poses.keypoints[frame, slot, [11, 12, 23, 24], :2], axis=0)  # the torso's centre
    masks_before = MaskSequence.load(analysis.masks.path)
    old_angles = Path(analysis.angles_csv.path).read_text()

    assert analysis_set_athlete(analysis=analysis, x=float(x), y=float(y), t=float(poses.timestamps[frame])) == other
    job = AthleteChoice.objects.get(analysis=analysis)
    job_run(ATHLETE_JOB, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.track_id == other, job.error
    analysis.refresh_from_db()
    assert analysis.summary["athlete"]["track_id"] == other and analysis.summary["athlete"]["source"] == "click"
    assert _json(Path(analysis.overlay.path))["athlete"] == other  # type: ignore[index]
    assert Path(analysis.angles_csv.path).read_text() != old_angles
    masks = MaskSequence.load(analysis.masks.path)
    np.testing.assert_array_equal(masks.foreground, masks_before.foreground)  # everyone's pixels stay
    assert masks.athlete_index == slot and not np.array_equal(masks.athlete, masks_before.athlete)
