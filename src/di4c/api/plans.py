"""API of the plans app: Integrated Action Plans with their objectives, actions, indicators and
documents. Reads follow plans.view_plan (a plan the reader may not see is a 404); writes go
through plans.services, which check the role (403) and the version the client read (409)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError as QueryError
from ninja.pagination import paginate
from pydantic import ConfigDict, field_validator

from di4c.api.auth import token_or_session
from di4c.api.maturity import ErrorOut, optional_auth
from di4c.networks.models import Network, Organisation
from di4c.plans import selectors, services
from di4c.plans.models import (
    Action,
    ActionStatus,
    Funding,
    Measurement,
    Objective,
    Plan,
    ResultIndicator,
)

router = Router(tags=["plans"])

MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=1, le=MAX_ID, description="The version the client read")]
SmallInt = Annotated[int, Field(ge=0, le=32767)]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Value = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]


def _float(value) -> float | None:
    return float(value) if value is not None else None


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


# --- what the API answers ---------------------------------------------------------------------


class PlanSummaryOut(Schema):
    id: int
    organisation: str
    network: str
    title: str
    status: str
    is_public: bool
    adopted_on: dt.date | None
    version: int

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.slug

    @staticmethod
    def resolve_network(obj):
        return obj.network.slug


class MeasurementOut(Schema):
    id: int
    measured_on: dt.date
    value: float
    note: str
    source: str


class TrendOut(Schema):
    direction: str = Field(..., description="reached, toward, flat, away, no_data or no_target")
    share_of_way: float | None = Field(..., description="% of the way from baseline to target")
    latest_value: float | None
    latest_on: dt.date | None


class IndicatorOut(Schema):
    id: int
    objective: int
    name: str
    unit: str
    baseline_value: float | None
    baseline_on: dt.date | None
    target_value: float | None
    target_on: dt.date | None
    data_source: str
    frequency: str
    binding: str
    framework_code: str
    dimension_code: str
    service: int | None
    version: int
    measurements: list[MeasurementOut]
    trend: TrendOut


class SpecificObjectiveOut(Schema):
    id: int
    code: str
    title: str
    problem: str
    description: str
    position: int
    parent: int | None
    progress: float | None
    version: int
    indicators: list[IndicatorOut]


class ObjectiveOut(SpecificObjectiveOut):
    specific: list[SpecificObjectiveOut]


class BudgetKindOut(Schema):
    kind: str
    label: str
    secured: float
    applied: float
    planned: float
    total: float


class BudgetYearOut(Schema):
    year: int
    cost: float
    secured: float
    gap: float


class BudgetOut(Schema):
    total_cost: float
    secured: float
    applied: float
    planned: float
    secured_share: float | None
    unfunded_gap: float
    without_source: float
    by_kind: list[BudgetKindOut]
    by_year: list[BudgetYearOut]


class PlanOut(Schema):
    id: int
    organisation: str
    organisation_name: str
    network: str
    title: str
    vision_headline: str
    vision_story: str
    context: str
    baseline: dict
    baseline_taken_at: dt.datetime | None
    status: str
    next_statuses: list[str]
    adopted_on: dt.date | None
    adoption_reference: str
    update_cycle: int
    weighting: str
    language: str
    is_public: bool
    progress: float | None
    action_status_counts: dict[str, int]
    version: int
    objectives: list[ObjectiveOut]
    budget: BudgetOut


class FundingOut(Schema):
    id: int
    kind: str
    name: str
    amount: float
    status: str


class RiskOut(Schema):
    id: int
    description: str
    likelihood: int
    impact: int
    score: int
    mitigation: str
    owner: str


class OutputOut(Schema):
    id: int
    name: str
    unit: str
    target: float | None
    achieved: float | None


class TestOut(Schema):
    id: int
    title: str
    tried_from: dt.date | None
    tried_until: dt.date | None
    learned: str


class ActionRowOut(Schema):
    id: int
    code: str
    title: str
    objective: str = Field(..., description="The objective's code")
    lead_department: str
    starts_on: dt.date | None = Field(..., description="First day of the start month")
    ends_on: dt.date | None = Field(..., description="First day of the end month")
    estimated_cost: float
    secured: float
    status: str
    progress: int
    weight: float
    position: int
    progress_updated_at: dt.datetime
    stale: bool = Field(..., description="No update for two cycles while the plan runs")
    version: int

    @staticmethod
    def resolve_objective(obj):
        return obj.objective.code

    @staticmethod
    def resolve_secured(obj):
        secured = obj.secured if hasattr(obj, "secured") else selectors.secured_of(obj)
        return float(secured or 0)

    @staticmethod
    def resolve_stale(obj):
        return selectors.is_stale(obj, obj.plan)


class ActionOut(ActionRowOut):
    plan: int
    description: str
    contact_person: str
    contact_email: str | None = Field(..., description="Shown to the city and network staff")
    partners: str
    stakeholders: str
    fundings: list[FundingOut]
    risks: list[RiskOut]
    outputs: list[OutputOut]
    tests: list[TestOut]

    @staticmethod
    def resolve_plan(obj):
        return obj.plan_id

    @staticmethod
    def resolve_contact_email(obj, context):
        user = context["request"].user
        return obj.contact_email if user.has_perm("plans.comment_plan", obj.plan) else None

    @staticmethod
    def resolve_fundings(obj):
        return list(obj.fundings.all())

    @staticmethod
    def resolve_risks(obj):
        return list(obj.risks.all())

    @staticmethod
    def resolve_outputs(obj):
        return list(obj.outputs.all())

    @staticmethod
    def resolve_tests(obj):
        return list(obj.tests.all())


class ChangeOut(Schema):
    field: str
    name: str
    old: Any
    new: Any
    by: str
    at: dt.datetime | None


class ConflictOut(Schema):
    detail: str
    changes: list[ChangeOut]


class PlanConflictOut(ConflictOut):
    current: PlanOut


class ObjectiveConflictOut(ConflictOut):
    current: ObjectiveOut


class ActionConflictOut(ConflictOut):
    current: ActionOut


class IndicatorConflictOut(ConflictOut):
    current: IndicatorOut


# --- what the API takes -----------------------------------------------------------------------


class In(Schema):
    """Input: unknown fields and NUL characters are refused with a 422 naming the field."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value):
        if _has_nul(value):
            raise ValueError(_("The text contains a NUL character; remove it."))
        return value


