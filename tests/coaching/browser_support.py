"""What the browser tests read off the page in real Chromium, defined once."""

from __future__ import annotations

# The frame on screen, as the <video id="player"> shows it: the left edge (source pixels) of the
# bright square that tests.support.write_clip and the review-player clips draw on row 28, or -1
# when no pixel of that row is bright (red above 128).
SHOWN_SQUARE_X = """() => { const v = document.getElementById('player');
    const c = document.createElement('canvas'); c.width = v.videoWidth; c.height = v.videoHeight;
    const g = c.getContext('2d'); g.drawImage(v, 0, 0);
    const row = g.getImageData(0, 28, c.width, 1).data;
    for (let x = 0; x < c.width; x++) if (row[4 * x] > 128) return x; return -1; }"""


def shown_square_x(page) -> int:  # noqa: ANN001 - a Playwright page
    """Where the frame on screen has its bright square (source pixels), -1 if none."""
    return int(page.evaluate(SHOWN_SQUARE_X))
