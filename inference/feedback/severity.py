"""How serious a technique finding is: the one definition of that vocabulary.

The engine (:mod:`.engine`) assigns it, result files and the database store its value, the report
sorts by :attr:`Severity.rank` and styles each finding with the CSS class named by its value
(``.finding.major``, ``.finding.warning`` in static/css/app.css). An earlier untyped contract had
the engine say "major" while the page styled "high", so majors were never shown in red.
"""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """A rule fires as a WARNING past its threshold and as MAJOR past its stricter limit."""

    MAJOR = "major"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        """Sort key: the most serious first."""
        return _ORDER.index(self)

    @property
    def label(self) -> str:
        return self.value.capitalize()


# Declaration order is the seriousness order; kept as a tuple so rank needs no branch per member.
_ORDER: tuple[Severity, ...] = tuple(Severity)
