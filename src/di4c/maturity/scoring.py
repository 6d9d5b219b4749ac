"""Pluggable scoring rules: how the answers of an assessment become scores from 0 to 100.

A rule receives (level, weight) pairs of answered indicators and the top of the scale and
returns a score in [0, 100], or None when nothing is answered. New rules register themselves
in RULES; a framework file names its rule.
"""

from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal

Rule = Callable[[Iterable[tuple[int, Decimal]], int], Decimal | None]
RULES: dict[str, Rule] = {}
HUNDRED = Decimal(100)


def rule(name: str):
    def register(function: Rule) -> Rule:
        RULES[name] = function
        return function

    return register


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@rule("weighted_mean")
def weighted_mean(answers, scale_max: int) -> Decimal | None:
    """Mean of the levels weighted by the indicators' weights, scaled to 0-100 (AOC style)."""
    answers = [(Decimal(level), Decimal(weight)) for level, weight in answers]
    total_weight = sum((weight for _level, weight in answers), Decimal(0))
    if not answers or total_weight == 0:
        return None
    mean = sum((level * weight for level, weight in answers), Decimal(0)) / total_weight
    return _rounded(mean * HUNDRED / scale_max)


@rule("minimum")
def minimum(answers, scale_max: int) -> Decimal | None:
    """The weakest criterion sets the score (the German OZG model)."""
    levels = [Decimal(level) for level, _weight in answers]
    if not levels:
        return None
    return _rounded(min(levels) * HUNDRED / scale_max)


@rule("yes_share")
def yes_share(answers, scale_max: int) -> Decimal | None:
    """Share of yes answers in a yes/no checklist (UN LOSI style), in percent."""
    levels = [level for level, _weight in answers]
    if not levels:
        return None
    yes = sum(1 for level in levels if level >= scale_max)
    return _rounded(Decimal(yes) * HUNDRED / len(levels))


def score(rule_name: str, answers, scale_max: int) -> Decimal | None:
    return RULES[rule_name](answers, scale_max)


def overall(
    rule_name: str,
    dimension_scores: list[tuple[Decimal, Decimal]],
    answers: list[tuple[int, Decimal]],
    scale_max: int,
) -> Decimal | None:
    """The assessment's overall score.

    weighted_mean: the mean of the dimension scores weighted by the dimensions' weights (a
    dimension counts by its weight, not by how many indicators it has); minimum: the weakest
    answer; yes_share: the share of yes over all checks.
    """
    if rule_name == "weighted_mean":
        scored = [(s, Decimal(w)) for s, w in dimension_scores if s is not None]
        total = sum((w for _s, w in scored), Decimal(0))
        if not scored or total == 0:
            return None
        return _rounded(sum((s * w for s, w in scored), Decimal(0)) / total)
    return score(rule_name, answers, scale_max)
