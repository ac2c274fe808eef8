"""Reads of what the instance learned: labels, model versions, and local copies of their files
for workers (a zip in storage, unpacked once per process into a cache folder)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TypedDict

from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.fields.files import FieldFile

from coaching.analysis.models import Analysis
from coaching.analysis.selectors import analysis_list_visible
from coaching.athletes.models import Team
from coaching.athletes.selectors import User, team_list_for_coach
from coaching.learning.models import ActionLabel, SegmentationWeights, TeamActionModel
from coaching.reports.selectors import rule_name
from coaching.storage import local_path
from inference.actions.classes import ActionClass
from inference.feedback.engine import stored_findings


def _unpacked(field_file: FieldFile, key: str) -> Path:
    """The zip's files in VAR_DIR/model-cache/<key>/ (unpacked once; rows are immutable once
    DONE, so the key never goes stale)."""
    folder = Path(settings.VAR_DIR) / "model-cache" / key
    if not (folder / ".complete").exists():
        folder.mkdir(parents=True, exist_ok=True)
        with local_path(field_file) as path, zipfile.ZipFile(path) as archive:
            archive.extractall(folder)
        (folder / ".complete").touch()
    return folder


def team_action_model_active(*, team_id: int) -> TeamActionModel | None:
    return TeamActionModel.objects.filter(team_id=team_id, active=True).first()


def action_model_folder(row: TeamActionModel | None) -> Path | None:
    """Local folder of a team model version's files; None means the committed base model."""
    return _unpacked(row.file, f"action-{row.pk}") if row is not None and row.file else None


def segmentation_weights_folder() -> Path | None:
    """Folder of the active retrained segmentation weights, or None for the committed default."""
    row = SegmentationWeights.objects.filter(active=True).first()
    return _unpacked(row.file, f"segmentation-{row.pk}") if row is not None and row.file else None


def action_labels_for(*, analysis: Analysis) -> QuerySet[ActionLabel]:
    return ActionLabel.objects.filter(analysis=analysis).select_related("created_by")


def action_labels_of_team(*, team: Team) -> QuerySet[ActionLabel]:
    return ActionLabel.objects.filter(analysis__video__team=team).select_related(
        "analysis", "analysis__video")


def action_label_names(*, team: Team, known: list[str]) -> list[str]:
    """Moves a coach can pick: those the models know (`known`, from the stored labelling and the
    team's active model) and the team's own labels."""
    own = set(action_labels_of_team(team=team).values_list("label", flat=True))
    return sorted((set(known) | own) - {ActionClass.UNKNOWN})


def team_action_models(*, team: Team) -> QuerySet[TeamActionModel]:
    return TeamActionModel.objects.filter(team=team).order_by("-version")


def action_label_list_visible(*, user: User) -> QuerySet[ActionLabel]:
    """Labels on the analyses ``user`` may see; another team's label is simply not there."""
    return ActionLabel.objects.filter(analysis__in=analysis_list_visible(user=user)).select_related("analysis__video")


class LabelCount(TypedDict):
    label: str
    ranges: int  # ranges the team labelled with this name
    videos: int  # in how many videos


def action_label_counts(*, team: Team) -> list[LabelCount]:
    """Per move name, how much the team taught it, by name."""
    return list(action_labels_of_team(team=team).values("label")
                .annotate(ranges=Count("id"), videos=Count("analysis__video", distinct=True)).order_by("label"))


def team_action_model_list_for_coach(*, user: User) -> QuerySet[TeamActionModel]:
    return TeamActionModel.objects.filter(team__in=team_list_for_coach(user=user))


LABEL_COLOURS = ("#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2", "#ca8a04",
                 "#db2777", "#4d7c0f", "#7c3aed", "#0f766e", "#b91c1c", "#1d4ed8", "#a16207")


def label_colour(label: str) -> str:
    """One colour per move name, the same on every page (unknown stays grey)."""
    if label == "unknown":
        return "#9ca3af"
    return LABEL_COLOURS[sum(map(ord, label)) % len(LABEL_COLOURS)]


def report_moves(*, analysis: Analysis) -> dict[str, object]:
    """What the report's moves band shows: segments placed on the video's duration, the labels
    coaches gave this analysis, and which model labelled it against the team's active one."""
    actions = analysis.summary.get("actions") or {}
    duration = float(analysis.video.timeline_duration_s or 0.0) or max(
        [s["end"] for s in actions.get("segments", [])] or [1.0])
    segments = [{
        **s, "left": round(100 * s["start"] / duration, 3),
        "width": round(max(0.2, 100 * (s["end"] - s["start"]) / duration), 3),
        "colour": label_colour(s["label"]),
    } for s in actions.get("segments", [])]
    active = team_action_model_active(team_id=analysis.video.team_id)
    used = (actions.get("model") or {}).get("team_version")
    return {
        "segments": segments, "model": actions.get("model"), "labels": action_labels_for(analysis=analysis),
        "names": action_label_names(team=analysis.video.team, known=[
            *actions.get("classes", []), *(active.classes if active else [])]),
        "active": active,
        "stale": bool(actions) and (active.version if active else None) != used,
        "reason": actions.get("reason") or "",
        # Technique rules judged inside the recognised moves (inference/feedback/actions.py).
        "feedback": [{"movement": movement, "spans": data.get("spans", []),
                      "findings": stored_findings(data.get("findings", [])),
                      "passed": len(data.get("passed", [])),
                      "skipped": [{**x, "name": rule_name(str(x.get("rule", "")))} for x in data.get("skipped", [])]}
                     for movement, data in (actions.get("feedback") or {}).items()],
    }
