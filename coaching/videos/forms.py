from __future__ import annotations

from django import forms


class VideoUploadForm(forms.Form):
    file = forms.FileField()
    title = forms.CharField(max_length=200, required=False)
    recorded_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
