"""Writes of the plans app. Each use case is one transaction and checks the actor's role first.

Edits of plans, objectives, actions and indicators carry the version they started from: a save
based on an outdated version raises EditConflict, which names what changed meanwhile and who
changed it, so that the caller can show it and keep the user's text.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from di4c.core.services import assign_fields, require_perm, validated_save
from di4c.plans.models import (
    TRANSITIONS,
    Action,
    ActionStatus,
    Binding,
    Comment,
    Funding,
    Measurement,
    MeasurementSource,
    Objective,
    OutputIndicator,
    Plan,
    PlanSnapshot,
    PlanStatus,
    ResultIndicator,
    Risk,
    StatusChange,
    TestAction,
)

PLAN_EDITABLE = (
    "title",
    "vision_headline",
    "vision_story",
    "context",
    "update_cycle",
    "weighting",
    "language",
)
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
INDICATOR_EDITABLE = (
    "name",
    "unit",
    "baseline_value",
    "baseline_on",
    "target_value",
    "target_on",
    "data_source",
    "frequency",
    "binding",
    "framework_code",
    "dimension_code",
    "service",
)
CHILD_FIELDS = {
    "fundings": (Funding, ("kind", "name", "amount", "status")),
    "risks": (Risk, ("description", "likelihood", "impact", "mitigation", "owner")),
    "outputs": (OutputIndicator, ("name", "unit", "target", "achieved")),
    "tests": (TestAction, ("title", "tried_from", "tried_until", "learned")),
}


class EditConflict(Exception):
    """Someone saved the record after the user started editing it."""

    def __init__(self, current: models.Model, changes: list[dict]):
        self.current = current
        self.changes = changes
        super().__init__(_("Someone else saved this in the meantime; your changes were not saved."))


def _conflict_changes(current: models.Model, base_version: int) -> list[dict]:
    """What changed since `base_version`, field by field, with who changed it and when."""
    base = current.history.filter(version=base_version).order_by("-history_date").first()
    newest = current.history.select_related("history_user").order_by("-history_date").first()
    if base is None or newest is None:
        return []
    changes = []
    for change in newest.diff_against(base).changes:
        if change.field in ("version", "progress_updated_at", "reminded_at"):
            continue
        changes.append(
            {
                "field": str(current._meta.get_field(change.field).verbose_name),
                "name": change.field,
                "old": change.old,
                "new": change.new,
            }
        )
    authors = (
        current.history.filter(version__gt=base_version)
        .select_related("history_user")
        .order_by("history_date")
    )
    people = sorted({str(record.history_user) for record in authors if record.history_user})
    for change in changes:
        change["by"] = ", ".join(people)
        change["at"] = newest.history_date
    return changes


def _check_version(instance: models.Model, base_version: int | None) -> None:
    """Lock the stored row and refuse the save if it moved past the version the user had."""
    if instance.pk is None or base_version is None:
        return
    stored = type(instance).objects.select_for_update().filter(pk=instance.pk).first()
    if stored is None:
        raise ValidationError(_("This record was deleted in the meantime."))
    if stored.version != base_version:
        raise EditConflict(stored, _conflict_changes(stored, base_version))


def _versioned_save(instance: models.Model, actor) -> None:
    previous = instance.version
    instance.version = (previous or 0) + 1 if instance.pk else 1
    try:
        validated_save(instance, actor=actor)
    except Exception:
        # The transaction rolls back; the caller's object must not claim a version it lost.
        instance.version = previous
        raise


def _code_free(queryset, instance, code: str) -> None:
    """Codes name objectives and actions in tables and imports: one of each per plan."""
    if code and queryset.exclude(pk=instance.pk).filter(code=code).exists():
        raise ValidationError(
            {"code": _("The code %(code)s is already used in this plan.") % {"code": code}}
        )


def _same_plan(plan: Plan, obj, field: str) -> None:
    if obj is not None and obj.plan_id != plan.pk:
        raise ValidationError({field: _("This belongs to another plan.")})


# --- the plan -----------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor, organisation, network, title: str, language: str = "en") -> Plan:
    require_perm(actor, "plans.create_plan", organisation)
    if not organisation.partnerships.filter(network=network).exists():
        raise ValidationError({"network": _("The city is not a partner of this network.")})
    if Plan.objects.filter(organisation=organisation, network=network).exists():
        raise ValidationError({"network": _("The city already has a plan in this network.")})
    plan = Plan(organisation=organisation, network=network, title=title, language=language)
    _versioned_save(plan, actor)
    baseline_take(actor=actor, plan=plan)
    return plan


@transaction.atomic
def plan_update(*, actor, plan: Plan, data: Mapping, base_version: int | None) -> Plan:
    require_perm(actor, "plans.edit_plan", plan)
    _check_version(plan, base_version)
    assign_fields(plan, data, PLAN_EDITABLE)
    _versioned_save(plan, actor)
    return plan


def baseline_data(organisation) -> dict:
    """Where the city stands, from its latest validated maturity assessment and its services
    index: the plan's baseline, kept as a snapshot with its date."""
    from di4c.maturity.models import Assessment, Scale, Status
    from di4c.services.selectors import index_by_year

    baseline: dict = {"taken_on": timezone.localdate().isoformat(), "maturity": None}
    latest = (
        Assessment.objects.filter(
            organisation=organisation,
            status=Status.VALIDATED,
            framework__scale=Scale.LEVELS,
        )
        .select_related("framework")
        .prefetch_related("dimension_scores__dimension")
        .order_by("-validated_at")
        .first()
    )
    if latest is not None:
        baseline["maturity"] = {
            "assessment": latest.pk,
            "framework": latest.framework.code,
            "framework_name": latest.framework.name,
            "version": latest.framework.version,
            "validated_on": latest.validated_at.date().isoformat(),
            "overall": str(latest.overall_score),
            "dimensions": [
                {
                    "code": score.dimension.code,
                    "name": score.dimension.name,
                    "name_i18n": score.dimension.name_i18n,
                    "score": str(score.score),
                }
                for score in sorted(
                    latest.dimension_scores.all(), key=lambda s: s.dimension.position
                )
            ],
        }
    years = index_by_year(organisation)
    baseline["services"] = None
    if years:
        year = years[-1]
        baseline["services"] = {
            "year": year.year,
            "services": year.services,
            "online_share": _str(year.online_share),
            "key_fully_online_share": _str(year.key_fully_online_share),
            "average_level": _str(year.average_level),
            "uptake": _str(year.uptake),
        }
    return baseline


