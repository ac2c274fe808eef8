"""Django's choices are derived from the inference vocabularies, never spelled again."""

from __future__ import annotations

from coaching.videos.forms import VideoUploadForm
from coaching.videos.models import MOVEMENT_CHOICES, Video
from inference.movements import DEFAULT_MOVEMENT, Movement


def test_movement_choices_of_the_model_and_the_form_are_the_enum() -> None:
    expected = [(m.value, m.label) for m in Movement]
    field = Video._meta.get_field("movement")
    assert MOVEMENT_CHOICES == expected and list(field.choices or []) == expected
    assert field.default == DEFAULT_MOVEMENT
    assert list(VideoUploadForm().fields["movement"].choices) == expected  # type: ignore[attr-defined]
