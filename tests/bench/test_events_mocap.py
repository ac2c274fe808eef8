"""bench/mocap_motion.py and bench/events_mocap.py: true contacts, steps and jumps from the DeepMimic
clips' 3D feet, and one view through the event detectors (skipped without the training data)."""

import numpy as np
import pytest

from inference.actions.data import data_dir

pytestmark = pytest.mark.skipif(not (data_dir() / "humanoid3d_walk.txt").is_file(), reason="DeepMimic clips not in the data cache")


def motion(name: str, seconds: float = 4.0):
    from bench.mocap_motion import load_motion

    return load_motion(data_dir(), name, seconds)


def test_the_walk_has_alternating_steps_and_no_flight():
    from bench.mocap_motion import motion_truth

    truth = motion_truth(motion("walk"))
    sides = [side for _, side in truth.steps]
    assert len(sides) >= 5 and all(a != b for a, b in zip(sides[:-1], sides[1:], strict=True))
    gaps = np.diff([t for t, _ in truth.steps])
    # one 39-frame cycle at 30 Hz (1.3 s) holds two steps
    assert np.mean(gaps) == pytest.approx(1.3 / 2, abs=0.02)
    assert truth.jumps == () and truth.flights == ()


def test_running_flights_are_not_jumps_and_the_jump_clip_has_one_jump_per_cycle():
    from bench.mocap_motion import motion_truth

    run = motion_truth(motion("run"))
    assert run.flights and run.jumps == ()
    jump = motion_truth(motion("jump"))
    # the feet are off the floor from about frame 49 to frame 75 of the 60 Hz clip (1.78 s cycle)
    assert len(jump.jumps) == 2 and all(b - a == pytest.approx(26 / 60, abs=0.03) for a, b in jump.jumps)
    assert jump.jumps[1][0] - jump.jumps[0][0] == pytest.approx(107 / 60, abs=0.02)
    assert jump.steps == ()  # the landings are two-footed


def test_a_side_view_of_the_walk_through_the_detectors_finds_its_steps():
    from bench.events_mocap import score_view
    from inference.actions.mocap import Camera

    camera = Camera(azimuth=90.0, elevation=5.0, distance=6.0, focal=1400.0, size=(1920, 1080))
    tally = score_view(motion("walk"), camera, 30.0, np.random.default_rng(0))["static"]
    found, missed, false = tally.steps
    assert found >= 3 and missed <= 1 and false <= 1
    # The same view filmed by a phone turning to follow the walker: read in the picture the planted
    # feet slide with the background; against the true homography at the feet the steps come back.
    panned = score_view(motion("walk"), camera, 30.0, np.random.default_rng(0), np.random.default_rng(1))
    assert panned["static"].steps == tally.steps
    assert panned["pan, homography"].steps[0] >= found - 1 and panned["pan, homography"].steps[2] <= 1
    assert panned["pan, picture"].steps[0] < panned["pan, homography"].steps[0]


def test_a_walk_cut_mid_stride_is_judged_from_its_first_frame():
    """--cut: the view also cut to begin mid-motion and judged from its first frame; the first
    touch-down after the cut, whose swing began before it, is found too."""
    from bench.events_mocap import EDGE_S, score_view
    from inference.actions.mocap import Camera

    camera = Camera(azimuth=90.0, elevation=5.0, distance=6.0, focal=1400.0, size=(1920, 1080))
    views = score_view(motion("walk"), camera, 30.0, np.random.default_rng(0), cut_rng=np.random.default_rng(2))
    found, missed, false = views["cut start"].steps
    assert missed == 0 and false <= 1 and found >= 3, views["cut start"].steps
    assert views["static"].steps == score_view(motion("walk"), camera, 30.0, np.random.default_rng(0))["static"].steps
    assert EDGE_S > 0  # the uncut view leaves its ends unjudged; the cut one only its end


def test_a_forward_jump_seen_end_on_is_found():
    """Seen from in front at hip height, both feet look still at the top of the flight (fails
    before inference/kinematics/apex.py: the flight split into two short swings, no jump)."""
    from bench.events_mocap import score_view
    from inference.actions.mocap import Camera

    for azimuth in (0.0, 180.0):
        tally = score_view(motion("jump"), Camera(azimuth, 0.0, 6.0, 1500.0, (1080, 1920)), 30.0,
                           np.random.default_rng(0))["static"]
        assert tally.jumps == [2, 0, 0]
