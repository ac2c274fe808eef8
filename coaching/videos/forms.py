from __future__ import annotations

from django import forms

from coaching.videos.models import MOVEMENT_CHOICES
from inference.pipeline.config import CAPTURE_FPS_RANGE
from inference.pose.registry import BACKENDS

BACKEND_CHOICES = [(spec.name, spec.label) for spec in BACKENDS.values()]


def capture_fps_field() -> forms.FloatField:
    low, high = CAPTURE_FPS_RANGE
    return forms.FloatField(
        required=False, min_value=low, max_value=high, label="Capture rate (fps)",
        help_text="Only for slow motion saved at playback speed (e.g. filmed at 240 fps, stored at 60): "
                  "the rate the camera filmed at. Times, speeds, flight times and cadence use it.",
        error_messages={"invalid": "Enter the capture rate as a number of frames per second, e.g. 240.",
                        "min_value": f"The capture rate must be at least {low:g} fps.",
                        "max_value": f"The capture rate must be at most {high:g} fps."},
        widget=forms.NumberInput(attrs={"step": "any", "placeholder": "the file's own rate", "inputmode": "decimal"}),
    )  # fmt: skip


class VideoUploadForm(forms.Form):
    file = forms.FileField()
    title = forms.CharField(max_length=200, required=False)
    recorded_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    backend = forms.ChoiceField(choices=BACKEND_CHOICES, required=False, label="Pose engine")
    movement = forms.ChoiceField(choices=MOVEMENT_CHOICES, required=False, label="Movement",
                                 help_text="Sets which events and technique rules apply.")
    capture_fps = capture_fps_field()


class CaptureRateForm(forms.Form):
    capture_fps = capture_fps_field()


class RerunForm(forms.Form):
    backend = forms.ChoiceField(choices=BACKEND_CHOICES, required=False)
