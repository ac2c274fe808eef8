"""The keypoint sets, their limbs, mappings and mirror maps."""

import numpy as np
import pytest

from inference import skeleton as sk


@pytest.mark.parametrize("name,count", [("blazepose33", 33), ("coco18", 18), ("body25", 25)])
def test_sets_have_expected_sizes_and_unique_names(name, count):
    s = sk.get_skeleton(name)
    assert s.num_keypoints == count
    assert len(set(s.keypoints)) == count


def test_known_orders():
    assert sk.BLAZEPOSE33.keypoints[11:13] == ("left_shoulder", "right_shoulder")
    assert sk.BLAZEPOSE33.keypoints[31:] == ("left_foot_index", "right_foot_index")
    assert sk.COCO18.keypoints[:5] == ("Nose", "Neck", "RShoulder", "RElbow", "RWrist")
    assert sk.COCO18.keypoints[14:] == ("REye", "LEye", "REar", "LEar")
    assert sk.BODY25.index("MidHip") == 8
    assert sk.BODY25.keypoints[19:] == (
        "LBigToe", "LSmallToe", "LHeel", "RBigToe", "RSmallToe", "RHeel"
    )


def test_unknown_skeleton_names_the_known_ones():
    with pytest.raises(KeyError, match="coco18"):
        sk.get_skeleton("halpe26")


def test_paf_limbs_and_channels():
    assert len(sk.COCO18_PAF_LIMBS) == 19
    assert len(sk.COCO18_PAF_CHANNELS) == 19
    channels = [c for pair in sk.COCO18_PAF_CHANNELS for c in pair]
    assert sorted(channels) == list(range(38))
    # Every part is reachable from the neck through the PAF tree (first 17 limbs form a tree).
    reached = {1}
    for a, b in sk.COCO18_PAF_LIMBS[:17]:
        assert a in reached
        reached.add(b)
    assert reached == set(range(18))


@pytest.mark.parametrize("name", ["blazepose33", "coco18", "body25"])
def test_mirror_is_an_involution_that_swaps_sides(name):
    s = sk.get_skeleton(name)
    m = s.mirror
    for k, j in enumerate(m):
        assert m[j] == k
        side_k, side_j = sk.side_of(s.keypoints[k]), sk.side_of(s.keypoints[j])
        if side_k is None:
            assert j == k
        else:
            assert {side_k, side_j} == {"left", "right"}


def test_mirror_examples():
    assert sk.mirror_name("mouth_left") == "mouth_right"
    assert sk.mirror_name("left_foot_index") == "right_foot_index"
    assert sk.mirror_name("LBigToe") == "RBigToe"
    assert sk.mirror_name("Neck") == "Neck"
    assert sk.mirror_name("MidHip") == "MidHip"


@pytest.mark.parametrize("name", ["blazepose33", "coco18", "body25"])
def test_limbs_are_valid_and_mirror_symmetric(name):
    s = sk.get_skeleton(name)
    limbs = {frozenset(p) for p in s.limbs}
    for a, b in s.limbs:
        assert 0 <= a < s.num_keypoints and 0 <= b < s.num_keypoints and a != b
        assert frozenset((s.mirror[a], s.mirror[b])) in limbs


def _blazepose_example():
    rng = np.random.default_rng(0)
    kp = np.zeros((33, 3), np.float32)
    kp[:, :2] = rng.uniform(0, 500, (33, 2))
    kp[:, 2] = rng.uniform(0.5, 1.0, 33)
    return kp


def test_blazepose_to_body25_midpoints_and_feet():
    bp = _blazepose_example()
    b25 = sk.convert(bp, "blazepose33", "body25")
    ls, rs = bp[11], bp[12]
    neck = b25[sk.BODY25.index("Neck")]
    np.testing.assert_allclose(neck[:2], (ls[:2] + rs[:2]) / 2, rtol=1e-6)
    assert neck[2] == pytest.approx(min(ls[2], rs[2]))
    np.testing.assert_allclose(b25[sk.BODY25.index("MidHip"), :2], (bp[23, :2] + bp[24, :2]) / 2)
    np.testing.assert_array_equal(b25[sk.BODY25.index("LBigToe")], bp[31])
    np.testing.assert_array_equal(b25[sk.BODY25.index("RHeel")], bp[30])
    np.testing.assert_array_equal(b25[sk.BODY25.index("RWrist")], bp[16])
    small = b25[sk.BODY25.index("LSmallToe")]
    assert np.isnan(small[:2]).all() and small[2] == 0


def test_mappings_compose():
    bp = _blazepose_example()[None, None]  # (T=1, P=1, K, 3)
    direct = sk.convert(bp, "blazepose33", "coco18")
    via = sk.convert(sk.convert(bp, "blazepose33", "body25"), "body25", "coco18")
    np.testing.assert_array_equal(direct, via)
    assert direct.shape == (1, 1, 18, 3)
    back = sk.convert(sk.convert(direct, "coco18", "body25"), "body25", "coco18")
    np.testing.assert_array_equal(back, direct)


def test_unknown_mapping():
    with pytest.raises(KeyError, match="no mapping"):
        sk.convert(np.zeros((18, 3)), "coco18", "blazepose33")


def test_flip_horizontal_twice_is_identity_and_swaps_sides():
    bp = _blazepose_example()
    flipped = sk.flip_horizontal(bp, "blazepose33", 640)
    assert flipped[11, 0] == pytest.approx(639 - bp[12, 0])
    np.testing.assert_allclose(sk.flip_horizontal(flipped, "blazepose33", 640), bp, atol=1e-3)
