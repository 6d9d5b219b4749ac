"""Which plans a person may read or add to, the lists and the action table, the plan as data
(snapshots) and the network's overview."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils import timezone

from di4c.plans.models import (
    Action,
    ActionStatus,
    FundingStatus,
    Plan,
    StatusChange,
)
from di4c.plans.selectors.figures import (
    HUNDRED,
    is_stale,
    one_decimal,
    rolled_up_progress,
    rollup,
)
from di4c.plans.selectors.tree import plan_tree

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


# --- the action table ------------------------------------------------------------------------

STATUS_RANKS = list(enumerate(ActionStatus.values))
SORTS = {
    "code": ("position", "code"),
    "title": ("title",),
    "objective": ("objective__code", "code"),
    "start": ("starts_on", "code"),
    "end": ("ends_on", "code"),
    "cost": ("-estimated_cost", "code"),
    "progress": ("-progress", "code"),
    "status": ("status_rank", "code"),  # in the order of the lifecycle, not alphabetical
    "updated": ("progress_updated_at", "code"),
}


def action_table(plan: Plan, filters: dict) -> QuerySet[Action]:
    """The plan's actions, filtered and sorted as the table asks, with their secured money."""
    actions = Action.objects.filter(plan=plan).annotate(
        secured=Sum("fundings__amount", filter=Q(fundings__status=FundingStatus.SECURED)),
        status_rank=Case(
            *[
                When(status=value, then=Value(rank))
                for rank, value in enumerate(ActionStatus.values)
            ],
            output_field=IntegerField(),
        ),
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
        return one_decimal(self.secured * HUNDRED / self.total_cost) if self.total_cost else None


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


def actions_from_sources(plans: list[Plan]) -> tuple[dict[int, Action], dict[int, Action]]:
    """The actions already made from a maturity indicator and from a service, by their ids,
    so that the pages say "in the plan" instead of offering the same click twice."""
    by_indicator: dict[int, Action] = {}
    by_service: dict[int, Action] = {}
    if not plans:
        return by_indicator, by_service
    actions = Action.objects.filter(plan__in=plans).filter(
        Q(source_indicator__isnull=False) | Q(source_service__isnull=False)
    )
    for action in actions.order_by("code"):
        if action.source_indicator_id:
            by_indicator.setdefault(action.source_indicator_id, action)
        if action.source_service_id:
            by_service.setdefault(action.source_service_id, action)
    return by_indicator, by_service
