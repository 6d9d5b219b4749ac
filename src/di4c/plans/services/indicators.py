"""Writes of result indicators and their measurements; the series of indicators bound to
the maturity and services apps, kept in line with them; and the closed loop, which turns a
maturity gap or an offline service into an objective or action of the plan."""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from di4c.core.services import assign_fields, require_perm
from di4c.plans.models import (
    Action,
    Binding,
    Measurement,
    MeasurementSource,
    Objective,
    Plan,
    ResultIndicator,
)
from di4c.plans.services.actions import action_save, objective_save
from di4c.plans.services.common import check_version, versioned_save

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
    check_version(indicator, base_version)
    assign_fields(indicator, data, INDICATOR_EDITABLE)
    versioned_save(indicator, actor)
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
    measurement._history_user = actor
    measurement.save()
    return measurement


@transaction.atomic
def measurement_delete(*, actor, measurement: Measurement) -> None:
    require_perm(actor, "plans.edit_plan", measurement.indicator.objective.plan)
    if measurement.source != MeasurementSource.MANUAL:
        raise ValidationError(_("Measurements taken from the platform's data cannot be deleted."))
    measurement._history_user = actor
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
    if binding == Binding.CAPACITY_AT_TARGET:
        from di4c.capacity.selectors import at_target_series

        return [
            (f"round:{round_.pk}", round_.closes_on, share)
            for round_, share in at_target_series(organisation)
        ]
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
    if indicator.binding == Binding.SERVICE_UPTAKE and not indicator.service_id:
        # Its service was removed from the catalogue: the series stays as it was measured.
        return 0
    if indicator.binding in (Binding.MATURITY_OVERALL, Binding.MATURITY_DIMENSION):
        source = MeasurementSource.MATURITY
    elif indicator.binding == Binding.CAPACITY_AT_TARGET:
        source = MeasurementSource.CAPACITY
    else:
        source = MeasurementSource.SERVICES
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
    organisation, *, maturity: bool = False, services: bool = False, capacity: bool = False
) -> int:
    """Called by the maturity, services and capacity apps when a city's figures change."""
    bindings = [Binding.CAPACITY_AT_TARGET] if capacity else []
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
        existing.was_created = False
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
    objective.was_created = True
    return objective


@transaction.atomic
def objective_from_gap(*, actor, plan: Plan, assessment, indicator) -> Objective:
    """The dimension's objective (`was_created` says whether it is new)."""
    require_perm(actor, "plans.edit_plan", plan)
    if assessment.organisation_id != plan.organisation_id:
        raise ValidationError(_("The assessment is of another city."))
    # Written in the plan's language, whoever clicks.
    with translation.override(plan.language):
        return _dimension_objective(actor, plan, indicator, assessment)


@transaction.atomic
def action_from_gap(*, actor, plan: Plan, assessment, indicator) -> Action:
    """One click: an action to close a maturity gap, under the dimension's objective."""
    require_perm(actor, "plans.edit_plan", plan)
    if assessment.organisation_id != plan.organisation_id:
        raise ValidationError(_("The assessment is of another city."))
    answer = assessment.answers.filter(indicator=indicator).first()
    level = answer.level if answer and answer.level is not None else 0
    with translation.override(plan.language):
        return _action_from_gap(actor, plan, assessment, indicator, level)


def _action_from_gap(actor, plan, assessment, indicator, level) -> Action:
    options = indicator.level_options()
    next_level = min(level + 1, len(options) - 1)
    objective = _dimension_objective(actor, plan, indicator, assessment)
    action = action_save(
        actor=actor,
        plan=plan,
        data={
            "objective": objective,
            # The aim, in the words of the framework's next level.
            "title": (
                _("%(code)s, level %(level)s: %(aim)s")
                % {"code": indicator.code, "level": next_level, "aim": options[next_level][1]}
            )[:300],
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
    with translation.override(plan.language):
        return _action_from_service(actor, plan, service)


def _action_from_service(actor, plan: Plan, service) -> Action:
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
    # A second click for the same service adds an action, not a second identical indicator.
    if not objective.indicators.filter(binding=Binding.SERVICE_UPTAKE, service=service).exists():
        _service_indicator(actor, objective, service)
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


def _service_indicator(actor, objective: Objective, service) -> ResultIndicator:
    indicator = indicator_save(
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
    baseline_from_series(indicator)
    return indicator


def baseline_from_series(indicator: ResultIndicator) -> None:
    """A bound indicator without a baseline takes its first measured value as baseline."""
    if indicator.baseline_value is not None:
        return
    first = indicator.measurements.order_by("measured_on").first()
    if first is not None:
        indicator.baseline_value = first.value
        indicator.baseline_on = first.measured_on
        indicator.save(update_fields=["baseline_value", "baseline_on"])


# --- from a training need (capacity app) -------------------------------------------------------


def _skills_objective(actor, plan: Plan) -> Objective:
    """The plan's objective on staff skills, with an indicator fed by each self-assessment
    round; created when the plan has none yet."""
    existing = Objective.objects.filter(
        plan=plan, indicators__binding=Binding.CAPACITY_AT_TARGET
    ).first()
    if existing is not None:
        return existing
    objective = objective_save(
        actor=actor,
        plan=plan,
        data={
            "title": _("Raise the digital skills of the city's staff"),
            "problem": _(
                "The staff self-assessment shows people below the level their role needs."
            ),
        },
    )
    indicator = indicator_save(
        actor=actor,
        objective=objective,
        data={
            "name": _("Staff self-ratings at or above their role's target"),
            "unit": "%",
            "target_value": Decimal(80),
            "data_source": _("di4c staff digital-skills self-assessment"),
            "frequency": "yearly",
            "binding": Binding.CAPACITY_AT_TARGET,
        },
    )
    baseline_from_series(indicator)
    return objective


@transaction.atomic
def action_from_training_need(*, actor, plan: Plan, need, round_) -> Action:
    """One click: a training action for a need found by a self-assessment round (a
    department group and a competence), under the plan's staff-skills objective."""
    require_perm(actor, "plans.edit_plan", plan)
    if round_.organisation_id != plan.organisation_id:
        raise ValidationError(_("The self-assessment round is of another city."))
    from di4c.capacity.selectors import OTHER
    from di4c.capacity.selectors.results import other_label

    competence, stats = need.competence, need.stats
    with translation.override(plan.language):
        group = other_label() if need.group.key == OTHER else need.group.label
        objective = _skills_objective(actor, plan)
        action = action_save(
            actor=actor,
            plan=plan,
            data={
                "objective": objective,
                "title": (
                    _("Training: %(competence)s (%(group)s)")
                    % {"competence": competence.display_name, "group": group}
                )[:300],
                "description": _(
                    "%(below)s of %(rated)s people are below their role's target in "
                    "%(code)s; average level %(level)s against a target of %(target)s "
                    "(%(round)s)."
                )
                % {
                    "below": stats.below,
                    "rated": stats.rated,
                    "code": competence.code,
                    "level": stats.mean_level,
                    "target": stats.mean_target,
                    "round": round_.title,
                },
            },
        )
    action.source_competence = competence
    action.save(update_fields=["source_competence"])
    return action
