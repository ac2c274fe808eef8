"""The athlete rule's close calls (inference.tracking.athlete.close_call), which the video page
asks the coach to check."""

from __future__ import annotations

from inference.tracking.athlete import CLOSE_CALL, close_call


def test_a_runner_up_within_the_close_call_share_is_named() -> None:
    assert close_call({1: 32.1, 0: 32.0}, 1) == 0
    assert close_call({1: 100.0, 4: 100.0 * CLOSE_CALL, 7: 10.0}, 1) == 4


def test_a_clear_choice_is_not_a_close_call() -> None:
    assert close_call({1: 66.1, 0: 36.3, 26: 10.6}, 1) is None
    assert close_call({1: 100.0, 4: 100.0 * CLOSE_CALL - 0.01}, 1) is None


def test_nothing_to_check_without_a_rival_or_an_athlete() -> None:
    assert close_call({5: 3.0}, 5) is None
    assert close_call({5: 3.0, 6: 3.0}, None) is None
    assert close_call({}, 2) is None


def test_the_best_runner_up_is_named_and_ties_go_to_the_lower_id() -> None:
    assert close_call({1: 10.0, 8: 9.0, 3: 9.5}, 1) == 3
    assert close_call({1: 10.0, 8: 9.0, 3: 9.0}, 1) == 3
