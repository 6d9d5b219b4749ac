"""Fixtures shared by the capacity tests: a city with departments, roles and targets, and a
round to answer. Answers always go through the real submission service."""

import datetime as dt

import pytest
from django.utils import timezone

from di4c.capacity import services
from di4c.capacity.frameworks import current_framework
from di4c.capacity.models import Department, StaffRole


@pytest.fixture
def framework(db):
    return current_framework()


@pytest.fixture
def city_setup(botosani, demo_user, framework):
    """Botoșani with three departments and two roles whose targets are set by hand."""
    editor = demo_user("botosani-editor")
    for name, staff in (("Taxes", 40), ("Registry", 20), ("Archive", 6)):
        services.department_save(
            actor=editor, organisation=botosani, data={"name": name, "staff_count": staff}
        )
    for position, (code, name) in enumerate((("front", "Front office"), ("it", "IT staff"))):
        services.role_save(
            actor=editor,
            organisation=botosani,
            data={"code": code, "name": name, "position": position},
        )
    codes = list(framework.competences.values_list("code", flat=True))
    services.targets_save(
        actor=editor,
        organisation=botosani,
        framework=framework,
        targets={"front": dict.fromkeys(codes, 4), "it": dict.fromkeys(codes, 6)},
    )
    return botosani


def department(organisation, name) -> Department:
    return Department.objects.get(organisation=organisation, name=name)


def role(organisation, code) -> StaffRole:
    return StaffRole.objects.get(organisation=organisation, code=code)


@pytest.fixture
def open_round(city_setup, demo_user, framework):
    """An open round on two areas (so answers are short), answered through links."""
    editor = demo_user("botosani-editor")
    today = timezone.localdate()
    round_ = services.round_save(
        actor=editor,
        organisation=city_setup,
        data={
            "title": "Skills 2026",
            "opens_on": today - dt.timedelta(days=1),
            "closes_on": today + dt.timedelta(days=10),
            "access": "links",
        },
        areas=list(framework.areas.filter(code__in=["1", "6"])),
    )
    return services.round_open(actor=editor, round_=round_)


def answer(round_, department_name: str, role_code: str, levels, *, editor):
    """One person answers through a fresh link. `levels`: an int for every competence, or a
    {code: level} mapping (missing codes get 3)."""
    organisation = round_.organisation
    [token] = services.links_create(
        actor=editor, round_=round_, department=department(organisation, department_name), count=1
    )
    codes = [c.code for c in services.round_competences(round_)]
    if isinstance(levels, int):
        levels = dict.fromkeys(codes, levels)
    else:
        levels = {code: levels.get(code, 3) for code in codes}
    services.self_assessment_submit(round_=round_, role=role_code, levels=levels, token=token)
    return token
