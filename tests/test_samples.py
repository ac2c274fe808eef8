"""The sample clip of README's "Try it" ships in the repository with its licence and source."""

from __future__ import annotations

import re

from inference.video import probe
from tests.support import ROOT

SAMPLE = ROOT / "samples" / "indoor_two_people_1080p.mp4"


def test_sample_clip_is_small_real_video_with_its_licence() -> None:
    assert SAMPLE.exists()
    assert SAMPLE.stat().st_size < 3 * 1024 * 1024
    info = probe(SAMPLE)
    assert info.codec == "h264" and info.frame_count > 24
    readme = (ROOT / "samples" / "README.md").read_text()
    assert SAMPLE.name in readme and "Apache License 2.0" in readme and "open-mmlab/mmaction2" in readme
    assert "Apache License" in (ROOT / "samples" / "LICENSE-Apache-2.0.txt").read_text()


def test_try_it_and_make_run_point_at_the_sample() -> None:
    readme = (ROOT / "README.md").read_text()
    try_it = readme[readme.index("Try it:"):readme.index("Other targets")]
    assert "samples/indoor_two_people_1080p.mp4" in try_it and "../shared" not in try_it
    makefile = (ROOT / "Makefile").read_text()
    run = re.search(r"^run:.*?(?=^\S)", makefile, re.S | re.M)
    assert run is not None and "samples/indoor_two_people_1080p.mp4" in run.group(0)
