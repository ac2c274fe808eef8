"""A centre of mass chart with no point on it (the camera moved wherever the athlete was tracked,
as on basketball_pan_240p.mp4) is a sentence, not empty axes; a path with points stays a chart."""

from __future__ import annotations

from coaching.reports.figures import com_figure, com_missing_note
from tests.support import squat_kinematics


def test_a_path_left_out_everywhere_is_a_sentence() -> None:
    kin = squat_kinematics(depth=60)
    whole = (float(kin.timestamps[0]), float(kin.timestamps[-1]))
    figure = com_figure(kin, [whole])
    assert figure["data"] == [] and figure["note"] == com_missing_note(True)
    assert "camera moved" in figure["note"]
    partly = com_figure(kin, [(whole[0], whole[1] / 2)])
    assert "note" not in partly and partly["data"][0]["x"]
