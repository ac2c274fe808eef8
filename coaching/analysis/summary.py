"""The one way to write Analysis.summary: whole top-level sections ("pose", "actions", ...)
merged into what the database holds now, under a row lock, so a worker finishing a run and a
coach's change on the web never lose each other's update."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q

from coaching.analysis.models import Analysis


def analysis_summary_update(*, analysis_id: int, sections: Mapping[str, Any],
                            where: Q | None = None) -> dict[str, Any] | None:
    """Replace `sections` of the analysis's summary and keep every other section as stored.
    `where`: an extra condition on the row (e.g. still this worker's attempt). Returns the
    merged summary, or None when no row matched (nothing written)."""
    with transaction.atomic():
        rows = Analysis.objects.select_for_update().filter(pk=analysis_id)
        if where is not None:
            rows = rows.filter(where)
        current = rows.values_list("summary", flat=True).first()
        if current is None:
            return None
        merged = {**current, **sections}
        Analysis.objects.filter(pk=analysis_id).update(summary=merged)
    return merged
