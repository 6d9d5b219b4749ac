"""The demo's action plans: a complete one for Botoșani (data/demo_botosani_plan.yaml) and
shorter ones for every other current DI4C partner, built from their own maturity gaps and
busiest offline services through the same services the pages use (the closed loop).

Idempotent: a city that already has a plan in DI4C is left as it is.
"""

import datetime as dt
import random
from decimal import Decimal
from importlib import resources

import yaml
from django.db import transaction
from django.utils import timezone

from di4c.plans import services
from di4c.plans.models import Action, Binding, Plan, PlanSnapshot, PlanStatus, StatusChange

# Each partner's plan status in the demo: where it stood after the network ended.
SHORT_PLAN_STATUS = {
    "messina": PlanStatus.IMPLEMENTING,
    "oulu": PlanStatus.IMPLEMENTING,
    "trikala": PlanStatus.ADOPTED,
    "roquetas-de-mar": PlanStatus.ADOPTED,
    "saint-quentin": PlanStatus.SUBMITTED,
    "ventspils-digital-centre": PlanStatus.SUBMITTED,
    "portalegre": PlanStatus.ROADMAP,
}
PATH_TO = {
    PlanStatus.ROADMAP: [PlanStatus.ROADMAP],
    PlanStatus.SUBMITTED: [PlanStatus.ROADMAP, PlanStatus.SUBMITTED],
    PlanStatus.ADOPTED: [PlanStatus.ROADMAP, PlanStatus.SUBMITTED, PlanStatus.ADOPTED],
    PlanStatus.IMPLEMENTING: [
        PlanStatus.ROADMAP,
        PlanStatus.SUBMITTED,
        PlanStatus.ADOPTED,
        PlanStatus.IMPLEMENTING,
    ],
}
# When each step happened (the roadmap was due in September 2020, the final meeting was in
# July 2022), so that snapshots carry plausible dates.
STEP_DATES = {
    PlanStatus.ROADMAP: dt.date(2020, 9, 30),
    PlanStatus.SUBMITTED: dt.date(2022, 7, 6),
    PlanStatus.ADOPTED: dt.date(2022, 9, 29),
    PlanStatus.IMPLEMENTING: dt.date(2022, 10, 3),
}


def _month(value) -> dt.date | None:
    if not value:
        return None
    year, month = str(value).split("-")[:2]
    return dt.date(int(year), int(month), 1)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _walk(plan: Plan, actor, target: str, adopted_on: dt.date, reference: str) -> None:
    for status in PATH_TO.get(target, []):
        services.plan_transition(
            actor=actor,
            plan=plan,
            status=status,
            adopted_on=adopted_on if status == PlanStatus.ADOPTED else None,
            adoption_reference=reference if status == PlanStatus.ADOPTED else "",
        )
        PlanSnapshot.objects.filter(plan=plan, status=status).update(
            taken_at=_at(STEP_DATES[status])
        )


def _updated(plan: Plan, action: Action, stale: bool) -> None:
    """Spread the demo's progress updates over the past months; stale ones are old."""
    now = timezone.now()
    when = now - dt.timedelta(days=220 if stale else 20 + (action.pk % 40))
    Action.objects.filter(pk=action.pk).update(progress_updated_at=when)
    StatusChange.objects.filter(action=action).update(changed_at=when)


@transaction.atomic
def load_demo_plans() -> int:
    from di4c.accounts.models import User
    from di4c.networks.models import Network, Organisation

    network = Network.objects.filter(slug="di4c").first()
    if network is None:
        return 0
    created = 0
    botosani = Organisation.objects.filter(slug="botosani").first()
    coordinator = User.objects.filter(email="botosani-coordinator@demo.di4c.eu").first()
    if (
        botosani
        and coordinator
        and not Plan.objects.filter(organisation=botosani, network=network).exists()
    ):
        _botosani_plan(botosani, network, coordinator)
        created += 1
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    for slug, status in SHORT_PLAN_STATUS.items():
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None or admin is None:
            continue
        if Plan.objects.filter(organisation=organisation, network=network).exists():
            continue
        _short_plan(organisation, network, admin, status)
        created += 1
    return created


