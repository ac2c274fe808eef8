"""Stale temporary files and work folders in FILE_UPLOAD_TEMP_DIR: what a killed worker
(`analysis-*` folders, `tmp*` work folders) or an interrupted upload (`tmp*.upload.*`) left
behind. Found by age: an entry whose newest file is older than TEMP_MAX_AGE_S (longer than any
job may run: the hard task time limit, plus an hour) belongs to nothing alive any more."""

from __future__ import annotations

import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)
# Everything the app writes there: analysis work folders, TemporaryDirectory/NamedTemporaryFile
# (prefix "tmp"), Django's upload temp files (tmpXXXX.upload.ext).
PATTERNS = ("analysis-*", "tmp*")


@dataclass(frozen=True)
class StaleEntry:
    path: Path
    age_s: float
    size_bytes: int


def _newest_and_size(path: Path) -> tuple[float, int]:
    """The newest modification time under path (a running job keeps writing inside its folder
    while the folder's own time stays old) and the bytes it holds."""
    if not path.is_dir() or path.is_symlink():
        stat = path.lstat()
        return stat.st_mtime, stat.st_size
    newest, size = path.lstat().st_mtime, 0
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            try:
                stat = os.lstat(os.path.join(root, name))
            except FileNotFoundError:  # removed while we looked: its job is alive
                return time.time(), size
            newest, size = max(newest, stat.st_mtime), size + stat.st_size
    return newest, size


def stale_temp_entries(*, max_age_s: float | None = None, now: float | None = None) -> list[StaleEntry]:
    root = Path(settings.FILE_UPLOAD_TEMP_DIR)
    max_age = settings.TEMP_MAX_AGE_S if max_age_s is None else max_age_s
    now = time.time() if now is None else now
    found: dict[Path, StaleEntry] = {}
    for pattern in PATTERNS:
        for path in root.glob(pattern):
            try:
                newest, size = _newest_and_size(path)
            except FileNotFoundError:
                continue
            if now - newest > max_age:
                found[path] = StaleEntry(path, now - newest, size)
    return sorted(found.values(), key=lambda e: e.path)


def temp_cleanup(*, max_age_s: float | None = None) -> list[StaleEntry]:
    """Delete the stale entries; what was deleted."""
    removed = []
    for entry in stale_temp_entries(max_age_s=max_age_s):
        try:
            if entry.path.is_dir() and not entry.path.is_symlink():
                shutil.rmtree(entry.path)
            else:
                entry.path.unlink()
        except FileNotFoundError:
            continue
        except OSError:
            log.exception("Could not delete %s", entry.path)
            continue
        removed.append(entry)
    if removed:
        log.info("Removed %d stale temporary entries (%d bytes).", len(removed),
                 sum(e.size_bytes for e in removed))
    return removed
