"""``manage.py retrain_segmentation [--now]``: fine-tune the person segmentation on the library."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coaching.learning.models import SegmentationWeights
from coaching.learning.segmentation import segmentation_retrain_run, segmentation_retrain_start


class Command(BaseCommand):
    help = ("Retrain person segmentation on the teacher masks of the library's most recent videos "
            "(queued on the gpu queue; --now runs it here). The new weights become active only "
            "when they match the teacher better on held-out frames.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="run in this process, not a worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            row = SegmentationWeights.objects.create()
            segmentation_retrain_run(weights_id=row.pk)
            row.refresh_from_db()
            self.stdout.write(f"weights {row.pk}: {row.status} {row.error or row.metrics}"
                              f"{' (active)' if row.active else ''}")
        else:
            row = segmentation_retrain_start()
            self.stdout.write(f"queued retraining {row.pk} on the gpu queue")
