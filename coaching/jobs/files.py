"""Deleting what a job stored: its own files when an attempt loses the job, and whatever a
killed, cancelled or failed attempt left in the job's folder."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from django.db.models.fields.files import FieldFile

log = logging.getLogger(__name__)


def delete_stored(files: Iterable[FieldFile | tuple[Any, str]]) -> None:
    for item in files:
        storage, name = (item.storage, item.name) if isinstance(item, FieldFile) else item
        if not name:
            continue
        try:
            storage.delete(str(name))
        except OSError:
            log.exception("Could not delete %s", name)


def folder_files(storage: Any, folder: str) -> list[str]:
    """Names of the files in a job's folder; refuses anything shallower than two levels (a
    folder of one job), so a bug can never list, then delete, the whole media root."""
    if len(PurePosixPath(folder).parts) < 2:
        raise ValueError(f"{folder!r} is not a job's folder")
    try:
        _, names = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [f"{folder}/{name}" for name in names]


def delete_unreferenced(storage: Any, folder: str, keep: Iterable[str]) -> list[str]:
    """Delete the files of `folder` that are not in `keep` (the names the row refers to)."""
    if not folder:
        return []
    kept = {str(name) for name in keep if name}
    removed = [name for name in folder_files(storage, folder) if name not in kept]
    delete_stored((storage, name) for name in removed)
    return removed
