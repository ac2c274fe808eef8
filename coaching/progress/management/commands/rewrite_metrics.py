"""``manage.py rewrite_metrics [--team ID]``: write every video's progress rows again from its
latest finished analysis, with today's metric definitions (inference.compare.metrics).

When a definition changes (2026-12-01: cadence became the report's, over runs of alternating
steps, and uncertain events stopped counting), rows written before keep the old value until the
video is re-analysed; this rewrites them from what each analysis stored (its kinematics and
summary), without running pose estimation again. An analysis whose athlete awaits the coach's
check writes none, as after a run (coaching.progress.services.metric_rows_write)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coaching.progress.services import metric_rows_rewrite


class Command(BaseCommand):
    help = "Write every video's progress rows again from its latest finished analysis."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--team", type=int, help="only this team's videos (its id)")

    def handle(self, *args: Any, team: int | None = None, **options: Any) -> None:
        videos, rows, failed = metric_rows_rewrite(team_id=team)
        self.stdout.write(f"{videos} video(s): {rows} metric row(s) written"
                          + (f"; {failed} failed (see the log)" if failed else ""))
