"""Reads for the report page: the stored results of a DONE analysis, turned into figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet

from coaching.analysis.models import Analysis, Status
from coaching.analysis.selectors import analysis_list_visible
from coaching.athletes.selectors import User
from coaching.reports.figures import (
    CAMERA_MOVED_NOTE,
    JOINTS,
    RANGE_OF_MOTION_NOTE,
    kpi_parts,
    report_figures,
    silhouette_figure,
    summary_rows,
)
from coaching.reports.models import Render, RenderKind
from coaching.storage import read_stored
from inference.feedback.engine import Finding, stored_findings
from inference.feedback.rule_ids import RETIRED_RULE_IDS
from inference.feedback.rules import rules_for
from inference.kinematics.core import Kinematics
from inference.kinematics.events import is_uncertain, swing_seen
from inference.movements import Movement


@dataclass(frozen=True)
class Report:
    analysis: Analysis
    reason: str = ""  # why there is nothing to chart (no athlete, still running...)
    figures: dict[str, Any] = field(default_factory=dict)
    joints: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # majors first
    skipped: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    summary: list[tuple[str, str]] = field(default_factory=list)
    movement: Movement = Movement.GENERAL
    scale_reason: str = ""
    # How many technique rules judge the movement: none for some (general, dance), where "0 to
    # work on" would read as a clean bill.
    technique_checks: int = 0
    # Where the camera moved ([start, end] seconds; inference.kinematics.camera): positions and
    # travel there follow the picture, not the ground.
    camera_moved: list[tuple[float, float]] = field(default_factory=list)

    @property
    def camera_note(self) -> str:
        return CAMERA_MOVED_NOTE if self.camera_moved else ""

    @property
    def uncertain_events(self) -> int:
        """How many of the events are uncertain (each marked ``uncertain`` by :func:`report_get`)."""
        return sum(1 for e in self.events if e.get("uncertain"))

    @property
    def kpis(self) -> list[tuple[str, str, str]]:
        """The first six summary rows as key-number tiles: (label, value, qualifier) (:func:`kpi_parts`)."""
        return [(label, *kpi_parts(value)) for label, value in self.summary[:6]]

    @property
    def rom_note(self) -> str:
        """What the ranges of motion among the summary mean, when there are any."""
        return RANGE_OF_MOTION_NOTE if any(label.startswith("Range of motion") for label, _ in self.summary) else ""

    @property
    def checks_applied(self) -> int:
        """The movement's rules that could be measured on this clip (the others are in skipped):
        with none applied, "0 to work on" would read as a clean bill too."""
        return max(0, self.technique_checks - len(self.skipped))


def rule_name(rule_id: str) -> str:
    """A rule's name for people, from its id (inference.feedback.rule_ids): "jump.landing_knee_flexion"
    is "Landing knee flexion" (the report already names the movement), "symmetry.knee" is
    "Left–right knee symmetry"."""
    family, _, rest = rule_id.partition(".")
    words = rest.replace("_", " ")
    if not words:
        return family.replace("_", " ").capitalize()
    return f"Left–right {words} symmetry" if family == "symmetry" else words.capitalize()


def kinematics_load(*, analysis: Analysis) -> Kinematics:
    return read_stored(analysis.kinematics, Kinematics.load)


def camera_moved(summary: dict[str, Any]) -> list[tuple[float, float]]:
    """The spans where the camera moved, from the run summary's kinematics section (none for runs
    stored before the camera was measured)."""
    camera = (summary.get("kinematics") or {}).get("camera") or {}
    return [(float(start), float(end)) for start, end in camera.get("moved") or []]


def _figures(analysis: Analysis, events: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures of a finished run never change until its files do (a new athlete pick stores a
    new kinematics file), so they are cached under the file's name."""
    key = f"report-figures:v4:{analysis.pk}:{analysis.kinematics.name}"
    figures = cache.get(key)
    if figures is None:
        figures = report_figures(kinematics_load(analysis=analysis), events, camera_moved(analysis.summary))
        cache.set(key, figures, timeout=24 * 3600)
    return figures


def report_get(*, analysis: Analysis) -> Report:
    if analysis.status != Status.DONE:
        return Report(analysis, reason="The analysis has not finished yet.")
    events = analysis.summary.get("events", {})
    feedback = analysis.summary.get("feedback", {})
    reason = events.get("reason") or feedback.get("reason") or ""
    if not analysis.kinematics:
        return Report(analysis, reason=reason or "This analysis was made before angles were "
                      "measured; re-run it to get the report.")
    figures = _figures(analysis, events.get("events", []))
    silhouette = silhouette_figure(analysis.summary.get("silhouette") or {}, figures.get("untracked"))
    if silhouette is not None:
        figures = {**figures, "silhouette": silhouette}
    findings = stored_findings(feedback.get("findings", []))
    return Report(
        analysis,
        figures=figures,
        joints=[j for j in JOINTS if j in figures["angles"]],
        findings=findings,
        skipped=[{**s, "name": rule_name(str(s.get("rule", "")))} for s in feedback.get("skipped", [])
                 if s.get("rule") not in RETIRED_RULE_IDS],
        events=[{**e, "uncertain": is_uncertain(e), "swing_cut": not swing_seen(e)} for e in events.get("events", [])],
        summary=summary_rows(events.get("summary", {}), feedback.get("ranges_of_motion", {}),
                             feedback.get("view"), events.get("events", []), events.get("movement")),
        movement=Movement.parse(events.get("movement")),
        scale_reason=(events.get("scale") or {}).get("reason") or "",
        # The movement the feedback judged (its own record; the events' for older runs).
        technique_checks=len(rules_for(Movement.parse(feedback.get("movement") or events.get("movement")))),
        camera_moved=camera_moved(analysis.summary),
    )


def render_latest(*, analysis: Analysis, kind: RenderKind) -> Render | None:
    """The newest video of ``kind`` made from this analysis (the report offers its download)."""
    return Render.objects.filter(analysis=analysis, kind=kind).order_by("-created_at").first()


def render_list_visible(*, user: User) -> QuerySet[Render]:
    """Renders of the analyses ``user`` may see; another team's render is simply not there."""
    return Render.objects.filter(analysis__in=analysis_list_visible(user=user))
