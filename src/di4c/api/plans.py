"""API of the plans app: Integrated Action Plans with their status, objectives, result indicators
and measurements (actions: plan_actions; downloads: plan_documents). Reads follow plans.view_plan
(a plan the reader may not see is a 404); writes go through plans.services, which check the role
(403) and the version the client read (409)."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from di4c.api.auth import token_or_session
from di4c.api.maturity import ErrorOut, optional_auth
from di4c.api.plan_schemas import (
    READ,
    WRITE,
    IndicatorConflictOut,
    IndicatorIn,
    IndicatorOut,
    IndicatorPatch,
    MeasurementIn,
    MeasurementOut,
    ObjectiveConflictOut,
    ObjectiveIn,
    ObjectiveOut,
    ObjectivePatch,
    PlanConflictOut,
    PlanCreate,
    PlanOut,
    PlanPatch,
    PlanSummaryOut,
    PublishIn,
    StatusIn,
    check_id,
    check_readable,
    conflict_response,
    query_text,
    readable_plan,
)
from di4c.networks.models import Network, Organisation
from di4c.plans import selectors, services
from di4c.plans.models import Measurement, Objective, Plan, ResultIndicator

router = Router(tags=["plans"])


def _float(value) -> float | None:
    return float(value) if value is not None else None


# --- lookups: an objective or indicator is read through its plan's permission ------------------


def _objective(request, pk: int) -> Objective:
    check_id(pk)
    objective = (
        Objective.objects.select_related("plan__organisation", "plan__network")
        .filter(pk=pk)
        .first()
    )
    if objective is None:
        raise Http404
    check_readable(request, objective.plan)
    return objective


def _indicator(request, pk: int) -> ResultIndicator:
    check_id(pk)
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
    check_readable(request, indicator.objective.plan)
    return indicator


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


def _plan_out(plan: Plan, viewer) -> dict:
    """The plan as `viewer` may read it: the baseline without the parts the city has not
    published (its maturity assessment, its services index)."""
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
        "baseline": selectors.visible_baseline(plan, viewer),
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


# --- plans --------------------------------------------------------------------------------------


@router.get("/plans", response={200: list[PlanSummaryOut], 422: ErrorOut}, auth=optional_auth)
@paginate
def list_plans(request, organisation: str | None = None, network: str | None = None):
    """The plans the reader may see (visitors: the published ones)."""
    plans = selectors.visible_plans(request.user)
    if query_text("organisation", organisation):
        plans = plans.filter(organisation__slug=organisation)
    if query_text("network", network):
        plans = plans.filter(network__slug=network)
    return plans


@router.get("/plans/{pk}", response={200: PlanOut, **READ}, auth=optional_auth)
def get_plan(request, pk: int):
    """The plan with its objective tree, progress rolled up and budget."""
    return _plan_out(readable_plan(request, pk), request.user)


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
    return Status(201, _plan_out(selectors.plan_detail(plan.pk), request.user))


@router.patch(
    "/plans/{pk}", response={200: PlanOut, 409: PlanConflictOut, **WRITE}, auth=token_or_session
)
def patch_plan(request, pk: int, payload: PlanPatch):
    """Change the plan's texts and settings; a 409 names what someone else changed since
    `version`."""
    plan = readable_plan(request, pk)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    try:
        services.plan_update(actor=request.auth, plan=plan, data=data, base_version=version)
    except services.EditConflict as conflict:
        return conflict_response(conflict, _plan_out(selectors.plan_detail(pk), request.user))
    return _plan_out(selectors.plan_detail(pk), request.user)


@router.post("/plans/{pk}/status", response={200: PlanOut, **WRITE}, auth=token_or_session)
def change_status(request, pk: int, payload: StatusIn):
    """Move the plan along draft, roadmap, submitted, adopted, implementing, closed."""
    services.plan_transition(
        actor=request.auth,
        plan=readable_plan(request, pk),
        status=payload.status,
        adopted_on=payload.adopted_on,
        adoption_reference=payload.adoption_reference,
    )
    return _plan_out(selectors.plan_detail(pk), request.user)


@router.post("/plans/{pk}/publish", response={200: PlanOut, **WRITE}, auth=token_or_session)
def publish_plan(request, pk: int, payload: PublishIn):
    """Open the plan to visitors, or close it again (the city coordinator)."""
    services.plan_publish(
        actor=request.auth, plan=readable_plan(request, pk), public=payload.is_public
    )
    return _plan_out(selectors.plan_detail(pk), request.user)


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
    plan = readable_plan(request, pk)
    tree = selectors.plan_tree(plan)
    progress = selectors.rollup(tree)
    return [_objective_out(o, progress) for o in tree.objectives]


@router.post("/plans/{pk}/objectives", response={201: ObjectiveOut, **WRITE}, auth=token_or_session)
def create_objective(request, pk: int, payload: ObjectiveIn):
    plan = readable_plan(request, pk)
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
        return conflict_response(conflict, _one_objective_out(plan, pk))
    return _one_objective_out(plan, pk)


@router.delete("/objectives/{pk}", response={204: None, **WRITE}, auth=token_or_session)
def delete_objective(request, pk: int):
    services.objective_delete(actor=request.auth, objective=_objective(request, pk))
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
        return conflict_response(conflict, _indicator_out(_indicator(request, pk)))
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
