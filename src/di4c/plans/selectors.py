"""Reads of the plans app, shared by pages, documents and the API.

A plan is read in a fixed number of queries whatever its size (`plan_tree`); the roll-up,
timeline, budget by year and risk matrix are computed from that one read, the sums by funding
source in the database.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from di4c.plans.models import (
    Action,
    ActionStatus,
    Funding,
    FundingKind,
    FundingStatus,
    Measurement,
    Objective,
    Plan,
    PlanStatus,
    ResultIndicator,
    StatusChange,
    Weighting,
)

LIVE_PLAN = (PlanStatus.ADOPTED, PlanStatus.IMPLEMENTING)
FINISHED = (ActionStatus.DONE, ActionStatus.CANCELLED)
HUNDRED = Decimal(100)


def _q(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


# --- lists --------------------------------------------------------------------------------


def visible_plans(user) -> QuerySet[Plan]:
    """Plans the person may read (the same rules as plans.view_plan, as one query)."""
    from di4c.accounts.models import ORGANISATION_ROLES, Role
    from di4c.accounts.selectors import user_roles
    from di4c.maturity.rules import networks_of_user
    from di4c.plans.rules import SHARED_WITH_NETWORK

    plans = Plan.objects.select_related("organisation", "network")
    if getattr(user, "is_superuser", False):
        return plans
    condition = Q(is_public=True)
    if user.is_authenticated:
        roles = user_roles(user)
        member_of = [
            pk for pk, held in roles.organisation_roles.items() if held & set(ORGANISATION_ROLES)
        ]
        staff_of = [
            pk
            for pk, held in roles.network_roles.items()
            if held & {Role.NETWORK_COORDINATOR, Role.EXPERT}
        ]
        today = timezone.localdate()
        condition |= Q(organisation_id__in=member_of) | Q(network_id__in=staff_of)
        condition |= Q(
            Q(organisation__partnerships__left_on__isnull=True)
            | Q(organisation__partnerships__left_on__gte=today),
            status__in=SHARED_WITH_NETWORK,
            network_id__in=networks_of_user(user),
            organisation__partnerships__network_id=F("network_id"),
        )
    return plans.filter(condition).distinct()


def plans_of(organisation) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(organisation=organisation)
        .select_related("network", "organisation")
        .annotate(action_count=Count("actions"))
        .order_by("network__acronym")
    )


def plan_detail(pk: int) -> Plan:
    plan = (
        Plan.objects.select_related("organisation", "network")
        .prefetch_related("contributors")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404
    plan._contributor_ids = {user.pk for user in plan.contributors.all()}
    return plan


# --- the whole plan in a fixed number of queries ---------------------------------------------


@dataclass
class PlanTree:
    plan: Plan
    objectives: list[Objective]  # strategic objectives, each with .specific
    actions: list[Action]
    by_objective: dict[int, list[Action]] = field(default_factory=dict)

    def all_objectives(self) -> list[Objective]:
        result = []
        for objective in self.objectives:
            result.append(objective)
            result.extend(objective.specific)
        return result

    def actions_under(self, objective: Objective) -> list[Action]:
        """The objective's own actions and, for a strategic one, its specific objectives'."""
        found = list(self.by_objective.get(objective.pk, []))
        for child in getattr(objective, "specific", []):
            found.extend(self.by_objective.get(child.pk, []))
        return found

    def indicators(self) -> list[ResultIndicator]:
        return [i for o in self.all_objectives() for i in o.indicators.all()]


def plan_tree(plan: Plan, *, actions: QuerySet[Action] | None = None) -> PlanTree:
    indicators = Prefetch(
        "indicators",
        queryset=ResultIndicator.objects.select_related("service").prefetch_related(
            Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on"))
        ),
    )
    objectives = list(
        Objective.objects.filter(plan=plan)
        .select_related("source_indicator", "source_service")
        .prefetch_related(indicators)
        .order_by("position", "code")
    )
    action_rows = list(
        (actions if actions is not None else Action.objects.filter(plan=plan))
        .select_related("objective", "source_indicator", "source_service")
        .prefetch_related(
            Prefetch("fundings", queryset=Funding.objects.order_by("kind", "pk")),
            "risks",
            "outputs",
            "tests",
        )
        .order_by("position", "code")
    )
    strategic = [o for o in objectives if o.parent_id is None]
    for objective in strategic:
        objective.specific = [o for o in objectives if o.parent_id == objective.pk]
    by_objective: dict[int, list[Action]] = {}
    for action in action_rows:
        by_objective.setdefault(action.objective_id, []).append(action)
    return PlanTree(plan=plan, objectives=strategic, actions=action_rows, by_objective=by_objective)


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
    return _q(value / total)


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
        return _q(self.secured * HUNDRED / self.total_cost) if self.total_cost else None

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
    share = _q((latest.value - baseline) * HUNDRED / (target - baseline))
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


# --- the action table ------------------------------------------------------------------------

SORTS = {
    "code": ("position", "code"),
    "title": ("title",),
    "objective": ("objective__code", "code"),
    "start": ("starts_on", "code"),
    "end": ("ends_on", "code"),
    "cost": ("-estimated_cost", "code"),
    "progress": ("-progress", "code"),
    "status": ("status", "code"),
    "updated": ("progress_updated_at", "code"),
}


def action_table(plan: Plan, filters: dict) -> QuerySet[Action]:
    """The plan's actions, filtered and sorted as the table asks, with their secured money."""
    actions = Action.objects.filter(plan=plan).annotate(
        secured=Sum("fundings__amount", filter=Q(fundings__status=FundingStatus.SECURED))
    )
    if filters.get("objective"):
        objective = filters["objective"]
        actions = actions.filter(Q(objective=objective) | Q(objective__parent=objective))
    if filters.get("status"):
        actions = actions.filter(status=filters["status"])
    if filters.get("department"):
        actions = actions.filter(lead_department__icontains=filters["department"])
    if filters.get("q"):
        actions = actions.filter(
            Q(title__icontains=filters["q"])
            | Q(description__icontains=filters["q"])
            | Q(code__iexact=filters["q"])
        )
    if filters.get("unsecured"):
        actions = actions.filter(estimated_cost__gt=0).exclude(
            fundings__status=FundingStatus.SECURED
        )
    return actions.select_related("objective").order_by(
        *SORTS.get(filters.get("sort"), SORTS["code"])
    )


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


