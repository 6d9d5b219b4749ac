"""Shared by the capacity workspace, round and export page tests: a city set up through the
services, rounds answered through single-use links and the real submission service (never by
writing tallies), and reading pages back."""

import datetime as dt

import pytest
from django.utils import timezone
from lxml import html as lxml_html

from di4c.capacity import services
from di4c.capacity.frameworks import current_framework
from di4c.capacity.models import Department, StaffRole

CITY = "/organisations/botosani/capacity/"
# The departments of the page tests, with their staff numbers.
DEPARTMENTS = (("Finance", 30), ("Civil registry", 20), ("Archive", 8), ("Library", 6))
# Two roles; clerks should reach level 4 everywhere, heads level 6.
ROLES = (("clerk", "Clerk", 4), ("head", "Head of unit", 6))


@pytest.fixture
def editor(demo_user):
    return demo_user("botosani-editor")


@pytest.fixture
def skills(db):
    return current_framework()


@pytest.fixture
def city(botosani, editor, skills):
    """Botoșani with the test departments, two roles and their targets, all through services."""
    for name, staff in DEPARTMENTS:
        services.department_save(
            actor=editor, organisation=botosani, data={"name": name, "staff_count": staff}
        )
    for position, (code, name, _level) in enumerate(ROLES):
        services.role_save(
            actor=editor,
            organisation=botosani,
            data={"code": code, "name": name, "position": position},
        )
    codes = list(skills.competences.values_list("code", flat=True))
    services.targets_save(
        actor=editor,
        organisation=botosani,
        framework=skills,
        targets={code: dict.fromkeys(codes, level) for code, _name, level in ROLES},
    )
    return botosani


def department(organisation, name) -> Department:
    return Department.objects.get(organisation=organisation, name=name)


def role(organisation, code) -> StaffRole:
    return StaffRole.objects.get(organisation=organisation, code=code)


def make_round(editor, organisation, *, areas=("1",), access="links", title="Skills 2026"):
    """An open round on the given areas (area 1 has three competences: 1.1, 1.2, 1.3)."""
    framework = current_framework()
    today = timezone.localdate()
    round_ = services.round_save(
        actor=editor,
        organisation=organisation,
        data={
            "title": title,
            "opens_on": today - dt.timedelta(days=1),
            "closes_on": today + dt.timedelta(days=10),
            "access": access,
        },
        areas=list(framework.areas.filter(code__in=areas)),
    )
    return services.round_open(actor=editor, round_=round_)


def answer(round_, editor, department_name: str, role_code: str, levels, people: int = 1):
    """`people` people of a department answer, each through a link of their own. `levels`: one
    level for every competence, or {code: level} (missing codes get 3)."""
    organisation = round_.organisation
    tokens = services.links_create(
        actor=editor,
        round_=round_,
        department=department(organisation, department_name),
        count=people,
    )
    codes = [c.code for c in services.round_competences(round_)]
    if isinstance(levels, int):
        levels = dict.fromkeys(codes, levels)
    else:
        levels = {code: levels.get(code, 3) for code in codes}
    for token in tokens:
        services.self_assessment_submit(round_=round_, role=role_code, levels=levels, token=token)


def answered(round_, editor, plan):
    """plan: [(department, role, levels, how many people)]."""
    for department_name, role_code, levels, people in plan:
        answer(round_, editor, department_name, role_code, levels, people)


def close(editor, round_):
    services.round_close(actor=editor, round_=round_)
    round_.refresh_from_db()
    return round_


def parsed(response):
    return lxml_html.fromstring(response.content.decode())


def text_of(node) -> str:
    if hasattr(node, "content"):
        node = parsed(node)
    return " ".join(node.text_content().split())


def table_rows(response, testid: str) -> list[list[str]]:
    """The rows of a table (header cells and data cells), as the text a reader sees."""
    doc = parsed(response)
    return [
        [" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")]
        for row in doc.xpath(f'//table[@data-testid="{testid}"]//tr')
    ]


def errors_of(doc, field_id: str) -> list[str]:
    return [li.text_content() for li in doc.xpath(f'//ul[@id="{field_id}_error"]/li')]
