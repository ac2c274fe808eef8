"""Building an analysis' exports (OpenSim .trc/.mot, OpenPose JSON) from its stored results: the
service the export view calls. The file formats themselves are :mod:`inference.exports`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from coaching.analysis.downloads import download_name
from coaching.analysis.models import Analysis, Status
from coaching.reports.selectors import kinematics_load
from coaching.storage import read_stored
from inference.exports import openpose_zip, to_mot, to_trc
from inference.posedata import PoseSequence

EXPORTS = {  # format: (file suffix, content type)
    "trc": (".trc", "text/plain; charset=utf-8"),
    "mot": (".mot", "text/plain; charset=utf-8"),
    "openpose": (".zip", "application/zip"),
}
# What each export holds, in its file name (after the athlete, video and day).
EXPORT_WHAT = {"trc": "markers", "mot": "angles", "openpose": "openpose-json"}


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...) in an
# athlete's name). Plain numbers such as -1.5 stay numbers.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def csv_safe_row(row: Iterable[object]) -> list[object]:
    """The one guard of every CSV export: text cells that a spreadsheet would read as a formula
    get a leading apostrophe (OWASP's advice), so they show as text and never run."""
    return [_csv_safe(cell) for cell in row]


def _csv_safe(cell: object) -> object:
    if isinstance(cell, str) and cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


class ExportUnavailable(Exception):
    """This analysis has no such export; the message says why (shown with the 404)."""


@dataclass(frozen=True)
class ExportFile:
    body: bytes | str
    filename: str
    content_type: str


def analysis_export_build(*, analysis: Analysis, fmt: str) -> ExportFile:
    """The ``fmt`` export of a finished analysis, named after its athlete, video and day
    (coaching.analysis.downloads: ``maria-squats-2026-11-30-opensim.mot``)."""
    if fmt not in EXPORTS or analysis.status != Status.DONE:
        raise ExportUnavailable("No such export.")
    suffix, content_type = EXPORTS[fmt]
    stem = download_name(analysis, EXPORT_WHAT[fmt], "")
    body: bytes | str
    if fmt == "openpose":
        if not analysis.poses:
            raise ExportUnavailable("This analysis has no poses.")
        body = openpose_zip(read_stored(analysis.poses, PoseSequence.load), stem=stem)
    else:
        if not analysis.kinematics:
            raise ExportUnavailable("This analysis has no angles; re-run it.")
        kin = kinematics_load(analysis=analysis)
        body = to_trc(kin, name=stem + suffix) if fmt == "trc" else to_mot(kin, name=stem)
    return ExportFile(body, stem + suffix, content_type)