def status_changes(plan: Plan, limit: int = 50) -> QuerySet[StatusChange]:
    return (
        StatusChange.objects.filter(action__plan=plan)
        .select_related("action")
        .order_by("-changed_at")[:limit]
    )


# --- the plan as data (snapshots, documents) --------------------------------------------------


def _num(value) -> str | None:
    return None if value is None else str(value)


def _date(value) -> str | None:
    return value.isoformat() if value else None


def plan_content(pk: int) -> dict:
    """The whole plan as JSON-ready data: what a snapshot keeps."""
    plan = plan_detail(pk)
    tree = plan_tree(plan)
    progress = rollup(tree)

    def indicator_data(indicator):
        return {
            "name": indicator.name,
            "unit": indicator.unit,
            "baseline": _num(indicator.baseline_value),
            "baseline_on": _date(indicator.baseline_on),
            "target": _num(indicator.target_value),
            "target_on": _date(indicator.target_on),
            "data_source": indicator.data_source,
            "binding": indicator.binding,
            "measurements": [
                {"on": _date(m.measured_on), "value": _num(m.value)}
                for m in indicator.measurements.all()
            ],
        }

    def objective_data(objective):
        return {
            "code": objective.code,
            "title": objective.title,
            "problem": objective.problem,
            "description": objective.description,
            "progress": _num(progress.objectives.get(objective.pk)),
            "indicators": [indicator_data(i) for i in objective.indicators.all()],
            "specific": [objective_data(c) for c in getattr(objective, "specific", [])],
        }

    return {
        "title": plan.title,
        "organisation": plan.organisation.name,
        "network": plan.network.acronym,
        "status": plan.status,
        "vision_headline": plan.vision_headline,
        "vision_story": plan.vision_story,
        "context": plan.context,
        "baseline": plan.baseline,
        "adopted_on": _date(plan.adopted_on),
        "adoption_reference": plan.adoption_reference,
        "progress": _num(progress.plan),
        "weighting": plan.weighting,
        "update_cycle": plan.update_cycle,
        "objectives": [objective_data(o) for o in tree.objectives],
        "actions": [
            {
                "code": a.code,
                "objective": a.objective.code,
                "title": a.title,
                "description": a.description,
                "lead_department": a.lead_department,
                "contact_person": a.contact_person,
                "partners": a.partners,
                "stakeholders": a.stakeholders,
                "weight": _num(a.weight),
                "starts_on": _date(a.starts_on),
                "ends_on": _date(a.ends_on),
                "estimated_cost": _num(a.estimated_cost),
                "status": a.status,
                "progress": a.progress,
                "fundings": [
                    {"kind": f.kind, "name": f.name, "amount": _num(f.amount), "status": f.status}
                    for f in a.fundings.all()
                ],
                "risks": [
                    {
                        "description": r.description,
                        "likelihood": r.likelihood,
                        "impact": r.impact,
                        "mitigation": r.mitigation,
                        "owner": r.owner,
                    }
                    for r in a.risks.all()
                ],
                "outputs": [
                    {
                        "name": o.name,
                        "unit": o.unit,
                        "target": _num(o.target),
                        "achieved": _num(o.achieved),
                    }
                    for o in a.outputs.all()
                ],
                "tests": [
                    {
                        "title": t.title,
                        "tried_from": _date(t.tried_from),
                        "tried_until": _date(t.tried_until),
                        "learned": t.learned,
                    }
                    for t in a.tests.all()
                ],
            }
            for a in tree.actions
        ],
    }


