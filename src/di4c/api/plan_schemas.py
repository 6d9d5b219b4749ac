"""Schemas of the plans API (what it answers, what it takes) and the helpers its modules share:
the id and permission checks, query-parameter errors and the 409 answer."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.errors import ValidationError as QueryError
from pydantic import ConfigDict, field_validator

from di4c.api.maturity import ErrorOut
from di4c.plans import selectors, services
from di4c.plans.models import Action, Plan

MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=1, le=MAX_ID, description="The version the client read")]
SmallInt = Annotated[int, Field(ge=0, le=32767)]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Value = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]


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
    baseline: dict = Field(
        ...,
        description="Where the city stood: its maturity assessment and services index, each "
        "null if the reader may not see it (the city has not published it)",
    )
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
        return obj.contact_email if selectors.sees_contacts(user, obj.plan) else None

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


def check_id(pk: int) -> None:
    if not 1 <= pk <= MAX_ID:
        raise Http404


def check_readable(request, plan: Plan) -> None:
    if not request.user.has_perm("plans.view_plan", plan):
        # Plans the reader may not see are not even acknowledged.
        raise Http404


def readable_plan(request, pk: int) -> Plan:
    check_id(pk)
    plan = selectors.plan_detail(pk)
    check_readable(request, plan)
    return plan


# --- errors: query parameters and edit conflicts -----------------------------------------------


def query_text(name: str, value: str | None) -> str | None:
    if value is not None and "\x00" in value:
        query_error(name, _("The text contains a NUL character; remove it."))
    return value


def query_error(name: str, message: str):
    raise QueryError([{"loc": ["query", name], "msg": message, "type": "value_error"}])


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def conflict_response(conflict: services.EditConflict, current: dict | Action):
    changes = [
        {**change, "old": _jsonable(change["old"]), "new": _jsonable(change["new"])}
        for change in conflict.changes
    ]
    return Status(409, {"detail": str(conflict), "changes": changes, "current": current})
