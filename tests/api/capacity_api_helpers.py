"""Shared by the capacity API tests: a city's departments, roles and targets made through the
services, rounds, and answers that always go through the real submission service with links
from links_create."""

import datetime as dt

from django.utils import timezone

from di4c.capacity import services
from di4c.capacity.frameworks import current_framework
from di4c.capacity.models import Department, Round, StaffRole

API = "/api/v1"
CAPACITY = f"{API}/capacity"
JSON = "application/json"
# Distinct names, so that whatever capacity data the demo may hold never gets in the way.
DEPARTMENTS = (("API Taxes", 40), ("API Registry", 20), ("API Archive", 16))
ROLES = (("api-front", "Front office (API)", 4), ("api-it", "IT staff (API)", 6))


def field_errors(response, status=422) -> dict:
    """{place in the body: message} of a 4xx answer."""
    assert response.status_code == status, response.content
    return {tuple(item["loc"][1:]): item["msg"] for item in response.json()["detail"]}


def city_setup(organisation, actor) -> dict:
    """Three departments, two roles with a target for every competence (front office 4, IT 6).
    Returns the departments by name and the roles by code."""
    framework = current_framework()
    departments = {
        name: services.department_save(
            actor=actor, organisation=organisation, data={"name": name, "staff_count": staff}
        )
        for name, staff in DEPARTMENTS
    }
    roles = {
        code: services.role_save(
            actor=actor,
            organisation=organisation,
            data={"code": code, "name": name, "position": position},
        )
        for position, (code, name, _target) in enumerate(ROLES)
    }
    codes = list(framework.competences.values_list("code", flat=True))
    services.targets_save(
        actor=actor,
        organisation=organisation,
        framework=framework,
        targets={code: dict.fromkeys(codes, target) for code, _name, target in ROLES},
    )
    return {"departments": departments, "roles": roles}


def make_round(organisation, actor, *, title="Skills (API)", access="links", areas=("1",)):
    """An open round on a few areas (short answers), opened yesterday."""
    framework = current_framework()
    today = timezone.localdate()
    round_ = services.round_save(
        actor=actor,
        organisation=organisation,
        data={
            "title": title,
            "opens_on": today - dt.timedelta(days=1),
            "closes_on": today + dt.timedelta(days=10),
            "access": access,
        },
        areas=list(framework.areas.filter(code__in=areas)),
    )
    return services.round_open(actor=actor, round_=round_)


def codes_of(round_: Round) -> list[str]:
    return [competence.code for competence in services.round_competences(round_)]


def answer(round_: Round, department: str, role: str, level: int, *, actor, count: int = 1):
    """`count` people of a department and role answer `level` everywhere, each through a
    fresh single-use link."""
    organisation = round_.organisation
    tokens = services.links_create(
        actor=actor,
        round_=round_,
        department=Department.objects.get(organisation=organisation, name=department),
        count=count,
    )
    levels = dict.fromkeys(codes_of(round_), level)
    for token in tokens:
        services.self_assessment_submit(round_=round_, role=role, levels=levels, token=token)


def role_of(organisation, code: str) -> StaffRole:
    return StaffRole.objects.get(organisation=organisation, code=code)
