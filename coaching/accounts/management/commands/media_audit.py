"""Report stored files no row refers to, rows whose file is missing, and stale temporary files
and work folders (coaching/accounts/tempfiles.py); --delete-orphans removes the unreferenced
files and the stale temporary entries (never rows)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.files.storage import Storage, default_storage
from django.core.management.base import BaseCommand, CommandParser

from coaching.accounts.tempfiles import stale_temp_entries, temp_cleanup
from coaching.analysis.models import ANALYSIS_FILES, Analysis
from coaching.learning.models import TeamActionModel
from coaching.reports.models import Render
from coaching.videos.models import Video


def stored_files(storage: Storage, folder: str = "teams") -> Iterator[str]:
    if not storage.exists(folder):
        return
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from stored_files(storage, f"{folder}/{sub}")


def referenced_files() -> dict[str, str]:
    """Stored name → the row that owns it."""
    owners = {name: f"video {pk}" for pk, name in Video.objects.values_list("pk", "file")}
    for row in Analysis.objects.values("pk", *ANALYSIS_FILES):
        for field in ANALYSIS_FILES:
            if row[field]:
                owners[row[field]] = f"analysis {row['pk']} ({field})"
    for pk, name in Render.objects.exclude(file="").values_list("pk", "file"):
        owners[name] = f"render {pk}"
    for pk, name in TeamActionModel.objects.exclude(file="").values_list("pk", "file"):
        owners[name] = f"team action model {pk}"
    return owners


class Command(BaseCommand):
    help = "Report orphan media files and rows with missing files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--delete-orphans", action="store_true")

    def handle(self, *args: Any, delete_orphans: bool, **options: Any) -> None:
        owners = referenced_files()
        stored = set(stored_files(default_storage))
        orphans = sorted(stored - set(owners))
        missing = sorted(name for name in owners if name not in stored)
        for name in orphans:
            self.stdout.write(f"orphan file: {name}")
            if delete_orphans:
                default_storage.delete(name)
        for name in missing:
            self.stdout.write(f"missing file: {name} (of {owners[name]})")
        stale = stale_temp_entries()
        for entry in stale:
            self.stdout.write(f"stale temporary: {entry.path} ({entry.age_s / 3600:.1f} h old, "
                              f"{entry.size_bytes} bytes)")
        if delete_orphans and stale:
            temp_cleanup()
        verb = "deleted" if delete_orphans else "found"
        self.stdout.write(f"{len(orphans)} orphan files {verb}; {len(missing)} rows with missing files; "
                          f"{len(stale)} stale temporary entries {verb}.")