def _str(value) -> str | None:
    return None if value is None else str(value)


@transaction.atomic
def baseline_take(*, actor, plan: Plan) -> Plan:
    """(Re)take the baseline from the maturity and services apps."""
    require_perm(actor, "plans.edit_plan", plan)
    plan.baseline = baseline_data(plan.organisation)
    plan.baseline_taken_at = timezone.now()
    plan.save(update_fields=["baseline", "baseline_taken_at"])
    return plan


@transaction.atomic
def plan_transition(
    *,
    actor,
    plan: Plan,
    status: str,
    adopted_on: dt.date | None = None,
    adoption_reference: str = "",
) -> Plan:
    """Move the plan along its lifecycle and keep a snapshot of it as it stands."""
    from di4c.plans.selectors import plan_content

    require_perm(actor, "plans.change_status", plan)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if status not in TRANSITIONS.get(plan.status, ()):
        raise ValidationError(
            {
                "status": _("A plan cannot go from “%(old)s” to “%(new)s”.")
                % {
                    "old": PlanStatus(plan.status).label,
                    "new": PlanStatus(status).label if status in PlanStatus.values else status,
                }
            }
        )
    if status == PlanStatus.ADOPTED:
        errors = {}
        if adopted_on is None:
            errors["adopted_on"] = _("Give the date of the council's decision.")
        elif adopted_on > timezone.localdate():
            errors["adopted_on"] = _("The decision date cannot be in the future.")
        if not (adoption_reference or "").strip():
            errors["adoption_reference"] = _("Give the reference of the council's decision.")
        if errors:
            raise ValidationError(errors)
        plan.adopted_on = adopted_on
        plan.adoption_reference = adoption_reference.strip()
    plan.status = status
    _versioned_save(plan, actor)
    PlanSnapshot.objects.create(
        plan=plan, status=status, taken_by=actor, content=plan_content(plan.pk)
    )
    return plan


