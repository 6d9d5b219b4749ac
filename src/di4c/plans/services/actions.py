"""Writes of objectives and actions: one at a time, with their child lists (fundings, risks,
outputs, tests), and many actions at once for the import."""

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from di4c.core.i18n import format_money
from di4c.core.services import assign_fields, require_perm
from di4c.core.signals import objects_bulk_saved
from di4c.plans.models import (
    Action,
    ActionStatus,
    Funding,
    Objective,
    OutputIndicator,
    Plan,
    Risk,
    StatusChange,
    TestAction,
)
from di4c.plans.services.common import check_version, same_plan, versioned_save

OBJECTIVE_EDITABLE = ("parent", "code", "title", "problem", "description", "position")
ACTION_EDITABLE = (
    "objective",
    "code",
    "title",
    "description",
    "lead_department",
    "contact_person",
    "contact_email",
    "partners",
    "stakeholders",
    "starts_on",
    "ends_on",
    "estimated_cost",
    "status",
    "progress",
    "weight",
    "position",
)
CHILD_FIELDS = {
    "fundings": (Funding, ("kind", "name", "amount", "status")),
    "risks": (Risk, ("description", "likelihood", "impact", "mitigation", "owner")),
    "outputs": (OutputIndicator, ("name", "unit", "target", "achieved")),
    "tests": (TestAction, ("title", "tried_from", "tried_until", "learned")),
}


# --- objectives ---------------------------------------------------------------------------


def _next_position(queryset) -> int:
    highest = queryset.aggregate(highest=models.Max("position"))["highest"]
    return 0 if highest is None else highest + 1


def _next_code(queryset, prefix: str) -> str:
    taken = set(queryset.values_list("code", flat=True))
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def _code_free(queryset, instance, code: str) -> None:
    """Codes name objectives and actions in tables and imports: one of each per plan."""
    if code and queryset.exclude(pk=instance.pk).filter(code=code).exists():
        raise ValidationError(
            {"code": _("The code %(code)s is already used in this plan.") % {"code": code}}
        )


@transaction.atomic
def objective_save(
    *,
    actor,
    plan: Plan,
    data: Mapping,
    objective: Objective | None = None,
    base_version: int | None = None,
) -> Objective:
    require_perm(actor, "plans.edit_plan", plan)
    same_plan(plan, objective, "objective")
    same_plan(plan, data.get("parent"), "parent")
    objective = objective or Objective(plan=plan)
    check_version(objective, base_version)
    data = dict(data)
    if not data.get("code") and not objective.code:
        data["code"] = _next_code(plan.objectives, "SO" if not data.get("parent") else "O")
    if objective.pk is None and "position" not in data:
        data["position"] = _next_position(plan.objectives)
    assign_fields(objective, data, OBJECTIVE_EDITABLE)
    _code_free(plan.objectives, objective, objective.code)
    versioned_save(objective, actor)
    return objective


@transaction.atomic
def objective_delete(*, actor, objective: Objective) -> None:
    require_perm(actor, "plans.edit_plan", objective.plan)
    if objective.actions.exists() or Action.objects.filter(objective__parent=objective).exists():
        raise ValidationError(
            _("Move or delete the objective's actions first; an action needs an objective.")
        )
    objective._history_user = actor
    objective.delete()


# --- actions ------------------------------------------------------------------------------


def funding_problems(cost: Decimal | None, amounts: Sequence[Decimal]) -> str | None:
    """The funding split, when given, must add up to the estimated cost."""
    if not amounts:
        return None
    total = sum((Decimal(a) for a in amounts), Decimal(0))
    if total != Decimal(cost or 0):
        # Amounts as the reader writes them: 9.000 € in Romanian, €9,000 in English.
        return _(
            "The funding split adds up to %(total)s, not to the estimated cost of %(cost)s."
        ) % {
            "total": format_money(total),
            "cost": format_money(Decimal(cost or 0)),
        }
    return None


