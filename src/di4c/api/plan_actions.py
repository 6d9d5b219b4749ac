"""API of a plan's actions: the filtered action table, and each action with its funding split,
risks, outputs and small-scale tests. Reads and writes are checked as in api/plans.py."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from di4c.api.auth import token_or_session
from di4c.api.maturity import optional_auth
from di4c.api.plan_schemas import (
    CHILD_LISTS,
    READ,
    WRITE,
    ActionConflictOut,
    ActionCreate,
    ActionOut,
    ActionPatch,
    ActionRowOut,
    check_id,
    check_readable,
    conflict_response,
    query_error,
    query_text,
    readable_plan,
)
from di4c.plans import selectors, services
from di4c.plans.models import Action, ActionStatus, Funding, Objective, Plan

# Ninja names an operation after its module: the explicit operation ids keep the ones these
# endpoints had when they lived in api/plans.py.
router = Router(tags=["plans"])


def _objective_by_code(plan: Plan, code: str | None, *, field: str = "objective") -> Objective:
    objective = Objective.objects.filter(plan=plan, code=code).first() if code else None
    if objective is None:
        raise ValidationError({field: _("The plan has no objective with this code.")})
    return objective


def _action(request, pk: int) -> Action:
    check_id(pk)
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
    check_readable(request, action.plan)
    return action


@router.get(
    "/plans/{pk}/actions",
    response={200: list[ActionRowOut], **READ},
    auth=optional_auth,
    operation_id="di4c_api_plans_list_actions",
)
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
    plan = readable_plan(request, pk)
    for name, value in (("department", department), ("q", q), ("objective", objective)):
        query_text(name, value)
    if status and status not in ActionStatus.values:
        query_error("status", _("Unknown status."))
    if sort not in selectors.SORTS:
        query_error("sort", _("Unknown sort order."))
    filters = {"status": status, "department": department, "q": q, "sort": sort}
    filters["unsecured"] = unsecured
    if objective:
        filters["objective"] = Objective.objects.filter(plan=plan, code=objective).first()
        if filters["objective"] is None:
            query_error("objective", _("The plan has no objective with this code."))
    return selectors.action_table(plan, filters).select_related("plan")


def _save_action(request, plan: Plan, data: dict, **kwargs) -> Action:
    lists = {name: data.pop(name, None) for name in CHILD_LISTS}
    note = data.pop("note", "")
    if "objective" in data:
        data["objective"] = _objective_by_code(plan, data["objective"])
    return services.action_save(
        actor=request.auth, plan=plan, data=data, note=note, **lists, **kwargs
    )


@router.post(
    "/plans/{pk}/actions",
    response={201: ActionOut, **WRITE},
    auth=token_or_session,
    operation_id="di4c_api_plans_create_action",
)
def create_action(request, pk: int, payload: ActionCreate):
    """Add an action under an objective (by code), with its funding split, risks, outputs and
    small-scale tests."""
    plan = readable_plan(request, pk)
    data = payload.dict(exclude_unset=True)
    if not data.get("code"):
        data.pop("code", None)
    action = _save_action(request, plan, data)
    return Status(201, _action(request, action.pk))


@router.get(
    "/actions/{pk}",
    response={200: ActionOut, **READ},
    auth=optional_auth,
    operation_id="di4c_api_plans_get_action",
)
def get_action(request, pk: int):
    return _action(request, pk)


@router.patch(
    "/actions/{pk}",
    response={200: ActionOut, 409: ActionConflictOut, **WRITE},
    auth=token_or_session,
    operation_id="di4c_api_plans_patch_action",
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
        return conflict_response(conflict, _action(request, pk))
    return _action(request, pk)


@router.delete(
    "/actions/{pk}",
    response={204: None, **WRITE},
    auth=token_or_session,
    operation_id="di4c_api_plans_delete_action",
)
def delete_action(request, pk: int):
    services.action_delete(actor=request.auth, action=_action(request, pk))
    return Status(204, None)