class PlanCreate(In):
    organisation: str = Field(..., description="Slug of the city, e.g. botosani")
    network: str = Field(..., description="Slug of the network, e.g. di4c")
    title: str
    language: str = "en"


class PlanPatch(In):
    version: Version
    title: str | None = None
    vision_headline: str | None = None
    vision_story: str | None = None
    context: str | None = None
    update_cycle: SmallInt | None = Field(None, description="1 (monthly) or 3 (quarterly)")
    weighting: str | None = Field(None, description="cost, weight or equal")
    language: str | None = None


class StatusIn(In):
    status: str
    adopted_on: dt.date | None = None
    adoption_reference: str = ""


class PublishIn(In):
    is_public: bool


class ObjectiveIn(In):
    code: str | None = Field(None, description="Default: the next free SO<n> or O<n>")
    title: str
    problem: str = ""
    description: str = ""
    position: SmallInt = 0
    parent: Id | None = Field(None, description="Id of the strategic objective")


class ObjectivePatch(In):
    version: Version
    code: str | None = None
    title: str | None = None
    problem: str | None = None
    description: str | None = None
    position: SmallInt | None = None
    parent: Id | None = None


class FundingIn(In):
    kind: str
    name: str = ""
    amount: Money
    status: str = "planned"


class RiskIn(In):
    description: str
    likelihood: int = Field(..., ge=1, le=5)
    impact: int = Field(..., ge=1, le=5)
    mitigation: str = ""
    owner: str = ""


class OutputIn(In):
    name: str
    unit: str = ""
    target: Value | None = None
    achieved: Value | None = None


class TestIn(In):
    title: str
    tried_from: dt.date | None = None
    tried_until: dt.date | None = None
    learned: str = ""


CHILD_LISTS = ("fundings", "risks", "outputs", "tests")


