"""The capacity app's reads; import them from here."""

from di4c.capacity.selectors.groups import OTHER, merge_small_groups
from di4c.capacity.selectors.needs import (
    Comparison,
    Dashboard,
    at_target_series,
    comparable_rounds,
    compare_rounds,
    dashboard,
    latest_closed_round,
    training_needs,
)
from di4c.capacity.selectors.results import ALL, RoundResults, Stats, round_results, targets_of

__all__ = [
    "ALL",
    "OTHER",
    "Comparison",
    "Dashboard",
    "RoundResults",
    "Stats",
    "at_target_series",
    "comparable_rounds",
    "compare_rounds",
    "dashboard",
    "latest_closed_round",
    "merge_small_groups",
    "round_results",
    "targets_of",
    "training_needs",
]
