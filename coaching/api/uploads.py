"""Resumable uploads (tus 1.0): the service side. The bytes go to a temporary file in 64 KiB
pieces (memory stays flat whatever the size); each PATCH holds the upload's row lock while it
writes, so two PATCHes at one offset cannot both append; when the last byte arrives the file
goes through the same validation and storage as a form upload (coaching.videos.services)."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from coaching.api.models import TusUpload, UploadState
from coaching.athletes.models import Athlete
from coaching.athletes.selectors import athlete_list_visible
from coaching.storage import STORAGE_UNAVAILABLE, transient_storage_errors
from coaching.videos import services as video_services
from coaching.videos.forms import VideoUploadForm
from coaching.videos.upload import CHUNK
from inference.movements import Movement

log = logging.getLogger(__name__)

# Upload-Checksum algorithms (tus checksum extension); hashing a chunk as it streams is cheap.
CHECKSUMS: dict[str, Callable[[], Any]] = {"sha1": hashlib.sha1, "sha256": hashlib.sha256,
                                           "md5": hashlib.md5}
# Unfinished uploads one user may hold (each may grow to UPLOAD_MAX_BYTES on disk).
MAX_OPEN_UPLOADS = 20
METADATA_FIELDS = ("title", "recorded_on", "notes", "backend", "movement", "capture_fps")


class UploadError(Exception):
    """A tus request the upload cannot take; ``status`` is the HTTP answer (tus 1.0 names 409
    for a wrong offset, 460 for a checksum mismatch, 410 for an expired upload)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Chunk:
    """One PATCH body: ``stream`` read until ``length`` bytes (None: until it ends)."""

    offset: int
    stream: IO[bytes]
    length: int | None
    checksum: tuple[str, bytes] | None = None  # (algorithm, expected digest)


def upload_expires_at(upload: TusUpload) -> datetime:
    """Untouched this long, the hourly temp cleanup removes the file (TEMP_MAX_AGE_S)."""
    return upload.updated_at + timedelta(seconds=settings.TEMP_MAX_AGE_S)


def upload_list_for_user(*, user: User) -> QuerySet[TusUpload]:
    """A user's own uploads, for athletes they still see."""
    return TusUpload.objects.filter(
        user=user, athlete__in=athlete_list_visible(user=user)
    ).select_related("athlete__team", "video")


def _form_fields(metadata: dict[str, str]) -> dict[str, Any]:
    """The upload form's own checks on the title, date, notes, engine and movement."""
    form = VideoUploadForm(data={k: metadata.get(k, "") for k in METADATA_FIELDS})
    form.is_valid()
    errors = [f"{k}: {e}" for k, errs in form.errors.items() if k != "file" for e in errs]
    if errors:
        raise ValidationError("; ".join(errors))
    return form.cleaned_data


def upload_create(*, user: User, athlete: Athlete, length: int, metadata: dict[str, str]) -> TusUpload:
    """A new, empty upload of ``length`` bytes; refused at once when it could never be stored
    (too large, a name we do not accept, bad form fields)."""
    if length > settings.UPLOAD_MAX_BYTES:
        raise UploadError(f"The file is larger than the limit of "
                          f"{settings.UPLOAD_MAX_BYTES / 1024**3:.1f} GB.", 413)
    if length <= 0:
        raise UploadError("The file is empty.", 400)
    filename = metadata.get("filename", "").strip()
    if not filename:
        raise UploadError("Name the file: Upload-Metadata needs a filename.", 400)
    video_services._check_extension(filename)
    _form_fields(metadata)
    if TusUpload.objects.filter(user=user, state=UploadState.RECEIVING).count() >= MAX_OPEN_UPLOADS:
        raise UploadError(f"You have {MAX_OPEN_UPLOADS} unfinished uploads; finish or delete "
                          "some first.", 429)
    upload = TusUpload.objects.create(user=user, athlete=athlete, length=length, metadata=metadata)
    upload.temp_path.parent.mkdir(parents=True, exist_ok=True)
    upload.temp_path.touch()
    return upload


def _locked(upload_id: Any) -> TusUpload:
    try:
        # of=("self",): lock the upload's row only; FOR UPDATE over the join also locked the
        # athlete and team rows, so a second file for the same athlete got this 409 (seen on
        # tests/distributed's parallel uploads).
        return (TusUpload.objects.select_for_update(nowait=True, of=("self",))
                .select_related("athlete__team").get(pk=upload_id))
    except DatabaseError as exc:  # PostgreSQL: another request holds the row
        raise UploadError("Another request is writing to this upload; ask for its offset again.",
                          409) from exc