def _replace_children(action: Action, name: str, rows: Sequence[Mapping], actor) -> None:
    from simple_history.utils import bulk_create_with_history

    model, fields = CHILD_FIELDS[name]
    # One by one, so that each removed row is recorded in the history with who removed it.
    for child in getattr(action, name).all():
        child._history_user = actor
        child.delete()
    created = []
    errors = []
    for index, row in enumerate(rows, start=1):
        unknown = sorted(set(row) - set(fields))
        if unknown:
            errors.append(
                _("%(what)s row %(n)s: unknown field(s) %(fields)s.")
                % {"what": name, "n": index, "fields": ", ".join(unknown)}
            )
            continue
        child = model(action=action, **row)
        try:
            child.full_clean(exclude=["action"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.append(
                    _("%(what)s row %(n)s, %(field)s: %(message)s")
                    % {"what": name, "n": index, "field": field, "message": " ".join(messages)}
                )
            continue
        created.append(child)
    if errors:
        raise ValidationError({name: errors})
    bulk_create_with_history(created, model, default_user=actor)


@transaction.atomic
def action_save(
    *,
    actor,
    plan: Plan,
    data: Mapping,
    action: Action | None = None,
    base_version: int | None = None,
    fundings: Sequence[Mapping] | None = None,
    risks: Sequence[Mapping] | None = None,
    outputs: Sequence[Mapping] | None = None,
    tests: Sequence[Mapping] | None = None,
    note: str = "",
) -> Action:
    """Create or edit an action; child lists given (fundings, risks, ...) replace the stored
    ones. A change of status or progress is recorded for the public feed."""
    require_perm(actor, "plans.edit_plan", plan)
    same_plan(plan, action, "action")
    same_plan(plan, data.get("objective"), "objective")
    action = action or Action(plan=plan)
    check_version(action, base_version)
    old_status, old_progress = (action.status, action.progress) if action.pk else ("", None)
    data = dict(data)
    if not data.get("code") and not action.code:
        data["code"] = _next_code(plan.actions, "A")
    if action.pk is None and "position" not in data:
        # New actions go last, so that the table keeps the order they were added in.
        data["position"] = _next_position(plan.actions)
    if data.get("status") == ActionStatus.DONE and "progress" not in data:
        data["progress"] = 100
    assign_fields(action, data, ACTION_EDITABLE)
    _code_free(plan.actions, action, action.code)
    if fundings is not None:
        problem = funding_problems(
            action.estimated_cost, [row.get("amount") or 0 for row in fundings]
        )
        if problem:
            raise ValidationError({"fundings": problem})
    elif action.pk and "estimated_cost" in data:
        stored = list(action.fundings.values_list("amount", flat=True))
        problem = funding_problems(action.estimated_cost, stored)
        if problem:
            raise ValidationError({"estimated_cost": problem})
    changed_progress = action.status != old_status or action.progress != old_progress
    if changed_progress:
        action.progress_updated_at = timezone.now()
    versioned_save(action, actor)
    for name, rows in (
        ("fundings", fundings),
        ("risks", risks),
        ("outputs", outputs),
        ("tests", tests),
    ):
        if rows is not None:
            _replace_children(action, name, rows, actor)
    if changed_progress:
        StatusChange.objects.create(
            action=action,
            old_status=old_status,
            new_status=action.status,
            progress=action.progress,
            note=note.strip(),
            changed_by=actor,
        )
    return action


@transaction.atomic
def action_delete(*, actor, action: Action) -> None:
    require_perm(actor, "plans.edit_plan", action.plan)
    action._history_user = actor
    action.delete()


# --- bulk writes for imports ---

BULK_BATCH_SIZE = 500  # rows per INSERT/UPDATE (SQLite lowers it to stay within 999 parameters)


class BulkItemError(ValidationError):
    """A ValidationError about one item of actions_bulk_save; `index` is its place in the
    caller's list, so that an import can name the row of its file."""

    def __init__(self, index: int, error: ValidationError):
        super().__init__(error)
        self.index = index


def _clean_fields(instance: models.Model, names: Iterable[str]) -> dict[str, list[str]]:
    """The fields' own checks (length, choices, validators), in memory: no query, unlike
    full_clean (which looks up relations and evaluates check constraints in the database)."""
    errors: dict[str, list[str]] = {}
    for name in names:
        field = instance._meta.get_field(name)
        if field.is_relation:
            continue
        try:
            field.clean(getattr(instance, field.attname), instance)
        except ValidationError as error:
            errors[name] = error.messages
    return errors


def _bulk_fundings(action: Action, rows: Sequence[Mapping]) -> list[Funding]:
    """The action's new funding split, checked as _replace_children checks it, in memory."""
    fields = CHILD_FIELDS["fundings"][1]
    fundings, errors = [], []
    for index, row in enumerate(rows, start=1):
        unknown = sorted(set(row) - set(fields))
        if unknown:
            errors.append(
                _("%(what)s row %(n)s: unknown field(s) %(fields)s.")
                % {"what": "fundings", "n": index, "fields": ", ".join(unknown)}
            )
            continue
        funding = Funding(action=action, **row)
        for field, messages in _clean_fields(funding, row).items():
            errors.append(
                _("%(what)s row %(n)s, %(field)s: %(message)s")
                % {"what": "fundings", "n": index, "field": field, "message": " ".join(messages)}
            )
        fundings.append(funding)
    if not errors:
        problem = funding_problems(action.estimated_cost, [f.amount or 0 for f in fundings])
        if problem:
            errors.append(problem)
    if errors:
        raise ValidationError({"fundings": errors})
    return fundings


def _bulk_item(plan: Plan, action: Action | None, data: Mapping, stored: dict, codes: dict):
    """Apply `data` to the action (a new one when None) in memory, with action_save's checks
    that need no query. Returns the action, the names of the fields that changed, and its
    status and progress before."""
    from di4c.plans.models import first_of_month

    same_plan(plan, action, "action")
    same_plan(plan, data.get("objective"), "objective")
    if action is not None and action.pk:
        if action.pk not in stored:
            raise ValidationError(_("This record was deleted in the meantime."))
        if stored[action.pk] != action.version:
            message = _("Someone else saved this in the meantime; your changes were not saved.")
            raise ValidationError(message)
    action = action or Action(plan=plan)
    before = (action.status, action.progress) if action.pk else ("", None)
    old_code = action.code
    data = dict(data)
    if not data.get("code") and not action.code:
        number = 1
        while f"A{number}" in codes:
            number += 1
        data["code"] = f"A{number}"
    if data.get("status") == ActionStatus.DONE and "progress" not in data:
        data["progress"] = 100
    for name in ("starts_on", "ends_on"):
        if data.get(name):
            data[name] = first_of_month(data[name])
    # The objective by its id: reading action.objective would cost a query per row.
    objective = data.pop("objective") if data.get("objective") is not None else None
    changed = assign_fields(action, data, ACTION_EDITABLE)
    if objective is not None and objective.pk != action.objective_id:
        action.objective = objective
        changed.append("objective")
    errors = _clean_fields(action, changed)
    if action.objective_id is None:
        errors["objective"] = [_("This field cannot be null.")]
    if action.pk is None or "code" in changed:
        other = codes.get(action.code)
        if other is not None and other not in (action, action.pk):
            errors["code"] = [
                _("The code %(code)s is already used in this plan.") % {"code": action.code}
            ]
        else:
            codes.pop(old_code, None)
            codes[action.code] = action
    if action.starts_on and action.ends_on and action.ends_on < action.starts_on:
        errors.setdefault("ends_on", []).append(_("The action cannot end before it starts."))
    if action.status == ActionStatus.DONE and action.progress != 100:
        # xgettext:no-python-format
        errors.setdefault("progress", []).append(_("A done action is 100% complete."))
    if errors:
        raise ValidationError(errors)
    return action, changed, before


def _deleted_history(model, objects: Sequence[models.Model], *, actor, when, batch_size) -> None:
    """The "deleted" records django-simple-history writes one by one on delete(), in bulk
    (its bulk helpers write only "created" and "changed" records)."""
    from django.conf import settings

    if not objects or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model.history.model
    history.objects.bulk_create(
        [
            history(
                history_date=when,
                history_user=actor,
                history_type="-",
                **{field.attname: getattr(obj, field.attname) for field in history.tracked_fields},
            )
            for obj in objects
        ],
        batch_size=batch_size,
    )


@transaction.atomic
def actions_bulk_save(
    *,
    actor,
    plan: Plan,
    items: Sequence[tuple[Action | None, Mapping, Sequence[Mapping] | None]],
    batch_size: int = BULK_BATCH_SIZE,
) -> list[str]:
    """Create or edit many actions of a plan at once, doing for each what action_save does:
    codes unique in the plan (the next free one when none is given), the fields' checks, a
    funding split that adds up to the cost and replaces the stored one, the version
    incremented, history in the actor's name, and progress_updated_at with a StatusChange
    when the status or progress changes. An item that changes nothing writes nothing.

    `items` are (the action, or None to add one; data as action_save takes it; the funding
    split, or None to leave it alone). An action saved by someone else since the caller read
    it is refused. A fixed number of queries, plus one per batch of rows written: no
    full_clean per row (it looks up each relation and constraint in the database); the
    database's constraints stay the last guard. Raises BulkItemError naming the item.

    Returns, for each item, "created", "updated" or "unchanged".
    """
    from django.db import router
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    require_perm(actor, "plans.edit_plan", plan)
    now = timezone.now()
    # Lock the plan's actions; read their codes (one per plan) and versions: one query.
    stored, codes = {}, {}
    for pk, code, version in (
        Action.objects.select_for_update().filter(plan=plan).values_list("pk", "code", "version")
    ):
        stored[pk] = version
        codes[code] = pk
    results: list[str] = []
    created: list[Action] = []
    updated: list[Action] = []
    update_fields = {"version"}
    new_fundings: list[Funding] = []
    replaced: list[int] = []  # the actions whose stored split goes
    cost_checks: list[tuple[int, Action]] = []
    changes: list[tuple[Action, str]] = []
    versions: list[tuple[Action, int]] = []  # to give back should the save fail

    try:
        for index, (action, data, fundings) in enumerate(items):
            try:
                action, changed, (old_status, old_progress) = _bulk_item(
                    plan, action, data, stored, codes
                )
                split = _bulk_fundings(action, fundings) if fundings is not None else None
            except ValidationError as error:
                raise BulkItemError(index, error) from error
            if action.pk and not changed and split is None:
                results.append("unchanged")
                continue
            if split is None and action.pk and "estimated_cost" in changed:
                cost_checks.append((index, action))
            if action.status != old_status or action.progress != old_progress:
                action.progress_updated_at = now
                changed.append("progress_updated_at")
                changes.append((action, old_status))
            versions.append((action, action.version))
            if action.pk:
                action.version = (action.version or 0) + 1
                update_fields.update(changed)
                updated.append(action)
                results.append("updated")
            else:
                action.version = 1
                created.append(action)
                results.append("created")
            if split is not None:
                new_fundings.extend(split)
                if action.pk:
                    replaced.append(action.pk)

        # A new cost without a new split must match the stored split (one query).
        if cost_checks:
            amounts: dict[int, list[Decimal]] = {}
            for action_id, amount in Funding.objects.filter(
                action_id__in=[action.pk for _index, action in cost_checks]
            ).values_list("action_id", "amount"):
                amounts.setdefault(action_id, []).append(amount)
            for index, action in cost_checks:
                problem = funding_problems(action.estimated_cost, amounts.get(action.pk, []))
                if problem:
                    raise BulkItemError(index, ValidationError({"estimated_cost": problem}))

        if created:
            bulk_create_with_history(
                created, Action, batch_size=batch_size, default_user=actor, default_date=now
            )
        if updated:
            bulk_update_with_history(
                updated,
                Action,
                sorted(update_fields),
                batch_size=batch_size,
                default_user=actor,
                default_date=now,
            )
        if replaced:
            old = list(Funding.objects.filter(action_id__in=replaced))
            _deleted_history(Funding, old, actor=actor, when=now, batch_size=batch_size)
            # One DELETE, without per-object signals: the deletion's history is written above,
            # and nothing refers to a funding.
            gone = Funding.objects.filter(pk__in=[funding.pk for funding in old])
            gone._raw_delete(router.db_for_write(Funding))
        if new_fundings:  # bulk_create takes the new actions' ids from funding.action
            bulk_create_with_history(
                new_fundings, Funding, batch_size=batch_size, default_user=actor, default_date=now
            )
        objects_bulk_saved.send(
            sender=Action, ids=[action.pk for action in (*created, *updated) if action.pk]
        )
        if changes:
            StatusChange.objects.bulk_create(
                [
                    StatusChange(
                        action=action,
                        old_status=old_status,
                        new_status=action.status,
                        progress=action.progress,
                        changed_at=now,
                        changed_by=actor,
                    )
                    for action, old_status in changes
                ],
                batch_size=batch_size,
            )
    except Exception:
        # The transaction rolls back: the caller's actions must not claim versions they lost.
        for action, version in versions:
            action.version = version
        raise
    return results
