from __future__ import annotations

import pytest
from lhotse.supervision import AlignmentItem

from voxtune.evaluate.errors import UnscorableError
from voxtune.evaluate.metrics.duration import TimedToken, duration_mae


def test_known_mae_in_milliseconds():
    ref = [("h", 0.00, 0.10), ("e", 0.10, 0.25), ("i", 0.25, 0.40)]
    test = [TimedToken("h", 0.0, 0.14), TimedToken("e", 0.14, 0.24), TimedToken("i", 0.24, 0.44)]
    result = duration_mae(ref, test)
    # durations: 100/150/150 ms vs 140/100/200 ms -> errors +40, -50, +50
    assert result.errors_ms == pytest.approx((40.0, -50.0, 50.0))
    assert result.mae_ms == pytest.approx(140 / 3)
    assert result.max_abs_error_ms == pytest.approx(50.0)
    assert result.tokens == 3


def test_lhotse_alignment_items_are_accepted():
    ref = [AlignmentItem("hello", 0.0, 0.5), AlignmentItem("world", 0.5, 0.4)]
    test = [AlignmentItem("hello", 0.1, 0.45), AlignmentItem("world", 0.55, 0.4)]
    assert duration_mae(ref, test).mae_ms == pytest.approx(25.0)


@pytest.mark.parametrize(
    ("ref", "test", "code", "text"),
    [
        ([("a", 0, 1), ("b", 1, 2)], [("a", 0, 1), ("c", 1, 2)], "token_mismatch", "token 1"),
        ([("a", 0, 1)], [("a", 0, 1), ("b", 1, 2)], "token_mismatch", "'<end>'"),
        ([("a", 0.5, 0.2)], [("a", 0, 1)], "negative_duration", "reference token 'a'"),
        ([], [], "empty_alignment", "empty"),
    ],
)
def test_unscorable_alignments(ref, test, code, text):
    with pytest.raises(UnscorableError) as info:
        duration_mae(ref, test)
    assert info.value.code == code
    assert text in info.value.reason