def _check_writable(upload: TusUpload) -> None:
    if upload.state != UploadState.RECEIVING:
        raise UploadError("This upload is complete.", 403 if upload.state == UploadState.DONE else 410)
    if timezone.now() > upload_expires_at(upload) or not upload.temp_path.exists():
        raise UploadError("This upload expired; start it again.", 410)


def upload_write(*, upload: TusUpload, chunk: Chunk) -> TusUpload:
    """Append one PATCH body at ``chunk.offset`` under the row lock. Bytes received before the
    connection broke are kept (the client resumes from the offset it then reads with HEAD);
    a chunk whose checksum does not match is dropped whole."""
    with transaction.atomic():
        upload = _locked(upload.pk)
        _check_writable(upload)
        if chunk.offset != upload.offset:
            raise UploadError(f"Upload-Offset is {chunk.offset}, the upload is at {upload.offset}.", 409)
        remaining = upload.length - upload.offset
        if chunk.length is not None and chunk.length > remaining:
            raise UploadError(f"The chunk passes the upload's length by {chunk.length - remaining} bytes.", 400)
        hasher = CHECKSUMS[chunk.checksum[0]]() if chunk.checksum else None
        received = _append(upload, chunk, min(remaining, chunk.length if chunk.length is not None else remaining),
                           hasher)
        if hasher is not None and chunk.checksum is not None and hasher.digest() != chunk.checksum[1]:
            with upload.temp_path.open("r+b") as fh:
                fh.truncate(upload.offset)
            raise UploadError("The chunk's checksum does not match; send it again.", 460)
        upload.offset += received
        upload.save(update_fields=["offset", "updated_at"])
        if upload.offset == upload.length:
            _complete(upload)
    return upload


def _append(upload: TusUpload, chunk: Chunk, limit: int, hasher: Any) -> int:
    received = 0
    with upload.temp_path.open("r+b") as fh:
        fh.seek(upload.offset)
        fh.truncate()  # anything past the recorded offset came from a writer that did not finish
        while received < limit:
            try:
                data = chunk.stream.read(min(CHUNK, limit - received))
            except OSError:  # the connection broke: keep what arrived
                break
            if not data:
                break
            fh.write(data)
            if hasher is not None:
                hasher.update(data)
            received += len(data)
        fh.flush()
        os.fsync(fh.fileno())
    return received


class _CompletedFile(UploadedFile):
    """The finished upload as the form upload's file: storage moves it instead of copying."""

    def __init__(self, path: str, name: str, size: int) -> None:
        super().__init__(open(path, "rb"), name=name, size=size)  # noqa: SIM115 - closed below
        self._path = path

    def temporary_file_path(self) -> str:
        return self._path


def _complete(upload: TusUpload) -> None:
    """The same validation and storage as a form upload; a refusal is kept on the row with its
    message, and the file goes either way."""
    meta = dict(upload.metadata)
    file = _CompletedFile(str(upload.temp_path), meta.get("filename", "video"), upload.length)
    try:
        fields = _form_fields(meta)
        video = video_services.video_upload(
            athlete=upload.athlete, file=file, uploaded_by=upload.user, title=fields["title"],
            recorded_on=fields["recorded_on"], notes=fields["notes"],
            backend=fields["backend"] or None, movement=Movement.parse(fields["movement"]),
            capture_fps=fields["capture_fps"])
    except ValidationError as exc:
        upload.state, upload.error = UploadState.FAILED, " ".join(exc.messages)
    except transient_storage_errors():  # S3 down: the last PATCH says so instead of a 500
        log.warning("tus upload %s not stored", upload.id, exc_info=True)
        upload.state, upload.error = UploadState.FAILED, STORAGE_UNAVAILABLE
    else:
        upload.state, upload.video = UploadState.DONE, video
    finally:
        file.close()
        upload.temp_path.unlink(missing_ok=True)
    upload.save(update_fields=["state", "error", "video", "updated_at"])


def upload_delete(*, upload: TusUpload) -> None:
    """tus termination: the row and its bytes go (a stored video stays)."""
    upload.temp_path.unlink(missing_ok=True)
    upload.delete()


def upload_cleanup_expired() -> int:
    """Rows of uploads untouched for TEMP_MAX_AGE_S (their files go with the temp cleanup, by the
    same age); how many."""
    cutoff = timezone.now() - timedelta(seconds=settings.TEMP_MAX_AGE_S)
    stale = list(TusUpload.objects.filter(updated_at__lt=cutoff))
    for upload in stale:
        upload_delete(upload=upload)
    return len(stale)