@transaction.atomic
def plan_publish(*, actor, plan: Plan, public: bool) -> Plan:
    require_perm(actor, "plans.publish_plan", plan)
    plan.is_public = public
    plan._history_user = actor
    plan.save(update_fields=["is_public"])
    return plan


@transaction.atomic
def contributors_set(*, actor, plan: Plan, users: Iterable) -> None:
    """Name the local group members who may edit the plan."""
    from di4c.accounts.models import Membership, Role

    require_perm(actor, "plans.manage_contributors", plan)
    users = list(users)
    members = set(
        Membership.objects.filter(
            organisation_id=plan.organisation_id, role=Role.LOCAL_GROUP_MEMBER
        ).values_list("user_id", flat=True)
    )
    outsiders = [str(user) for user in users if user.pk not in members]
    if outsiders:
        raise ValidationError(
            {
                "contributors": _("Not local group members of the city: %(names)s.")
                % {"names": ", ".join(outsiders)}
            }
        )
    plan.contributors.set(users)
    plan._contributor_ids = {user.pk for user in users}


# --- objectives ---------------------------------------------------------------------------


def _next_code(queryset, prefix: str) -> str:
    taken = set(queryset.values_list("code", flat=True))
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


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
    _same_plan(plan, objective, "objective")
    _same_plan(plan, data.get("parent"), "parent")
    objective = objective or Objective(plan=plan)
    _check_version(objective, base_version)
    data = dict(data)
    if not data.get("code") and not objective.code:
        data["code"] = _next_code(plan.objectives, "SO" if not data.get("parent") else "O")
    assign_fields(objective, data, OBJECTIVE_EDITABLE)
    _code_free(plan.objectives, objective, objective.code)
    _versioned_save(objective, actor)
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
        return _(
            "The funding split adds up to %(total)s EUR, not to the estimated cost of %(cost)s EUR."
        ) % {"total": f"{total:,.2f}", "cost": f"{Decimal(cost or 0):,.2f}"}
    return None


def _replace_children(action: Action, name: str, rows: Sequence[Mapping]) -> None:
    model, fields = CHILD_FIELDS[name]
    getattr(action, name).all().delete()
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
    model.objects.bulk_create(created)


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
    _same_plan(plan, action, "action")
    _same_plan(plan, data.get("objective"), "objective")
    action = action or Action(plan=plan)
    _check_version(action, base_version)
    old_status, old_progress = (action.status, action.progress) if action.pk else ("", None)
    data = dict(data)
    if not data.get("code") and not action.code:
        data["code"] = _next_code(plan.actions, "A")
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
    _versioned_save(action, actor)
    for name, rows in (
        ("fundings", fundings),
        ("risks", risks),
        ("outputs", outputs),
        ("tests", tests),
    ):
        if rows is not None:
            _replace_children(action, name, rows)
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


# --- result indicators and measurements ----------------------------------------------------


@transaction.atomic
def indicator_save(
    *,
    actor,
    objective: Objective,
    data: Mapping,
    indicator: ResultIndicator | None = None,
    base_version: int | None = None,
) -> ResultIndicator:
    require_perm(actor, "plans.edit_plan", objective.plan)
    if indicator is not None and indicator.objective.plan_id != objective.plan_id:
        raise ValidationError({"indicator": _("This belongs to another plan.")})
    indicator = indicator or ResultIndicator(objective=objective)
    indicator.objective = objective
    _check_version(indicator, base_version)
    assign_fields(indicator, data, INDICATOR_EDITABLE)
    _versioned_save(indicator, actor)
    indicator_sync(indicator)
    return indicator