def _botosani_plan(organisation, network, actor) -> Plan:
    from di4c.accounts.models import User

    text = resources.files("di4c.plans").joinpath("data/demo_botosani_plan.yaml")
    data = yaml.safe_load(text.read_text("utf-8"))
    plan = services.plan_create(
        actor=actor,
        organisation=organisation,
        network=network,
        title=data["title"],
        language=data["language"],
    )
    plan = services.plan_update(
        actor=actor,
        plan=plan,
        base_version=plan.version,
        data={
            "vision_headline": data["vision_headline"],
            "vision_story": data["vision_story"].strip(),
            "context": data["context"].strip(),
            "update_cycle": data["update_cycle"],
        },
    )
    Plan.objects.filter(pk=plan.pk).update(is_demo=True)
    framework = (plan.baseline.get("maturity") or {}).get("framework", "di4c-city")
    objectives = {}

    def add_objective(row, parent=None):
        objective = services.objective_save(
            actor=actor,
            plan=plan,
            data={
                "code": row["code"],
                "title": row["title"],
                "problem": row.get("problem", ""),
                "parent": parent,
                "position": len(objectives),
            },
        )
        objectives[row["code"]] = objective
        for indicator_row in row.get("indicators", []):
            indicator_row = dict(indicator_row)
            measurements = indicator_row.pop("measurements", [])
            if indicator_row.get("binding", "").startswith("maturity"):
                indicator_row["framework_code"] = framework
            for key in ("baseline_value", "target_value"):
                if indicator_row.get(key) is not None:
                    indicator_row[key] = Decimal(str(indicator_row[key]))
            indicator = services.indicator_save(
                actor=actor, objective=objective, data=indicator_row
            )
            for day, value in measurements:
                services.measurement_add(
                    actor=actor, indicator=indicator, measured_on=day, value=Decimal(value)
                )
            if indicator.binding:
                services.baseline_from_series(indicator)
        for child in row.get("specific", []):
            add_objective(child, parent=objective)

    for row in data["objectives"]:
        add_objective(row)
    for position, row in enumerate(data["actions"]):
        action = services.action_save(
            actor=actor,
            plan=plan,
            data={
                "objective": objectives[row["objective"]],
                "code": row["code"],
                "title": row["title"],
                "description": row.get("description", ""),
                "lead_department": row.get("lead_department", ""),
                "contact_person": row.get("contact_person", ""),
                "contact_email": row.get("contact_email", ""),
                "partners": row.get("partners", ""),
                "stakeholders": row.get("stakeholders", ""),
                "starts_on": _month(row.get("starts_on")),
                "ends_on": _month(row.get("ends_on")),
                "estimated_cost": Decimal(row["estimated_cost"]),
                "status": row["status"],
                "progress": row["progress"],
                "position": position,
            },
            fundings=[
                {"kind": kind, "name": name, "amount": Decimal(amount), "status": status}
                for kind, name, amount, status in row.get("fundings", [])
            ],
            risks=[
                {
                    "description": description,
                    "likelihood": likelihood,
                    "impact": impact,
                    "mitigation": mitigation,
                    "owner": owner,
                }
                for description, likelihood, impact, mitigation, owner in row.get("risks", [])
            ],
            outputs=[
                {
                    "name": name,
                    "unit": unit,
                    "target": Decimal(target),
                    "achieved": Decimal(achieved),
                }
                for name, unit, target, achieved in row.get("outputs", [])
            ],
            tests=[
                {"title": title, "tried_from": start, "tried_until": end, "learned": learned}
                for title, start, end, learned in row.get("tests", [])
            ],
        )
        _updated(plan, action, row.get("stale", False))
    local_group = User.objects.filter(email="local-group@demo.di4c.eu")
    services.contributors_set(actor=actor, plan=plan, users=local_group)
    _walk(plan, actor, PlanStatus.IMPLEMENTING, data["adopted_on"], data["adoption_reference"])
    services.plan_publish(actor=actor, plan=Plan.objects.get(pk=plan.pk), public=True)
    return plan


