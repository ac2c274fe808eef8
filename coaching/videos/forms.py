from __future__ import annotations

from django import forms

from coaching.videos.models import MOVEMENT_CHOICES
from inference.pose.registry import BACKENDS

BACKEND_CHOICES = [(spec.name, spec.label) for spec in BACKENDS.values()]


class VideoUploadForm(forms.Form):
    file = forms.FileField()
    title = forms.CharField(max_length=200, required=False)
    recorded_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    backend = forms.ChoiceField(choices=BACKEND_CHOICES, required=False, label="Pose engine")
    movement = forms.ChoiceField(choices=MOVEMENT_CHOICES, required=False, label="Movement",
                                 help_text="Sets which events and technique rules apply.")


class RerunForm(forms.Form):
    backend = forms.ChoiceField(choices=BACKEND_CHOICES, required=False)