@transaction.atomic
def indicator_delete(*, actor, indicator: ResultIndicator) -> None:
    require_perm(actor, "plans.edit_plan", indicator.objective.plan)
    indicator._history_user = actor
    indicator.delete()


@transaction.atomic
def measurement_add(
    *, actor, indicator: ResultIndicator, measured_on: dt.date, value: Decimal, note: str = ""
) -> Measurement:
    require_perm(actor, "plans.edit_plan", indicator.objective.plan)
    if indicator.binding:
        raise ValidationError(
            {"value": _("This indicator is measured from the platform's data by itself.")}
        )
    if measured_on > timezone.localdate():
        raise ValidationError({"measured_on": _("A measurement cannot be in the future.")})
    measurement = Measurement(
        indicator=indicator, measured_on=measured_on, value=value, note=note, recorded_by=actor
    )
    measurement.full_clean()
    measurement.save()
    return measurement


@transaction.atomic
def measurement_delete(*, actor, measurement: Measurement) -> None:
    require_perm(actor, "plans.edit_plan", measurement.indicator.objective.plan)
    if measurement.source != MeasurementSource.MANUAL:
        raise ValidationError(_("Measurements taken from the platform's data cannot be deleted."))
    measurement.delete()


def _bound_values(indicator: ResultIndicator) -> list[tuple[str, dt.date, Decimal]]:
    """(source_ref, date, value) of every value the indicator's source holds."""
    from di4c.maturity.models import Assessment, DimensionScore, Status
    from di4c.services.models import ServiceYear
    from di4c.services.selectors import index_by_year

    organisation = indicator.objective.plan.organisation
    binding = indicator.binding
    if binding == Binding.MATURITY_OVERALL:
        rows = Assessment.objects.filter(
            organisation=organisation,
            framework__code=indicator.framework_code,
            status=Status.VALIDATED,
            overall_score__isnull=False,
        ).values_list("pk", "validated_at", "overall_score")
        return [(f"assessment:{pk}", when.date(), score) for pk, when, score in rows]
    if binding == Binding.MATURITY_DIMENSION:
        rows = DimensionScore.objects.filter(
            assessment__organisation=organisation,
            assessment__framework__code=indicator.framework_code,
            assessment__status=Status.VALIDATED,
            dimension__code=indicator.dimension_code,
        ).values_list("assessment_id", "assessment__validated_at", "score")
        return [(f"assessment:{pk}", when.date(), score) for pk, when, score in rows]
    if binding in (Binding.SERVICES_ONLINE, Binding.SERVICES_UPTAKE):
        values = []
        for year in index_by_year(organisation):
            value = year.online_share if binding == Binding.SERVICES_ONLINE else year.uptake
            if value is not None:
                values.append((f"year:{year.year}", dt.date(year.year, 12, 31), value))
        return values
    if binding == Binding.SERVICE_UPTAKE and indicator.service_id:
        rows = ServiceYear.objects.filter(
            service_id=indicator.service_id,
            total_requests__gt=0,
            online_requests__isnull=False,
        ).values_list("year", "total_requests", "online_requests")
        return [
            (
                f"year:{year}",
                dt.date(year, 12, 31),
                (Decimal(online) * 100 / Decimal(total)).quantize(Decimal("0.1")),
            )
            for year, total, online in rows
        ]
    return []


