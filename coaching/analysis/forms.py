from __future__ import annotations

from django import forms

from coaching.analysis.models import TrackEditOperation
from coaching.requestdata import MAX_ID


class TrackEditForm(forms.Form):
    """A coach's repair of the tracks: which edit, which people, when (a split). Whether those
    people exist and the edit makes sense is the service's check (coaching.analysis.tracks)."""

    operation = forms.ChoiceField(choices=TrackEditOperation.choices)
    track = forms.IntegerField(required=False, min_value=0, max_value=MAX_ID)
    other = forms.IntegerField(required=False, min_value=0, max_value=MAX_ID)
    at = forms.FloatField(required=False, min_value=0.0)  # Django refuses NaN and infinities

    def error_text(self) -> str:
        """One sentence for the page: the first problem of each field, named."""
        names = {"operation": "edit", "track": "person", "other": "second person", "at": "time"}
        return " ".join(f"The {names.get(field, field)}: {errors[0]}" for field, errors in self.errors.items())
