from __future__ import annotations

from django import forms

from coaching.athletes.models import Athlete, Team


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name"]


class AthleteForm(forms.ModelForm):
    class Meta:
        model = Athlete
        fields = ["name", "date_of_birth", "discipline", "dominant_side", "height_cm", "notes"]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"height_cm": "Height (cm)"}

    def clean_height_cm(self) -> object:
        height = self.cleaned_data.get("height_cm")
        if height is not None and not 50 <= height <= 250:
            raise forms.ValidationError("Enter a height between 50 and 250 cm.")
        return height


class AthleteLoginForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput, min_length=8,
                               help_text="At least 8 characters; give it to the athlete.")

    def clean_password(self) -> str:
        from django.contrib.auth.password_validation import validate_password

        password: str = self.cleaned_data["password"]
        validate_password(password)
        return password
