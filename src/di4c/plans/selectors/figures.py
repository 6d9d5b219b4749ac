"""What is computed from a plan read whole (see tree.py): progress roll-up, budget, timeline,
risk matrix, indicator trends, staleness. The sums by funding source come from the database."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from di4c.plans.models import (
    Action,
    ActionStatus,
    Funding,
    FundingKind,
    FundingStatus,
    Measurement,
    Plan,
    PlanStatus,
    ResultIndicator,
    Weighting,
)
from di4c.plans.selectors.tree import PlanTree

LIVE_PLAN = (PlanStatus.ADOPTED, PlanStatus.IMPLEMENTING)
FINISHED = (ActionStatus.DONE, ActionStatus.CANCELLED)
HUNDRED = Decimal(100)


def one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


# --- progress roll-up --------------------------------------------------------------------------


def action_weight(action: Action, weighting: str) -> Decimal:
    if weighting == Weighting.WEIGHT:
        return Decimal(action.weight)
    if weighting == Weighting.EQUAL:
        return Decimal(1)
    return Decimal(action.estimated_cost)


def effective_weighting(actions: list[Action], weighting: str) -> str:
    """`auto` rolls up by cost, unless weights are set: as soon as an action of the plan has
    a weight other than the default 1, the weights decide."""
    if weighting != Weighting.AUTO:
        return weighting
    if any(Decimal(a.weight) != 1 for a in actions):
        return Weighting.WEIGHT
    return Weighting.COST


def rolled_up_progress(
    actions: list[Action], weighting: str, plan_actions: list[Action] | None = None
) -> Decimal | None:
    """Weighted mean of the actions' progress (cancelled actions left out). With the cost
    weighting, actions with no cost yet count equally when none has a cost. `plan_actions`
    (all of the plan's) decide what `auto` means, so that every objective weighs alike."""
    counted = [a for a in actions if a.status != ActionStatus.CANCELLED]
    if not counted:
        return None
    weighting = effective_weighting(
        plan_actions if plan_actions is not None else actions, weighting
    )
    weights = [action_weight(a, weighting) for a in counted]
    total = sum(weights, Decimal(0))
    if total == 0:
        weights = [Decimal(1)] * len(counted)
        total = Decimal(len(counted))
    value = sum((w * a.progress for w, a in zip(weights, counted, strict=True)), Decimal(0))
    return one_decimal(value / total)


@dataclass
class Rollup:
    plan: Decimal | None
    objectives: dict[int, Decimal | None]
    status_counts: dict[str, int]


def rollup(tree: PlanTree) -> Rollup:
    weighting = tree.plan.weighting
    objectives = {
        objective.pk: rolled_up_progress(tree.actions_under(objective), weighting, tree.actions)
        for objective in tree.all_objectives()
    }
    counts = {status: 0 for status in ActionStatus.values}
    for action in tree.actions:
        counts[action.status] += 1
    return Rollup(
        plan=rolled_up_progress(tree.actions, weighting),
        objectives=objectives,
        status_counts=counts,
    )


# --- budget ------------------------------------------------------------------------------------


def secured_of(action: Action) -> Decimal:
    return sum(
        (f.amount for f in action.fundings.all() if f.status == FundingStatus.SECURED), Decimal(0)
    )


@dataclass
class Budget:
    total_cost: Decimal
    secured: Decimal
    applied: Decimal
    planned: Decimal
    by_kind: list[dict]
    by_year: list[dict]
    unsecured_actions: list[Action]

    @property
    def secured_share(self) -> Decimal | None:
        return one_decimal(self.secured * HUNDRED / self.total_cost) if self.total_cost else None

    @property
    def unfunded_gap(self) -> Decimal:
        """What is not secured yet: the money still to find or to win."""
        return self.total_cost - self.secured

    @property
    def without_source(self) -> Decimal:
        return self.total_cost - self.secured - self.applied - self.planned


def budget(tree: PlanTree) -> Budget:
    plan = tree.plan
    live = [a for a in tree.actions if a.status != ActionStatus.CANCELLED]
    sums = (
        Funding.objects.filter(action__plan=plan)
        .exclude(action__status=ActionStatus.CANCELLED)
        .values("kind", "status")
        .annotate(total=Sum("amount"))
    )
    kinds: dict[str, dict] = {}
    totals = {status: Decimal(0) for status in FundingStatus.values}
    for row in sums:
        entry = kinds.setdefault(
            row["kind"],
            {
                "kind": row["kind"],
                "label": FundingKind(row["kind"]).label,
                **{status: Decimal(0) for status in FundingStatus.values},
            },
        )
        entry[row["status"]] += row["total"]
        totals[row["status"]] += row["total"]
    by_kind = []
    for kind in FundingKind.values:
        if kind in kinds:
            entry = kinds[kind]
            entry["total"] = sum((entry[s] for s in FundingStatus.values), Decimal(0))
            by_kind.append(entry)
    years: dict[int, dict] = {}
    for action in live:
        months = action.months()
        if not months:
            continue
        secured = secured_of(action)
        for month in months:
            entry = years.setdefault(
                month.year, {"year": month.year, "cost": Decimal(0), "secured": Decimal(0)}
            )
            entry["cost"] += Decimal(action.estimated_cost) / len(months)
            entry["secured"] += secured / len(months)
    by_year = []
    for year in sorted(years):
        entry = years[year]
        entry["cost"] = entry["cost"].quantize(Decimal("1"), ROUND_HALF_UP)
        entry["secured"] = entry["secured"].quantize(Decimal("1"), ROUND_HALF_UP)
        entry["gap"] = entry["cost"] - entry["secured"]
        by_year.append(entry)
    return Budget(
        total_cost=sum((Decimal(a.estimated_cost) for a in live), Decimal(0)),
        secured=totals[FundingStatus.SECURED],
        applied=totals[FundingStatus.APPLIED],
        planned=totals[FundingStatus.PLANNED],
        by_kind=by_kind,
        by_year=by_year,
        unsecured_actions=[a for a in live if a.estimated_cost > 0 and secured_of(a) == 0],
    )


# --- timeline ----------------------------------------------------------------------------------


def _month_index(value: dt.date) -> int:
    return value.year * 12 + value.month - 1


def timeline(tree: PlanTree, today: dt.date | None = None) -> dict | None:
    """Bars of the actions by objective, as percentages of the plan's span, with today's line."""
    today = today or timezone.localdate()
    dated = [a for a in tree.actions if a.starts_on]
    if not dated:
        return None
    first = min(_month_index(a.starts_on) for a in dated)
    last = max(_month_index(a.ends_on or a.starts_on) for a in dated)
    span = last - first + 1

    def pct(index: float) -> float:
        return round(100 * (index - first) / span, 3)

    rows = []
    for objective in tree.all_objectives():
        bars = []
        for action in tree.by_objective.get(objective.pk, []):
            if not action.starts_on:
                continue
            start = _month_index(action.starts_on)
            end = _month_index(action.ends_on or action.starts_on) + 1
            bars.append(
                {
                    "action": action,
                    "left": pct(start),
                    "width": round(100 * (end - start) / span, 3),
                }
            )
        if bars:
            rows.append({"objective": objective, "bars": bars})
    years = []
    for year in range(first // 12, last // 12 + 1):
        start = max(first, year * 12)
        end = min(last + 1, (year + 1) * 12)
        years.append(
            {"year": year, "left": pct(start), "width": round(100 * (end - start) / span, 3)}
        )
    today_index = _month_index(today) + (today.day - 1) / 31
    return {
        "rows": rows,
        "years": years,
        "today": pct(today_index) if first <= today_index <= last + 1 else None,
        "undated": [a for a in tree.actions if not a.starts_on],
    }


# --- risks -------------------------------------------------------------------------------------


def risk_matrix(tree: PlanTree) -> list[dict]:
    """Rows of impact 5 down to 1, columns of likelihood 1 to 5, each cell with its risks."""
    cells: dict[tuple[int, int], list] = {}
    for action in tree.actions:
        for risk in action.risks.all():
            cells.setdefault((risk.impact, risk.likelihood), []).append((action, risk))
    return [
        {
            "impact": impact,
            "cells": [
                {
                    "likelihood": likelihood,
                    "score": impact * likelihood,
                    "risks": cells.get((impact, likelihood), []),
                }
                for likelihood in range(1, 6)
            ],
        }
        for impact in range(5, 0, -1)
    ]


def all_risks(tree: PlanTree) -> list[tuple]:
    risks = [(action, risk) for action in tree.actions for risk in action.risks.all()]
    return sorted(risks, key=lambda pair: (-pair[1].score, pair[0].code))


# --- indicators --------------------------------------------------------------------------------


@dataclass
class Trend:
    latest: Measurement | None
    share_of_way: Decimal | None  # how far from the baseline to the target, in percent
    direction: str  # "reached", "toward", "flat", "away", "no_data", "no_target"


def indicator_trend(indicator: ResultIndicator) -> Trend:
    measurements = list(indicator.measurements.all())
    latest = measurements[-1] if measurements else None
    baseline = indicator.baseline_value
    if baseline is None and measurements:
        baseline = measurements[0].value
    if latest is None or baseline is None:
        return Trend(latest, None, "no_data")
    target = indicator.target_value
    if target is None:
        return Trend(latest, None, "no_target")
    if target == baseline:
        reached = latest.value >= target
        return Trend(latest, HUNDRED if reached else None, "reached" if reached else "flat")
    share = one_decimal((latest.value - baseline) * HUNDRED / (target - baseline))
    if share >= HUNDRED:
        direction = "reached"
    elif share > 0:
        direction = "toward"
    elif share == 0:
        direction = "flat"
    else:
        direction = "away"
    return Trend(latest, share, direction)


def indicator_chart(indicator: ResultIndicator) -> dict:
    """Data for the indicator's chart: measurements, baseline and target."""
    return {
        "name": indicator.name,
        "unit": indicator.unit,
        "points": [
            {"x": m.measured_on.isoformat(), "y": float(m.value)}
            for m in indicator.measurements.all()
        ],
        "baseline": float(indicator.baseline_value)
        if indicator.baseline_value is not None
        else None,
        "target": float(indicator.target_value) if indicator.target_value is not None else None,
        "baseline_on": indicator.baseline_on.isoformat() if indicator.baseline_on else None,
        "target_on": indicator.target_on.isoformat() if indicator.target_on else None,
    }


# --- staleness and reminders -----------------------------------------------------------------


def _cycle_days(plan: Plan) -> int:
    return 31 * plan.update_cycle


def is_stale(action: Action, plan: Plan, now: dt.datetime | None = None) -> bool:
    """Not updated for two cycles while the plan is being implemented."""
    if plan.status not in LIVE_PLAN or action.status in FINISHED:
        return False
    now = now or timezone.now()
    return action.progress_updated_at < now - dt.timedelta(days=2 * _cycle_days(plan))


def actions_due(now: dt.datetime) -> list[Action]:
    """Actions whose lead should be reminded: no update for one cycle, no reminder this cycle."""
    due = []
    for months in (1, 3):
        cutoff = now - dt.timedelta(days=31 * months)
        due += list(
            Action.objects.filter(
                plan__status__in=LIVE_PLAN,
                plan__update_cycle=months,
                progress_updated_at__lt=cutoff,
            )
            .exclude(status__in=FINISHED)
            .exclude(contact_email="")
            .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=cutoff))
            .select_related("plan")
        )
    return due