def _short_plan(organisation, network, actor, status: str) -> Plan:
    """A shorter plan made from the city's own data: its two weakest maturity dimensions
    (two gaps each) and its busiest service still offline."""
    from di4c.maturity.models import Answer, Assessment
    from di4c.maturity.models import Status as AssessmentStatus
    from di4c.services.models import ServiceYear

    plan = services.plan_create(
        actor=actor,
        organisation=organisation,
        network=network,
        title=f"{organisation.display_name}: digital action plan",
    )
    Plan.objects.filter(pk=plan.pk).update(is_demo=True)
    assessment = (
        Assessment.objects.filter(
            organisation=organisation,
            status=AssessmentStatus.VALIDATED,
            framework__code="di4c-city",
        )
        .order_by("-validated_at")
        .first()
    )
    actions: list[Action] = []
    if assessment is not None:
        weakest = list(
            assessment.dimension_scores.select_related("dimension").order_by("score", "pk")[:2]
        )
        for score in weakest:
            answers = (
                Answer.objects.filter(assessment=assessment, indicator__dimension=score.dimension)
                .select_related("indicator__dimension", "indicator__framework")
                .order_by("level", "indicator__position")[:2]
            )
            for answer in answers:
                actions.append(
                    services.action_from_gap(
                        actor=actor, plan=plan, assessment=assessment, indicator=answer.indicator
                    )
                )
    busiest = (
        ServiceYear.objects.filter(service__organisation=organisation, level__lt=3)
        .select_related("service")
        .order_by("-year", "-total_requests")
        .first()
    )
    if busiest is not None:
        actions.append(
            services.action_from_service(actor=actor, plan=plan, service=busiest.service)
        )
    # Each city its own figures (seeded by the city, so that loading twice gives the same).
    rng = random.Random(f"plan-{organisation.slug}")
    for number, action in enumerate(actions):
        cost = Decimal(rng.randrange(10, 90) * 1000)
        secured = rng.random() < 0.7
        progress = (
            rng.choice([0, 10, 25, 35, 45, 60, 80, 100]) if status != PlanStatus.ROADMAP else 0
        )
        action_status = "done" if progress == 100 else ("on_track" if progress else "not_started")
        saved = services.action_save(
            actor=actor,
            plan=plan,
            action=action,
            base_version=action.version,
            data={
                "starts_on": dt.date(2021 + number % 3, 1 + (3 * number) % 12, 1),
                "ends_on": dt.date(2023 + number % 3, 1 + (3 * number) % 12, 1),
                "estimated_cost": cost,
                "status": action_status,
                "progress": progress,
            },
            fundings=[
                {
                    "kind": "erdf",
                    "name": "",
                    "amount": cost * Decimal("0.8"),
                    "status": "secured" if secured else "applied",
                },
                {
                    "kind": "municipal",
                    "name": "",
                    "amount": cost * Decimal("0.2"),
                    "status": "secured",
                },
            ],
            risks=[
                {
                    "description": "Procurement takes longer than planned",
                    "likelihood": 1 + number % 5,
                    "impact": 1 + (number * 2) % 5,
                    "mitigation": "Prepare the tender documents early",
                    "owner": "Procurement office",
                }
            ],
        )
        _updated(plan, saved, stale=number == 1 and status == PlanStatus.IMPLEMENTING)
    for indicator in plan_indicators(plan):
        services.baseline_from_series(indicator)
    _walk(plan, actor, status, dt.date(2022, 9, 15), "Council decision (demo data)")
    return plan


def plan_indicators(plan: Plan):
    from di4c.plans.models import ResultIndicator

    return ResultIndicator.objects.filter(objective__plan=plan).exclude(binding=Binding.NONE)
