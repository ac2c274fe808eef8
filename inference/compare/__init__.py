"""Comparing performances: DTW alignment of angle features (:mod:`.dtw`), the time map that
syncs two videos (:mod:`.warp`), comparable segments (:mod:`.segments`), per-phase differences
in words (:mod:`.differences`), same-size skeletons (:mod:`.pose_norm`), the metrics stored per
analysis (:mod:`.metrics`) and the whole comparison (:mod:`.align`). NumPy only."""
