"""Input of the progress and dashboard filters and of the reference form."""

from __future__ import annotations

from django import forms


class ProgressFilter(forms.Form):
    action = forms.CharField(required=False, max_length=40)
    date_from = forms.DateField(required=False, label="From")
    date_to = forms.DateField(required=False, label="To")


class ReferenceForm(forms.Form):
    segment = forms.IntegerField(min_value=0)


class ReferenceClearForm(forms.Form):
    """Which action's reference to remove (a form, so NUL and overlong values are refused)."""

    action = forms.CharField(max_length=40)