class ActionCreate(In):
    objective: str = Field(..., description="Code of an objective of the plan, e.g. SO1.1")
    code: str | None = Field(None, description="Default: the next free A<n>")
    title: str
    description: str = ""
    lead_department: str = ""
    contact_person: str = ""
    contact_email: str = ""
    partners: str = ""
    stakeholders: str = ""
    starts_on: dt.date | None = Field(None, description="Any day; kept as its month")
    ends_on: dt.date | None = None
    estimated_cost: Money = Decimal(0)
    status: str = "not_started"
    progress: int = Field(0, ge=0, le=100)
    weight: Decimal = Field(Decimal(1), ge=0, max_digits=8, decimal_places=2)
    position: SmallInt = 0
    note: str = Field("", description="Why the status or progress changed (the public feed)")
    fundings: list[FundingIn] | None = Field(None, description="Must add up to the cost")
    risks: list[RiskIn] | None = None
    outputs: list[OutputIn] | None = None
    tests: list[TestIn] | None = None


class ActionPatch(In):
    version: Version
    objective: str | None = None
    code: str | None = None
    title: str | None = None
    description: str | None = None
    lead_department: str | None = None
    contact_person: str | None = None
    contact_email: str | None = None
    partners: str | None = None
    stakeholders: str | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    estimated_cost: Money | None = None
    status: str | None = None
    progress: int | None = Field(None, ge=0, le=100)
    weight: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)
    position: SmallInt | None = None
    note: str = ""
    fundings: list[FundingIn] | None = Field(None, description="When given, replaces them")
    risks: list[RiskIn] | None = None
    outputs: list[OutputIn] | None = None
    tests: list[TestIn] | None = None


class IndicatorIn(In):
    name: str
    unit: str = ""
    baseline_value: Value | None = None
    baseline_on: dt.date | None = None
    target_value: Value | None = None
    target_on: dt.date | None = None
    data_source: str = ""
    frequency: str = "yearly"
    binding: str = Field("", description="Empty: measured by hand")
    framework_code: str = ""
    dimension_code: str = ""
    service: Id | None = Field(None, description="Id of a service of the city's catalogue")


class IndicatorPatch(In):
    version: Version
    name: str | None = None
    unit: str | None = None
    baseline_value: Value | None = None
    baseline_on: dt.date | None = None
    target_value: Value | None = None
    target_on: dt.date | None = None
    data_source: str | None = None
    frequency: str | None = None
    binding: str | None = None
    framework_code: str | None = None
    dimension_code: str | None = None
    service: Id | None = None


class MeasurementIn(In):
    measured_on: dt.date
    value: Value
    note: str = ""


READ = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# --- lookups: every object is read through its plan's permission -------------------------------


def _check_id(pk: int) -> None:
    if not 1 <= pk <= MAX_ID:
        raise Http404


def _readable(request, plan: Plan) -> None:
    if not request.user.has_perm("plans.view_plan", plan):
        # Plans the reader may not see are not even acknowledged.
        raise Http404


def _plan(request, pk: int) -> Plan:
    _check_id(pk)
    plan = selectors.plan_detail(pk)
    _readable(request, plan)
    return plan


def _objective(request, pk: int) -> Objective:
    _check_id(pk)
    objective = (
        Objective.objects.select_related("plan__organisation", "plan__network")
        .filter(pk=pk)
        .first()
    )
    if objective is None:
        raise Http404
    _readable(request, objective.plan)
    return objective


def _action(request, pk: int) -> Action:
    _check_id(pk)
    action = (
        Action.objects.select_related("plan__organisation", "plan__network", "objective")
        .prefetch_related(
            Prefetch("fundings", queryset=Funding.objects.order_by("kind", "pk")),
            "risks",
            "outputs",
            "tests",
        )
        .filter(pk=pk)
        .first()
    )
    if action is None:
        raise Http404
    _readable(request, action.plan)
    return action


def _indicator(request, pk: int) -> ResultIndicator:
    _check_id(pk)
    indicator = (
        ResultIndicator.objects.select_related(
            "objective__plan__organisation", "objective__plan__network"
        )
        .prefetch_related(
            Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on"))
        )
        .filter(pk=pk)
        .first()
    )
    if indicator is None:
        raise Http404
    _readable(request, indicator.objective.plan)
    return indicator


def _query_text(name: str, value: str | None) -> str | None:
    if value is not None and "\x00" in value:
        _query_error(name, _("The text contains a NUL character; remove it."))
    return value


def _query_error(name: str, message: str):
    raise QueryError([{"loc": ["query", name], "msg": message, "type": "value_error"}])


# --- building the answers -----------------------------------------------------------------------


