"""Storage helpers shared by uploads and workers: a local path for any stored or uploaded file
(S3 objects are downloaded to a temporary file), and safe deletion."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import Any, TypeVar

from django.conf import settings
from django.db.models.fields.files import FieldFile


class StorageUnavailable(Exception):
    """Storage could not be read or written just now (network, S3, a full or unmounted disk):
    worth retrying later, unlike a damaged video."""


# What an upload answers when the file cannot be stored just now (S3 down, disk full).
STORAGE_UNAVAILABLE = ("The video could not be stored just now: the storage did not answer. "
                       "Nothing was saved; try again in a few minutes.")
# What a page or download that reads stored files answers meanwhile (a 503: coaching.middleware).
STORAGE_READ_UNAVAILABLE = ("The stored videos and results cannot be read just now: the storage "
                            "did not answer. Nothing was lost; try again in a few minutes.")

T = TypeVar("T")


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


def read_stored(file: FieldFile, load: Callable[[Path], T]) -> T:
    """``load`` the stored file from a local path (downloaded first on S3). The errors of a
    storage that does not answer (transient_storage_errors: from the download, or from reading
    the path of a failing file system) become StorageUnavailable: a worker retries, a page
    answers 503."""
    with storage_calls(str(file.name)), local_path(file) as path:
        return load(path)


@contextmanager
def storage_calls(what: str) -> Iterator[None]:
    """Turn the errors of a storage that does not answer, inside the block, into
    StorageUnavailable (``what``: the file, for the log)."""
    try:
        yield
    except transient_storage_errors() as exc:
        raise StorageUnavailable(f"could not read {what}: {exc}") from exc


def delete_field_file(field_file: FieldFile) -> None:
    if field_file and field_file.name:
        field_file.storage.delete(field_file.name)
