"""Helpers the answer-page, training-page and phone browser tests share. Everything is made
through the capacity services, as a city's editor would make it."""

import datetime as dt
import re
from decimal import Decimal

from django.utils import timezone
from lxml import html as lxml_html

from di4c.capacity import services
from di4c.capacity.models import Department, StaffRole

DEPARTMENTS = (("Taxes", 40), ("Registry", 20))
ROLES = (("front", "Front office"), ("it", "IT staff"))


def ensure_city_setup(organisation, editor) -> None:
    """Departments and roles for a city (kept if a fixture made them already)."""
    for name, staff in DEPARTMENTS:
        if not Department.objects.filter(organisation=organisation, name=name).exists():
            services.department_save(
                actor=editor, organisation=organisation, data={"name": name, "staff_count": staff}
            )
    for position, (code, name) in enumerate(ROLES):
        if not StaffRole.objects.filter(organisation=organisation, code=code).exists():
            services.role_save(
                actor=editor,
                organisation=organisation,
                data={"code": code, "name": name, "position": position},
            )


def make_open_round(organisation, editor, *, access="links", area_codes=("1", "6"), title=None):
    """An open round on a few areas (so that answering is short)."""
    from di4c.capacity.frameworks import current_framework

    ensure_city_setup(organisation, editor)
    framework = current_framework()
    today = timezone.localdate()
    round_ = services.round_save(
        actor=editor,
        organisation=organisation,
        data={
            "title": title or f"Staff skills ({access})",
            "opens_on": today - dt.timedelta(days=1),
            "closes_on": today + dt.timedelta(days=14),
            "access": access,
        },
        areas=list(framework.areas.filter(code__in=area_codes)),
    )
    return services.round_open(actor=editor, round_=round_)


def link_for_department(round_, editor, department_name="Taxes") -> str:
    department = Department.objects.get(organisation=round_.organisation, name=department_name)
    [token] = services.links_create(actor=editor, round_=round_, department=department, count=1)
    return token


def competence_codes(round_) -> list[str]:
    return [c.code for c in services.round_competences(round_)]


def answer_post(round_, *, role="front", levels=None, department=None) -> dict:
    """The form as a browser sends it: `levels` an int for every competence, a {code: level}
    mapping (codes left out are not sent), or None for level 4 everywhere."""
    codes = competence_codes(round_)
    if levels is None:
        levels = 4
    if isinstance(levels, int):
        levels = dict.fromkeys(codes, levels)
    data = {f"level-{code}": str(level) for code, level in levels.items()}
    if role is not None:
        data["role"] = role
    if department is not None:
        data["department"] = str(department.pk)
    return data


def page_tree(response):
    return lxml_html.fromstring(response.content.decode())


def text_of(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def make_training(organisation, editor, *, topic="Using the e-services portal", **changes):
    """A training planned through the service, starting in a week unless told otherwise."""
    from di4c.capacity.frameworks import current_framework

    framework = current_framework()
    data = {
        "topic": topic,
        "description": "",
        "trainer": "Ioana Trainer",
        "starts_at": timezone.now() + dt.timedelta(days=7),
        "duration_hours": Decimal("3"),
        "place": "City hall, room 2",
        "is_online": False,
        "online_url": "",
        "capacity": 10,
    }
    data.update(changes)
    return services.training_save(
        actor=editor,
        organisation=organisation,
        data=data,
        competences=list(framework.competences.filter(code__in=["1.1", "6.1"])),
    )