def _indicator_out(indicator: ResultIndicator) -> dict:
    trend = selectors.indicator_trend(indicator)
    return {
        **{
            name: getattr(indicator, name)
            for name in (
                "id",
                "name",
                "unit",
                "baseline_on",
                "target_on",
                "data_source",
                "frequency",
                "binding",
                "framework_code",
                "dimension_code",
                "version",
            )
        },
        "objective": indicator.objective_id,
        "service": indicator.service_id,
        "baseline_value": _float(indicator.baseline_value),
        "target_value": _float(indicator.target_value),
        "measurements": list(indicator.measurements.all()),
        "trend": {
            "direction": trend.direction,
            "share_of_way": _float(trend.share_of_way),
            "latest_value": _float(trend.latest.value) if trend.latest else None,
            "latest_on": trend.latest.measured_on if trend.latest else None,
        },
    }


def _objective_out(objective: Objective, progress: selectors.Rollup) -> dict:
    return {
        **{
            name: getattr(objective, name)
            for name in ("id", "code", "title", "problem", "description", "position", "version")
        },
        "parent": objective.parent_id,
        "progress": _float(progress.objectives.get(objective.pk)),
        "indicators": [_indicator_out(i) for i in objective.indicators.all()],
        "specific": [_objective_out(c, progress) for c in getattr(objective, "specific", [])],
    }


def _budget_out(money: selectors.Budget) -> dict:
    return {
        "total_cost": float(money.total_cost),
        "secured": float(money.secured),
        "applied": float(money.applied),
        "planned": float(money.planned),
        "secured_share": _float(money.secured_share),
        "unfunded_gap": float(money.unfunded_gap),
        "without_source": float(money.without_source),
        "by_kind": [{**entry, "label": str(entry["label"])} for entry in money.by_kind],
        "by_year": money.by_year,
    }


def _plan_out(plan: Plan) -> dict:
    tree = selectors.plan_tree(plan)
    progress = selectors.rollup(tree)
    return {
        **{
            name: getattr(plan, name)
            for name in (
                "id",
                "title",
                "vision_headline",
                "vision_story",
                "context",
                "baseline",
                "baseline_taken_at",
                "status",
                "adopted_on",
                "adoption_reference",
                "update_cycle",
                "weighting",
                "language",
                "is_public",
                "version",
            )
        },
        "organisation": plan.organisation.slug,
        "organisation_name": plan.organisation.display_name,
        "network": plan.network.slug,
        "next_statuses": [str(status) for status in plan.next_statuses],
        "progress": _float(progress.plan),
        "action_status_counts": progress.status_counts,
        "objectives": [_objective_out(o, progress) for o in tree.objectives],
        "budget": _budget_out(selectors.budget(tree)),
    }


def _one_objective_out(plan: Plan, pk: int) -> dict:
    tree = selectors.plan_tree(plan)
    progress = selectors.rollup(tree)
    objective = next(o for o in tree.all_objectives() if o.pk == pk)
    return _objective_out(objective, progress)


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _conflict(conflict: services.EditConflict, current: dict | Action):
    changes = [
        {**change, "old": _jsonable(change["old"]), "new": _jsonable(change["new"])}
        for change in conflict.changes
    ]
    return Status(409, {"detail": str(conflict), "changes": changes, "current": current})


# --- plans --------------------------------------------------------------------------------------


@router.get("/plans", response={200: list[PlanSummaryOut], 422: ErrorOut}, auth=optional_auth)
@paginate
def list_plans(request, organisation: str | None = None, network: str | None = None):
    """The plans the reader may see (visitors: the published ones)."""
    plans = selectors.visible_plans(request.user)
    if _query_text("organisation", organisation):
        plans = plans.filter(organisation__slug=organisation)
    if _query_text("network", network):
        plans = plans.filter(network__slug=network)
    return plans


@router.get("/plans/{pk}", response={200: PlanOut, **READ}, auth=optional_auth)
def get_plan(request, pk: int):
    """The plan with its objective tree, progress rolled up and budget."""
    return _plan_out(_plan(request, pk))