def plans_editable_by(user, organisation) -> list[Plan]:
    """The city's plans the person may add to (e.g. from a maturity gap or a service)."""
    if not user.is_authenticated:
        return []
    plans = Plan.objects.filter(organisation=organisation).select_related("organisation", "network")
    return [plan for plan in plans if user.has_perm("plans.edit_plan", plan)]


@dataclass
class PlanSummary:
    plan: Plan
    progress: Decimal | None
    total_cost: Decimal
    secured: Decimal
    actions: int
    stale: int

    @property
    def secured_share(self) -> Decimal | None:
        return _q(self.secured * HUNDRED / self.total_cost) if self.total_cost else None


def network_plans(network, viewer) -> list[PlanSummary]:
    """Each partner's plan in the network, as far as the viewer may read it, with its roll-up,
    cost and secured money (three queries whatever the number of plans and actions)."""
    plans = list(
        Plan.objects.filter(network=network)
        .select_related("organisation", "network")
        .prefetch_related("contributors")
        .order_by("organisation__name")
    )
    for plan in plans:
        plan._contributor_ids = {user.pk for user in plan.contributors.all()}
    plans = [plan for plan in plans if viewer.has_perm("plans.view_plan", plan)]
    actions = (
        Action.objects.filter(plan__in=plans)
        .annotate(secured=Sum("fundings__amount", filter=Q(fundings__status=FundingStatus.SECURED)))
        .only("plan_id", "estimated_cost", "progress", "status", "weight", "progress_updated_at")
    )
    by_plan: dict[int, list[Action]] = {}
    for action in actions:
        by_plan.setdefault(action.plan_id, []).append(action)
    now = timezone.now()
    summaries = []
    for plan in plans:
        rows = by_plan.get(plan.pk, [])
        live = [a for a in rows if a.status != ActionStatus.CANCELLED]
        summaries.append(
            PlanSummary(
                plan=plan,
                progress=rolled_up_progress(rows, plan.weighting),
                total_cost=sum((Decimal(a.estimated_cost) for a in live), Decimal(0)),
                secured=sum((a.secured or Decimal(0) for a in live), Decimal(0)),
                actions=len(rows),
                stale=sum(1 for a in rows if is_stale(a, plan, now)),
            )
        )
    return summaries


def visible_baseline(plan: Plan, viewer) -> dict:
    """The plan's baseline as the viewer may see it: publishing a plan does not publish the
    maturity assessment or the services index the city keeps private (one or two queries)."""
    from di4c.maturity.models import Assessment

    baseline = dict(plan.baseline or {})
    maturity = baseline.get("maturity")
    if maturity:
        assessment = (
            Assessment.objects.filter(pk=maturity.get("assessment"))
            .select_related("organisation")
            .first()
        )
        if assessment is None or not viewer.has_perm("maturity.view_assessment", assessment):
            baseline["maturity"] = None
    if baseline.get("services") and not viewer.has_perm("services.view_index", plan.organisation):
        baseline["services"] = None
    return baseline


def sees_contacts(viewer, plan: Plan) -> bool:
    """Contact e-mails are for the people who work on the plan, not for every reader."""
    return viewer.has_perm("plans.comment_plan", plan)