def indicator_sync(indicator: ResultIndicator) -> int:
    """Bring a bound indicator's series in line with its source: one measurement per
    validated assessment or per year of figures, added or updated, never twice. Returns how
    many measurements were added."""
    automatic = indicator.measurements.exclude(source=MeasurementSource.MANUAL)
    if not indicator.binding:
        automatic.delete()
        return 0
    source = (
        MeasurementSource.MATURITY
        if indicator.binding in (Binding.MATURITY_OVERALL, Binding.MATURITY_DIMENSION)
        else MeasurementSource.SERVICES
    )
    stored = {m.source_ref: m for m in automatic}
    wanted = _bound_values(indicator)
    added, changed = [], []
    for ref, when, value in wanted:
        value = Decimal(value).quantize(Decimal("0.01"))
        existing = stored.pop(ref, None)
        if existing is None:
            added.append(
                Measurement(
                    indicator=indicator,
                    measured_on=when,
                    value=value,
                    source=source,
                    source_ref=ref,
                )
            )
        elif existing.value != value or existing.measured_on != when:
            existing.value, existing.measured_on = value, when
            changed.append(existing)
    Measurement.objects.bulk_create(added)
    Measurement.objects.bulk_update(changed, ["value", "measured_on"])
    # A source record that is gone (an assessment sent back, a year deleted) leaves the series.
    Measurement.objects.filter(pk__in=[m.pk for m in stored.values()]).delete()
    return len(added)


def indicators_sync_for_organisation(
    organisation, *, maturity: bool = False, services: bool = False
) -> int:
    """Called by the maturity and services apps when a city's figures change."""
    bindings = []
    if maturity:
        bindings += [Binding.MATURITY_OVERALL, Binding.MATURITY_DIMENSION]
    if services:
        bindings += [Binding.SERVICES_ONLINE, Binding.SERVICES_UPTAKE, Binding.SERVICE_UPTAKE]
    indicators = ResultIndicator.objects.filter(
        objective__plan__organisation=organisation, binding__in=bindings
    ).select_related("objective__plan__organisation")
    return sum(indicator_sync(indicator) for indicator in indicators)


# --- the closed loop: from a gap to the plan -------------------------------------------------


def _dimension_objective(actor, plan: Plan, indicator, assessment) -> Objective:
    """The plan's objective for the indicator's dimension, created (with a result indicator
    bound to the dimension's score) when the plan has none yet."""
    from di4c.maturity.selectors import targets_of

    dimension = indicator.dimension
    existing = Objective.objects.filter(
        plan=plan,
        indicators__binding=Binding.MATURITY_DIMENSION,
        indicators__dimension_code=dimension.code,
    ).first()
    if existing is not None:
        return existing
    objective = objective_save(
        actor=actor,
        plan=plan,
        data={
            "title": _("Improve: %(dimension)s") % {"dimension": dimension.display_name},
            "problem": _("The maturity assessment shows a gap in “%(dimension)s”.")
            % {"dimension": dimension.display_name},
        },
    )
    score = (
        assessment.dimension_scores.filter(dimension=dimension)
        .values_list("score", flat=True)
        .first()
    )
    target = targets_of(plan.organisation, assessment.framework).get(dimension.code)
    indicator_save(
        actor=actor,
        objective=objective,
        data={
            "name": _("Maturity score: %(dimension)s") % {"dimension": dimension.display_name},
            "unit": _("points (0-100)"),
            "baseline_value": score,
            "baseline_on": assessment.validated_at.date() if assessment.validated_at else None,
            "target_value": target if target is not None else Decimal(75),
            "data_source": _("di4c maturity assessment"),
            "frequency": "assessment",
            "binding": Binding.MATURITY_DIMENSION,
            "framework_code": assessment.framework.code,
            "dimension_code": dimension.code,
        },
    )
    objective.source_indicator = indicator
    objective.save(update_fields=["source_indicator"])
    return objective


@transaction.atomic
def objective_from_gap(*, actor, plan: Plan, assessment, indicator) -> Objective:
    require_perm(actor, "plans.edit_plan", plan)
    if assessment.organisation_id != plan.organisation_id:
        raise ValidationError(_("The assessment is of another city."))
    return _dimension_objective(actor, plan, indicator, assessment)