@router.post("/plans", response={201: PlanOut, **WRITE}, auth=token_or_session)
def create_plan(request, payload: PlanCreate):
    organisation = Organisation.objects.filter(slug=payload.organisation).first()
    if organisation is None:
        raise ValidationError({"organisation": _("No organisation has this slug.")})
    network = Network.objects.filter(slug=payload.network).first()
    if network is None:
        raise ValidationError({"network": _("No network has this slug.")})
    plan = services.plan_create(
        actor=request.auth,
        organisation=organisation,
        network=network,
        title=payload.title,
        language=payload.language,
    )
    return Status(201, _plan_out(selectors.plan_detail(plan.pk)))


@router.patch(
    "/plans/{pk}", response={200: PlanOut, 409: PlanConflictOut, **WRITE}, auth=token_or_session
)
def patch_plan(request, pk: int, payload: PlanPatch):
    """Change the plan's texts and settings; a 409 names what someone else changed since
    `version`."""
    plan = _plan(request, pk)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    try:
        services.plan_update(actor=request.auth, plan=plan, data=data, base_version=version)
    except services.EditConflict as conflict:
        return _conflict(conflict, _plan_out(selectors.plan_detail(pk)))
    return _plan_out(selectors.plan_detail(pk))


@router.post("/plans/{pk}/status", response={200: PlanOut, **WRITE}, auth=token_or_session)
def change_status(request, pk: int, payload: StatusIn):
    """Move the plan along draft, roadmap, submitted, adopted, implementing, closed."""
    services.plan_transition(
        actor=request.auth,
        plan=_plan(request, pk),
        status=payload.status,
        adopted_on=payload.adopted_on,
        adoption_reference=payload.adoption_reference,
    )
    return _plan_out(selectors.plan_detail(pk))


@router.post("/plans/{pk}/publish", response={200: PlanOut, **WRITE}, auth=token_or_session)
def publish_plan(request, pk: int, payload: PublishIn):
    """Open the plan to visitors, or close it again (the city coordinator)."""
    services.plan_publish(actor=request.auth, plan=_plan(request, pk), public=payload.is_public)
    return _plan_out(selectors.plan_detail(pk))


# --- objectives ---------------------------------------------------------------------------------


def _parent(plan: Plan, pk: int | None) -> Objective | None:
    if pk is None:
        return None
    parent = Objective.objects.filter(plan=plan, pk=pk).first()
    if parent is None:
        raise ValidationError({"parent": _("The plan has no objective with this id.")})
    return parent


@router.get(
    "/plans/{pk}/objectives", response={200: list[ObjectiveOut], **READ}, auth=optional_auth
)
@paginate
def list_objectives(request, pk: int):
    """The strategic objectives, each with its specific objectives."""
    plan = _plan(request, pk)
    tree = selectors.plan_tree(plan)
    progress = selectors.rollup(tree)
    return [_objective_out(o, progress) for o in tree.objectives]


@router.post("/plans/{pk}/objectives", response={201: ObjectiveOut, **WRITE}, auth=token_or_session)
def create_objective(request, pk: int, payload: ObjectiveIn):
    plan = _plan(request, pk)
    data = payload.dict()
    data["parent"] = _parent(plan, data["parent"])
    if not data["code"]:
        del data["code"]
    objective = services.objective_save(actor=request.auth, plan=plan, data=data)
    return Status(201, _one_objective_out(plan, objective.pk))


@router.get("/objectives/{pk}", response={200: ObjectiveOut, **READ}, auth=optional_auth)
def get_objective(request, pk: int):
    objective = _objective(request, pk)
    return _one_objective_out(objective.plan, objective.pk)


@router.patch(
    "/objectives/{pk}",
    response={200: ObjectiveOut, 409: ObjectiveConflictOut, **WRITE},
    auth=token_or_session,
)
def patch_objective(request, pk: int, payload: ObjectivePatch):
    objective = _objective(request, pk)
    plan = objective.plan
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    if "parent" in data:
        data["parent"] = _parent(plan, data["parent"])
        if data["parent"] is not None and data["parent"].pk == objective.pk:
            raise ValidationError({"parent": _("An objective cannot be its own parent.")})
        if data["parent"] is not None and objective.children.exists():
            raise ValidationError(
                {"parent": _("A strategic objective with specific objectives stays strategic.")}
            )
    try:
        services.objective_save(
            actor=request.auth, plan=plan, objective=objective, data=data, base_version=version
        )
    except services.EditConflict as conflict:
        return _conflict(conflict, _one_objective_out(plan, pk))
    return _one_objective_out(plan, pk)


