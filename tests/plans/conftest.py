"""A small plan for Botoșani, built through the services as an editor would."""

import datetime as dt
from decimal import Decimal

import pytest

from di4c.plans import services
from di4c.plans.models import Plan


def build_plan(editor, organisation, network, *, actions: int = 3) -> Plan:
    """A plan with two strategic objectives (one with a specific objective), `actions`
    actions with costs, funding splits, risks, outputs and a test action, and a result
    indicator with measurements. Replaces the demo's plan of that city, if any."""
    Plan.objects.filter(organisation=organisation, network=network).delete()
    plan = services.plan_create(
        actor=editor, organisation=organisation, network=network, title="Botoșani Digital 2030"
    )
    plan = services.plan_update(
        actor=editor,
        plan=plan,
        base_version=plan.version,
        data={
            "vision_headline": "Botoșani: every public service one click away",
            "vision_story": "In 2030 citizens of Botoșani do everything online.",
            "context": "A medium-sized city in north-east Romania.",
        },
    )
    first = services.objective_save(
        actor=editor, plan=plan, data={"code": "SO1", "title": "A digital city hall"}
    )
    second = services.objective_save(
        actor=editor, plan=plan, data={"code": "SO2", "title": "Skilled civil servants"}
    )
    specific = services.objective_save(
        actor=editor,
        plan=plan,
        data={"code": "SO1.1", "title": "Services online", "parent": first},
    )
    indicator = services.indicator_save(
        actor=editor,
        objective=first,
        data={
            "name": "Requests made online",
            "unit": "%",
            "baseline_value": Decimal(20),
            "baseline_on": dt.date(2022, 1, 1),
            "target_value": Decimal(60),
            "target_on": dt.date(2026, 12, 31),
            "data_source": "City hall registry",
            "frequency": "yearly",
        },
    )
    services.measurement_add(
        actor=editor, indicator=indicator, measured_on=dt.date(2023, 12, 31), value=Decimal(30)
    )
    objectives = [specific, second]
    for number in range(1, actions + 1):
        cost = Decimal(10000 * number)
        services.action_save(
            actor=editor,
            plan=plan,
            data={
                "objective": objectives[number % 2],
                "code": f"A{number}",
                "title": f"Action number {number}",
                "lead_department": "IT department" if number % 2 else "Human resources",
                "contact_person": "Andrei Ionescu",
                "contact_email": "andrei@example.org",
                "starts_on": dt.date(2023, 1 + number % 12, 1),
                "ends_on": dt.date(2024, 1 + number % 12, 1),
                "estimated_cost": cost,
                "status": "on_track",
                "progress": (10 * number) % 100,
            },
            fundings=[
                {
                    "kind": "erdf",
                    "name": "ROP North-East",
                    "amount": cost * Decimal("0.6"),
                    "status": "secured",
                },
                {
                    "kind": "municipal",
                    "name": "",
                    "amount": cost * Decimal("0.4"),
                    "status": "planned",
                },
            ],
            risks=[
                {
                    "description": f"Supplier late ({number})",
                    "likelihood": 1 + number % 5,
                    "impact": 1 + (number + 2) % 5,
                    "mitigation": "Penalty clause",
                    "owner": "Procurement",
                }
            ],
            outputs=[{"name": "Services put online", "unit": "services", "target": 5}],
            tests=[
                {
                    "title": "Pilot with one desk",
                    "tried_from": dt.date(2023, 3, 1),
                    "tried_until": dt.date(2023, 4, 1),
                    "learned": "Citizens need help.",
                }
            ],
        )
    return plan


@pytest.fixture
def botosani_editor(demo_user):
    return demo_user("botosani-editor")


@pytest.fixture
def botosani_plan(demo, botosani, botosani_editor):
    return build_plan(botosani_editor, botosani, demo)