@transaction.atomic
def action_from_gap(*, actor, plan: Plan, assessment, indicator) -> Action:
    """One click: an action to close a maturity gap, under the dimension's objective."""
    require_perm(actor, "plans.edit_plan", plan)
    if assessment.organisation_id != plan.organisation_id:
        raise ValidationError(_("The assessment is of another city."))
    answer = assessment.answers.filter(indicator=indicator).first()
    level = answer.level if answer and answer.level is not None else 0
    options = indicator.level_options()
    next_level = min(level + 1, len(options) - 1)
    objective = _dimension_objective(actor, plan, indicator, assessment)
    action = action_save(
        actor=actor,
        plan=plan,
        data={
            "objective": objective,
            "title": _("%(code)s: reach level %(level)s")
            % {"code": indicator.code, "level": next_level}
            + f" – {indicator.display_question}"[:200],
            "description": _(
                "Now (level %(now)s): %(now_text)s\nAim (level %(next)s): %(next_text)s"
            )
            % {
                "now": level,
                "now_text": options[level][1],
                "next": next_level,
                "next_text": options[next_level][1],
            },
        },
    )
    action.source_indicator = indicator
    action.save(update_fields=["source_indicator"])
    return action


@transaction.atomic
def action_from_service(*, actor, plan: Plan, service) -> Action:
    """One click: an action to bring an offline high-volume service online, with an objective
    and an indicator bound to the service's online share."""
    require_perm(actor, "plans.edit_plan", plan)
    if service.organisation_id != plan.organisation_id:
        raise ValidationError(_("The service belongs to another city."))
    objective = Objective.objects.filter(plan=plan, source_service=service).first()
    if objective is None:
        objective = Objective.objects.filter(
            plan=plan, indicators__binding=Binding.SERVICES_ONLINE
        ).first()
    if objective is None:
        objective = objective_save(
            actor=actor,
            plan=plan,
            data={
                "title": _("Bring the most used services online"),
                "problem": _("High-volume services are still handled on paper."),
            },
        )
        objective.source_service = service
        objective.save(update_fields=["source_service"])
    indicator_save(
        actor=actor,
        objective=objective,
        data={
            "name": _("Requests made online: %(service)s") % {"service": service.display_name},
            "unit": "%",
            "target_value": Decimal(60),
            "data_source": _("di4c services catalogue"),
            "frequency": "yearly",
            "binding": Binding.SERVICE_UPTAKE,
            "service": service,
        },
    )
    action = action_save(
        actor=actor,
        plan=plan,
        data={
            "objective": objective,
            "title": (_("Bring online: %(service)s") % {"service": service.display_name})[:300],
            "lead_department": service.department,
            "description": _("Today at level %(level)s of 4.") % {"level": service.level},
        },
    )
    action.source_service = service
    action.save(update_fields=["source_service"])
    return action


# --- comments and reminders ---------------------------------------------------------------


@transaction.atomic
def comment_add(*, actor, plan: Plan, text: str, action: Action | None = None) -> Comment:
    require_perm(actor, "plans.comment_plan", plan)
    _same_plan(plan, action, "action")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the comment.")})
    if "\x00" in text:
        raise ValidationError({"text": _("The text contains a NUL character; remove it.")})
    return Comment.objects.create(plan=plan, action=action, author=actor, text=text)


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """E-mail each action lead whose update is due (one update cycle without news), at most
    once per cycle. Run daily (`di4c manage plans_remind`)."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils import translation

    from di4c.plans.selectors import actions_due

    now = now or timezone.now()
    sent = 0
    for action in actions_due(now):
        with translation.override(action.plan.language):
            subject = _("Update due: %(action)s") % {"action": action}
            body = _(
                "Hello %(name)s,\n\nThe action “%(action)s” of the plan “%(plan)s” has had no "
                "progress update since %(date)s. Please update its status and progress:\n"
                "%(url)s\n\nThank you."
            ) % {
                "name": action.contact_person or action.contact_email,
                "action": action,
                "plan": action.plan,
                "date": action.progress_updated_at.date().isoformat(),
                "url": settings.SITE_URL.rstrip("/") + action.get_absolute_url(),
            }
        send_mail(subject, body, None, [action.contact_email])
        action.reminded_at = now
        action.save(update_fields=["reminded_at"])
        sent += 1
    return sent


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

    _same_plan(plan, action, "action")
    _same_plan(plan, data.get("objective"), "objective")
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
