"""Hostile and broken uploads (≥ 50 generated files): each is refused with a clear message, the
server never answers 500, nothing is left behind; the worker ends such a file as FAILED without
crashing; a bounded fuzz of the probe only ever raises VideoError."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from coaching.analysis.models import Analysis, Status
from coaching.analysis.runner import analysis_run
from coaching.videos.models import Video
from inference.video import VideoError, probe
from tests.coaching.hostile import hostile_uploads, safe_oddities
from tests.support import write_clip

pytestmark = pytest.mark.django_db

CLIP_DIR = Path(__file__).parent


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return write_clip(tmp_path_factory.mktemp("hostile") / "base.mp4", frames=48, size=(160, 96))


@pytest.fixture(scope="module")
def cases(clip) -> list[tuple[str, str, bytes]]:
    return list(hostile_uploads(clip))


def _files(root: str) -> set[Path]:
    return {p for p in Path(root).rglob("*") if p.is_file()}


def test_there_are_at_least_50_cases(cases) -> None:
    assert len(cases) >= 50
    assert len({case for case, _, _ in cases}) == len(cases)


def test_every_hostile_upload_is_refused_cleanly(client, world, cases) -> None:
    client.force_login(world.coach)
    url = reverse("video_upload", args=[world.al.pk])
    videos, analyses = Video.objects.count(), Analysis.objects.count()
    media, temp = _files(settings.MEDIA_ROOT), _files(settings.FILE_UPLOAD_TEMP_DIR)
    for case, name, data in cases:
        response = client.post(url, {"file": SimpleUploadedFile(name, data, "video/mp4")})
        assert response.status_code == 400, (case, response.status_code)
        message = response.json()["error"]
        assert len(message) > 20 and "Traceback" not in message, (case, message)
    assert (Video.objects.count(), Analysis.objects.count()) == (videos, analyses)
    assert _files(settings.MEDIA_ROOT) == media
    assert _files(settings.FILE_UPLOAD_TEMP_DIR) == temp


def test_odd_but_usable_files_are_taken_at_their_real_size(client, world, clip) -> None:
    client.force_login(world.coach)
    for case, name, data in safe_oddities(clip):
        response = client.post(reverse("video_upload", args=[world.al.pk]),
                               {"file": SimpleUploadedFile(name, data, "video/mp4")})
        assert response.status_code == 201, case
        assert Video.objects.get(pk=response.json()["id"]).duration_s == pytest.approx(2.0, abs=0.1)


def test_worker_fails_hostile_files_without_crashing(world, cases) -> None:
    """Files damaged after upload (or that slipped through): the run ends FAILED, once."""
    broken = [c for c in cases if "extension" not in c[0]]  # those are good videos, badly named
    for case, name, data in broken[::3]:
        world.video_al.file.save(name, ContentFile(data), save=True)
        analysis = Analysis.objects.create(video=world.video_al)
        analysis_run(analysis_id=analysis.pk)
        analysis.refresh_from_db()
        assert analysis.status == Status.FAILED, case
        assert analysis.error and analysis.attempts == 1, case


@pytest.mark.parametrize("seed", [0])
@hsettings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_probe_fuzz_only_raises_video_error(tmp_path_factory, seed: int, data) -> None:
    base = CLIP_DIR / ".fuzz-base.mp4"
    clip = base.read_bytes() if base.exists() else write_clip(base, frames=24, size=(64, 48)).read_bytes()
    mutated = bytearray(clip)
    for _ in range(data.draw(st.integers(1, 8))):
        kind = data.draw(st.sampled_from(["flip", "cut", "insert", "zero"]))
        at = data.draw(st.integers(0, max(0, len(mutated) - 1)))
        if kind == "flip" and mutated:
            mutated[at] ^= data.draw(st.integers(1, 255))
        elif kind == "cut":
            del mutated[at: at + data.draw(st.integers(1, 4000))]
        elif kind == "insert":
            mutated[at:at] = data.draw(st.binary(min_size=1, max_size=64))
        else:
            mutated[at: at + 64] = bytes(len(mutated[at: at + 64]))
    path = tmp_path_factory.mktemp("fuzz") / "f.mp4"
    path.write_bytes(bytes(mutated))
    try:
        probe(path, max_duration=600)
    except VideoError:
        pass
