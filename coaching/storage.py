"""Storage helpers shared by uploads and workers: a local path for any stored or uploaded file
(S3 objects are downloaded to a temporary file), and safe deletion."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.db.models.fields.files import FieldFile


class StorageUnavailable(Exception):
    """Storage could not be read or written just now (network, S3, a full or unmounted disk):
    worth retrying later, unlike a damaged video."""


# What an upload answers when the file cannot be stored just now (S3 down, disk full).
STORAGE_UNAVAILABLE = ("The video could not be stored just now: the storage did not answer. "
                       "Nothing was saved; try again in a few minutes.")


def transient_storage_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError

        errors += [BotoCoreError, ClientError]
    except ImportError:
        pass
    return tuple(errors)


@contextmanager
def local_path(file: Any) -> Iterator[Path]:
    """Yield a filesystem path holding the file's bytes for the duration of the block."""
    if hasattr(file, "temporary_file_path"):
        yield Path(file.temporary_file_path())
        return
    if isinstance(file, FieldFile):
        try:
            yield Path(file.path)
            return
        except NotImplementedError:
            pass  # remote storage: copy it down
    suffix = PurePath(getattr(file, "name", "") or "").suffix
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=suffix, dir=settings.FILE_UPLOAD_TEMP_DIR) as tmp:
        if isinstance(file, FieldFile):  # remote storage: open, copy down, close
            with file.open("rb") as source:
                shutil.copyfileobj(source, tmp, 1024 * 1024)
        else:  # an upload in memory: copy it and leave it open for the caller
            file.seek(0)
            shutil.copyfileobj(file, tmp, 1024 * 1024)
            file.seek(0)
        tmp.flush()
        yield Path(tmp.name)


def delete_field_file(field_file: FieldFile) -> None:
    if field_file and field_file.name:
        field_file.storage.delete(field_file.name)
