"""Scoring rules, by hand-computed examples and by properties over any answers."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from di4c.maturity.scoring import minimum, weighted_mean, yes_share

levels = st.integers(min_value=0, max_value=4)
weights = st.decimals(min_value="0.1", max_value="10", places=2)
answers = st.lists(st.tuples(levels, weights), min_size=1, max_size=40)


def test_weighted_mean_by_hand():
    # (4*2 + 2*1 + 0*1) / 4 = 2.5 of 4 -> 62.5
    assert weighted_mean([(4, 2), (2, 1), (0, 1)], 4) == Decimal("62.50")


def test_minimum_by_hand():
    assert minimum([(4, 1), (1, 3), (3, 1)], 4) == Decimal("25.00")


def test_yes_share_by_hand():
    assert yes_share([(1, 1), (0, 1), (1, 1), (1, 1)], 1) == Decimal("75.00")


def test_no_answers_give_no_score():
    assert weighted_mean([], 4) is None
    assert minimum([], 4) is None
    assert yes_share([], 1) is None


@given(answers)
def test_weighted_mean_stays_within_0_and_100(pairs):
    score = weighted_mean(pairs, 4)
    assert Decimal(0) <= score <= Decimal(100)
    assert min(level for level, _ in pairs) * 25 - Decimal("0.01") <= score
    assert score <= max(level for level, _ in pairs) * 25 + Decimal("0.01")


@given(answers)
def test_minimum_never_exceeds_any_answer(pairs):
    score = minimum(pairs, 4)
    assert all(score <= level * 25 for level, _ in pairs)


@given(st.lists(st.tuples(st.integers(0, 1), weights), min_size=1, max_size=40))
def test_yes_share_is_the_percentage_of_yes(pairs):
    yes = sum(1 for level, _ in pairs if level == 1)
    assert abs(yes_share(pairs, 1) - Decimal(100 * yes) / len(pairs)) < Decimal("0.01")
