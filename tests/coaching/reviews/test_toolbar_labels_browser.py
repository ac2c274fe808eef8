"""The drawing toolbar's options: each label sits above its field, and with the default gap the
two labels read as one, "Colour Text" (seen on every report and video page). They stand apart."""

from __future__ import annotations

import pytest

from tests.support import signed_in_page, wait_js

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Clearly more than a word space at the page's font size (16 px): the labels read as two.
MIN_GAP_PX = 20


def test_colour_and_text_labels_stand_apart(browser, live_server, world) -> None:
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/videos/{world.video.pk}/")
    wait_js(page, "() => !document.getElementById('review-tools').hidden")
    colour = page.locator("#review-tools .tool-options label").nth(0).bounding_box()
    text = page.locator("#review-tools .tool-options label").nth(1).bounding_box()
    assert abs(colour["y"] - text["y"]) < 5  # one row, side by side
    assert text["x"] - (colour["x"] + colour["width"]) >= MIN_GAP_PX
    assert not page.errors