@router.delete("/objectives/{pk}", response={204: None, **WRITE}, auth=token_or_session)
def delete_objective(request, pk: int):
    services.objective_delete(actor=request.auth, objective=_objective(request, pk))
    return Status(204, None)


# --- actions ------------------------------------------------------------------------------------


def _objective_by_code(plan: Plan, code: str | None, *, field: str = "objective") -> Objective:
    objective = Objective.objects.filter(plan=plan, code=code).first() if code else None
    if objective is None:
        raise ValidationError({field: _("The plan has no objective with this code.")})
    return objective


@router.get("/plans/{pk}/actions", response={200: list[ActionRowOut], **READ}, auth=optional_auth)
@paginate
def list_actions(
    request,
    pk: int,
    status: str | None = None,
    objective: str | None = Query(None, description="Code; a strategic one includes its own"),
    unsecured: bool = Query(False, description="Only actions with a cost and nothing secured"),
    department: str | None = None,
    q: str | None = None,
    sort: str = Query("code", description=", ".join(selectors.SORTS)),
):
    """The plan's action table, filtered and sorted."""
    plan = _plan(request, pk)
    for name, value in (("department", department), ("q", q), ("objective", objective)):
        _query_text(name, value)
    if status and status not in ActionStatus.values:
        _query_error("status", _("Unknown status."))
    if sort not in selectors.SORTS:
        _query_error("sort", _("Unknown sort order."))
    filters = {"status": status, "department": department, "q": q, "sort": sort}
    filters["unsecured"] = unsecured
    if objective:
        filters["objective"] = Objective.objects.filter(plan=plan, code=objective).first()
        if filters["objective"] is None:
            _query_error("objective", _("The plan has no objective with this code."))
    return selectors.action_table(plan, filters).select_related("plan")


def _save_action(request, plan: Plan, data: dict, **kwargs) -> Action:
    lists = {name: data.pop(name, None) for name in CHILD_LISTS}
    note = data.pop("note", "")
    if "objective" in data:
        data["objective"] = _objective_by_code(plan, data["objective"])
    return services.action_save(
        actor=request.auth, plan=plan, data=data, note=note, **lists, **kwargs
    )


@router.post("/plans/{pk}/actions", response={201: ActionOut, **WRITE}, auth=token_or_session)
def create_action(request, pk: int, payload: ActionCreate):
    """Add an action under an objective (by code), with its funding split, risks, outputs and
    small-scale tests."""
    plan = _plan(request, pk)
    data = payload.dict(exclude_unset=True)
    if not data.get("code"):
        data.pop("code", None)
    action = _save_action(request, plan, data)
    return Status(201, _action(request, action.pk))


@router.get("/actions/{pk}", response={200: ActionOut, **READ}, auth=optional_auth)
def get_action(request, pk: int):
    return _action(request, pk)


@router.patch(
    "/actions/{pk}",
    response={200: ActionOut, 409: ActionConflictOut, **WRITE},
    auth=token_or_session,
)
def patch_action(request, pk: int, payload: ActionPatch):
    """Change an action; lists given (fundings, risks, outputs, tests) replace the stored ones."""
    action = _action(request, pk)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    for name in CHILD_LISTS:
        if data.get(name, ()) is None:
            del data[name]
    try:
        _save_action(request, action.plan, data, action=action, base_version=version)
    except services.EditConflict as conflict:
        return _conflict(conflict, _action(request, pk))
    return _action(request, pk)


@router.delete("/actions/{pk}", response={204: None, **WRITE}, auth=token_or_session)
def delete_action(request, pk: int):
    services.action_delete(actor=request.auth, action=_action(request, pk))
    return Status(204, None)


# --- result indicators and measurements ---------------------------------------------------------


def _indicator_data(plan: Plan, data: dict) -> dict:
    if data.get("service") is not None:
        from di4c.services.models import PublicService

        service = PublicService.objects.filter(
            pk=data["service"], organisation_id=plan.organisation_id
        ).first()
        if service is None:
            raise ValidationError({"service": _("The city has no service with this id.")})
        data["service"] = service
    return data


@router.get(
    "/objectives/{pk}/indicators", response={200: list[IndicatorOut], **READ}, auth=optional_auth
)
@paginate
def list_indicators(request, pk: int):
    objective = _objective(request, pk)
    indicators = objective.indicators.prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on"))
    ).order_by("pk")
    return [_indicator_out(indicator) for indicator in indicators]


