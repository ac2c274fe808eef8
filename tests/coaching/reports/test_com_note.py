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


def test_a_span_stored_to_the_millisecond_still_holds_its_last_frame() -> None:
    # camera_moved_spans rounds its ends to 1 ms: a clip whose last frame is at 1.7633 s was
    # stored as moving until 1.763, and the report drew that one frame as a lone dot on the chart
    # (football_sprint_slowmo.mp4, seen in Chromium). The span holds it; the chart is a sentence.
    kin = squat_kinematics(depth=60)
    kin.timestamps[:] = kin.timestamps + 0.0001  # frame times off the millisecond grid
    whole = (round(float(kin.timestamps[0]), 3), round(float(kin.timestamps[-1]), 3))  # as stored
    assert whole[1] < kin.timestamps[-1] - 0.0003  # the last frame lies beyond the stored end
    figure = com_figure(kin, [whole])
    assert figure["data"] == [] and figure["note"] == com_missing_note(True)