@router.post(
    "/objectives/{pk}/indicators", response={201: IndicatorOut, **WRITE}, auth=token_or_session
)
def create_indicator(request, pk: int, payload: IndicatorIn):
    objective = _objective(request, pk)
    data = _indicator_data(objective.plan, payload.dict())
    indicator = services.indicator_save(actor=request.auth, objective=objective, data=data)
    return Status(201, _indicator_out(_indicator(request, indicator.pk)))


@router.get("/indicators/{pk}", response={200: IndicatorOut, **READ}, auth=optional_auth)
def get_indicator(request, pk: int):
    return _indicator_out(_indicator(request, pk))


@router.patch(
    "/indicators/{pk}",
    response={200: IndicatorOut, 409: IndicatorConflictOut, **WRITE},
    auth=token_or_session,
)
def patch_indicator(request, pk: int, payload: IndicatorPatch):
    indicator = _indicator(request, pk)
    objective = indicator.objective
    data = _indicator_data(objective.plan, payload.dict(exclude_unset=True))
    version = data.pop("version")
    try:
        services.indicator_save(
            actor=request.auth,
            objective=objective,
            indicator=indicator,
            data=data,
            base_version=version,
        )
    except services.EditConflict as conflict:
        return _conflict(conflict, _indicator_out(_indicator(request, pk)))
    return _indicator_out(_indicator(request, pk))


@router.delete("/indicators/{pk}", response={204: None, **WRITE}, auth=token_or_session)
def delete_indicator(request, pk: int):
    services.indicator_delete(actor=request.auth, indicator=_indicator(request, pk))
    return Status(204, None)


@router.get(
    "/indicators/{pk}/measurements",
    response={200: list[MeasurementOut], **READ},
    auth=optional_auth,
)
@paginate
def list_measurements(request, pk: int):
    """The indicator's series, oldest first."""
    return _indicator(request, pk).measurements.order_by("measured_on", "pk")


@router.post(
    "/indicators/{pk}/measurements",
    response={201: MeasurementOut, **WRITE},
    auth=token_or_session,
)
def add_measurement(request, pk: int, payload: MeasurementIn):
    """Record a value of an indicator measured by hand."""
    measurement = services.measurement_add(
        actor=request.auth,
        indicator=_indicator(request, pk),
        measured_on=payload.measured_on,
        value=payload.value,
        note=payload.note,
    )
    return Status(201, measurement)


# --- documents ----------------------------------------------------------------------------------

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _binary(content_type: str) -> dict:
    return {
        "responses": {
            200: {
                "description": "The document",
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


def _document(request, pk: int, maker: str, suffix: str, content_type: str) -> HttpResponse:
    plan = _plan(request, pk)
    from di4c.plans import exports

    response = HttpResponse(getattr(exports, maker)(plan), content_type=content_type)
    name = f"{plan.organisation.slug}-{plan.network.slug}-{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get(
    "/plans/{pk}/export.docx",
    response={404: ErrorOut},
    auth=optional_auth,
    openapi_extra=_binary(DOCX),
)
def plan_docx(request, pk: int):
    """The plan as a Word document."""
    return _document(request, pk, "plan_docx", "plan.docx", DOCX)


@router.get(
    "/plans/{pk}/export.pdf",
    response={404: ErrorOut},
    auth=optional_auth,
    openapi_extra=_binary("application/pdf"),
)
def plan_pdf(request, pk: int):
    """The plan as a PDF."""
    return _document(request, pk, "plan_pdf", "plan.pdf", "application/pdf")


@router.get(
    "/plans/{pk}/actions.xlsx",
    response={404: ErrorOut},
    auth=optional_auth,
    openapi_extra=_binary(XLSX),
)
def actions_xlsx(request, pk: int):
    """The action table as an Excel workbook."""
    return _document(request, pk, "actions_xlsx", "actions.xlsx", XLSX)


@router.get(
    "/plans/{pk}/budget.xlsx",
    response={404: ErrorOut},
    auth=optional_auth,
    openapi_extra=_binary(XLSX),
)
def budget_xlsx(request, pk: int):
    """The budget (by action, funding source and year) as an Excel workbook."""
    return _document(request, pk, "budget_xlsx", "budget.xlsx", XLSX)
