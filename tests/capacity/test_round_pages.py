"""The round pages with the test client: preparing, opening and closing a round,
participation while open (counts only, per department for the city's editors; the links are
in test_round_links_pages.py), the results with the rule of five, the
ranked training needs and their "Make a plan action" button, the before/after comparison,
who is turned away, and constant query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from di4c.capacity import services
from di4c.capacity.models import Round, RoundLink, RoundStatus
from tests.capacity import helpers
from tests.capacity.helpers import (
    CITY,
    answered,
    close,
    department,
    errors_of,
    make_round,
    parsed,
    table_rows,
    text_of,
)

# The fixtures of helpers.py, used by name below.
city, editor, skills = helpers.city, helpers.editor, helpers.skills

pytestmark = pytest.mark.django_db

# Hand-worked figures (targets: clerks 4, heads 6; the round asks 1.1, 1.2 and 1.3):
# Finance 7 people, Civil registry 7, Archive 4 and Library 4 (together 8, as "Other").
# Finance's 2 heads and Other's 3 are fewer than 5 in their department group: figures by
# role and every figure against targets are held back (the mean levels are shown).
PEOPLE = [
    ("Finance", "clerk", {"1.1": 5, "1.2": 4, "1.3": 2}, 5),
    ("Finance", "head", 6, 2),
    ("Civil registry", "clerk", 3, 7),
    ("Archive", "clerk", 4, 4),
    ("Library", "clerk", 2, 1),
    ("Library", "head", {"1.1": 2, "1.2": 3, "1.3": 3}, 3),
]
OTHER_LABEL = "Other (groups under 5) (Archive, Library)"
# The same departments, with every department-and-role group of 5 or more, so that the
# figures against targets (and so the training needs) are shown: Finance 5 clerks and 5
# heads, Civil registry 7 clerks, "Other" 5 clerks (Archive's 4 and Library's 1).
PEOPLE_BY_ROLE = [
    ("Finance", "clerk", {"1.1": 5, "1.2": 4, "1.3": 2}, 5),
    ("Finance", "head", {"1.1": 6, "1.2": 5, "1.3": 5}, 5),
    ("Civil registry", "clerk", 3, 7),
    ("Archive", "clerk", 4, 4),
    ("Library", "clerk", 2, 1),
]


def url(round_, part="") -> str:
    return f"/capacity/rounds/{round_.pk}/{part}"


@pytest.fixture
def closed_round(city, editor):
    round_ = make_round(editor, city)
    answered(round_, editor, PEOPLE)
    return close(editor, round_)


@pytest.fixture
def needs_round(city, editor):
    round_ = make_round(editor, city)
    answered(round_, editor, PEOPLE_BY_ROLE)
    return close(editor, round_)


# --- who gets in --------------------------------------------------------------------------------

ROUND_READ = ["", "results/", "needs/", "comparison/", "export.xlsx"]
ROUND_MANAGE = ["edit/", "close/"]


def test_anonymous_visitors_are_sent_to_sign_in(client, city, editor):
    round_ = make_round(editor, city)
    for part in ROUND_READ + ROUND_MANAGE:
        response = client.get(url(round_, part))
        assert response.status_code == 302, part
        assert response["Location"].startswith("/accounts/login/")
    assert client.get(CITY + "rounds/new/").status_code == 302


@pytest.mark.parametrize("who", ["citizen", "messina-editor"])
def test_people_outside_the_city_are_refused_everywhere(client_as, closed_round, who):
    client = client_as(who)
    for part in ROUND_READ + ROUND_MANAGE:
        assert client.get(url(closed_round, part)).status_code == 403, part
    assert client.get(CITY + "rounds/new/").status_code == 403
    finance = department(closed_round.organisation, "Finance")
    for part, data in [
        ("open/", {}),
        ("close/", {}),
        ("links/", {"department": finance.pk, "count": 3}),
        ("needs/action/", {"group": finance.pk, "competence": 1}),
    ]:
        assert client.post(url(closed_round, part), data).status_code == 403, part


def test_a_local_group_member_reads_rounds_but_does_not_run_them(client_as, city, editor):
    round_ = make_round(editor, city)
    client = client_as("local-group")
    for part in ROUND_READ[:4]:
        assert client.get(url(round_, part)).status_code == 200, part
    assert client.get(CITY + "rounds/new/").status_code == 403
    assert client.get(url(round_, "edit/")).status_code == 403
    assert client.post(url(round_, "close/")).status_code == 403
    finance = department(city, "Finance")
    response = client.post(url(round_, "links/"), {"department": finance.pk, "count": 3})
    assert response.status_code == 403
    assert not RoundLink.objects.filter(round=round_).exists()
    # The page offers them neither the links form nor the buttons.
    page = client.get(url(round_)).content.decode()
    assert "/links/" not in page and "/close/" not in page
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN


def test_the_pages_say_the_threshold_the_rules_use(client_as, city, editor, monkeypatch):
    # The pages take the number from the models' constant, not from their own text.
    monkeypatch.setattr("di4c.capacity.views.round_common.MIN_GROUP_SIZE", 7)
    client = client_as("local-group")
    assert "groups of at least 7 people" in text_of(client.get(CITY + "rounds/"))
    assert "groups of at least 7 people" in text_of(client.get(CITY))


# --- preparing, opening, closing ----------------------------------------------------------------


def round_form(**changes) -> dict:
    today = timezone.localdate()
    data = {
        "title": "Autumn skills check",
        "opens_on": (today + dt.timedelta(days=2)).isoformat(),
        "closes_on": (today + dt.timedelta(days=20)).isoformat(),
        "access": "links",
        "areas": [],
    }
    data.update(changes)
    return data


def test_a_round_is_created_with_its_areas_opened_and_closed(client_as, city, skills):
    client = client_as("botosani-editor")
    areas = list(skills.areas.filter(code__in=["1", "8"]).values_list("pk", flat=True))
    response = client.post(CITY + "rounds/new/", round_form(areas=areas))
    round_ = Round.objects.get(organisation=city, title="Autumn skills check")
    assert response.status_code == 302 and response["Location"] == url(round_)
    assert sorted(round_.areas.values_list("code", flat=True)) == ["1", "8"]
    assert round_.status == RoundStatus.DRAFT
    page = text_of(client.get(url(round_)))
    assert "6 competences" in page and "Draft" in page
    client.post(url(round_, "open/"))
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN
    # Closing asks first; the confirmation changes nothing.
    confirm = client.get(url(round_, "close/"))
    assert "cannot be opened again" in text_of(confirm)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN
    response = client.post(url(round_, "close/"))
    assert response["Location"] == url(round_, "results/")
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    # A closed round can no longer be changed.
    assert client.get(url(round_, "edit/"))["Location"] == url(round_)


def test_round_form_errors_keep_what_was_typed(client_as, city):
    today = timezone.localdate()
    response = client_as("botosani-editor").post(
        CITY + "rounds/new/",
        round_form(
            title="Backwards",
            opens_on=(today + dt.timedelta(days=9)).isoformat(),
            closes_on=(today + dt.timedelta(days=1)).isoformat(),
        ),
    )
    assert response.status_code == 200
    doc = parsed(response)
    assert "cannot close before it opens" in " ".join(errors_of(doc, "id_closes_on"))
    assert doc.xpath('//input[@name="title"]/@value') == ["Backwards"]
    assert not Round.objects.filter(title="Backwards").exists()


def test_once_people_answered_the_areas_stay_as_they_were(client_as, city, editor, skills):
    round_ = make_round(editor, city)
    answered(round_, editor, [("Finance", "clerk", 4, 1)])
    client = client_as("botosani-editor")
    doc = parsed(client.get(url(round_, "edit/")))
    assert doc.xpath('//input[@name="title"]/@value') == [round_.title]
    area_one = skills.areas.get(code="1")
    assert doc.xpath('//input[@name="areas"][@checked]/@value') == [str(area_one.pk)]
    area_two = skills.areas.get(code="2")
    response = client.post(
        url(round_, "edit/"),
        round_form(
            title="Renamed",
            opens_on=round_.opens_on.isoformat(),
            closes_on=round_.closes_on.isoformat(),
            areas=[area_one.pk, area_two.pk],
        ),
    )
    doc = parsed(response)
    assert "the areas asked about are fixed" in " ".join(errors_of(doc, "id_areas"))
    assert doc.xpath('//input[@name="title"]/@value') == ["Renamed"]
    assert len(doc.xpath('//input[@name="areas"][@checked]')) == 2
    round_.refresh_from_db()
    assert round_.title == "Skills 2026"
    assert list(round_.areas.values_list("code", flat=True)) == ["1"]


def test_a_round_cannot_open_without_departments(client_as, botosani, editor, skills):
    services.role_save(
        actor=editor, organisation=botosani, data={"code": "clerk", "name": "Clerk", "position": 0}
    )
    today = timezone.localdate()
    round_ = services.round_save(
        actor=editor,
        organisation=botosani,
        data={"title": "Too early", "opens_on": today, "closes_on": today, "access": "links"},
    )
    response = client_as("botosani-editor").post(url(round_, "open/"), follow=True)
    assert "Add the city's departments before opening a round" in text_of(response)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.DRAFT


# --- participation while open -------------------------------------------------------------------


def test_an_open_round_shows_who_answered_per_department_and_no_results(client_as, city, editor):
    round_ = make_round(editor, city)
    answered(round_, editor, PEOPLE)
    client = client_as("botosani-editor")
    page = client.get(url(round_))
    rows = table_rows(page, "participation")
    assert [row[0] for row in rows[1:]] == ["Archive", "Civil registry", "Finance", "Library"]
    assert [row[-1] for row in rows[1:]] == ["4", "7", "7", "4"]
    assert text_of(parsed(page).xpath('//*[@data-testid="answered-total"]')[0]) == "22"
    for part in ("results/", "needs/"):
        doc = parsed(client.get(url(round_, part)))
        assert "once the round is closed" in text_of(doc.xpath('//*[@data-testid="reason"]')[0])
        assert not doc.xpath("//table")
    comparison = parsed(client.get(url(round_, "comparison/")))
    assert comparison.xpath('//*[@data-testid="reason"]')
    # No workbook either.
    response = client.get(url(round_, "export.xlsx"))
    assert response.status_code == 302 and response["Location"] == url(round_, "results/")


def test_only_the_citys_editors_see_departments_and_only_until_closing(client_as, city, editor):
    round_ = make_round(editor, city)
    answered(round_, editor, PEOPLE)
    # A member of the city reads the round: the total, never a department's count.
    doc = parsed(client_as("local-group").get(url(round_)))
    assert text_of(doc.xpath('//*[@data-testid="answered-total"]')[0]) == "22"
    assert not doc.xpath('//table[@data-testid="participation"]')
    assert "Civil registry" not in text_of(doc)
    # Once closed, the results take over, for the editors too.
    close(editor, round_)
    doc = parsed(client_as("botosani-editor").get(url(round_)))
    assert text_of(doc.xpath('//*[@data-testid="answered-total"]')[0]) == "22"
    assert not doc.xpath('//table[@data-testid="participation"]')


@pytest.mark.parametrize("access", ["links", "accounts"])
def test_the_empty_participation_row_spans_every_column(client_as, botosani, editor, access):
    services.role_save(
        actor=editor, organisation=botosani, data={"code": "clerk", "name": "Clerk", "position": 0}
    )
    today = timezone.localdate()
    round_ = services.round_save(
        actor=editor,
        organisation=botosani,
        data={"title": "No departments", "opens_on": today, "closes_on": today, "access": access},
    )
    doc = parsed(client_as("botosani-editor").get(url(round_)))
    table = doc.xpath('//table[@data-testid="participation"]')[0]
    columns = len(table.xpath("./thead/tr/th"))
    assert columns == (4 if access == "links" else 3)
    assert table.xpath("./tbody/tr/td/@colspan") == [str(columns)]


# --- results ------------------------------------------------------------------------------------


def matrix(response, testid) -> dict:
    """{competence code: [cell texts]} of a results matrix."""
    return {
        row[0].split()[0]: row[1:]
        for row in table_rows(response, testid)
        if len(row) > 2 and row[0][:1].isdigit()
    }


def test_results_never_show_a_group_under_five_and_keep_the_totals(client_as, closed_round):
    response = client_as("local-group").get(url(closed_round, "results/"))
    doc = parsed(response)
    assert text_of(doc.xpath('//*[@data-testid="respondents"]')[0]) == "22"
    groups = table_rows(response, "department-groups")[1:]
    assert [row[:2] for row in groups] == [
        ["Civil registry", "7"],
        ["Finance", "7"],
        [OTHER_LABEL, "8"],
        ["All departments", "22"],
    ]
    assert sum(int(row[1]) for row in groups[:-1]) == int(groups[-1][1])
    # Archive (4 people) and Library (4) appear only as members of "Other", never as a group
    # with figures of their own.
    headers = [text_of(th) for th in doc.xpath('//table[@data-testid="department-matrix"]//th')]
    assert not any(h.startswith(("Archive", "Library")) for h in headers)
    assert "Archive, Library" in text_of(doc.xpath('//*[@data-testid="other-members"]')[0])
    assert "at least 5 people" in text_of(doc.xpath('//*[@data-testid="rule-of-five"]')[0])
    # Finance's 2 heads and Other's 3 are too few in their department group: no figure
    # against targets anywhere, and the page says why, by the summary and by role.
    summary = doc.xpath('//dl[@data-testid="results-summary"]')[0]
    assert [text_of(dt_) for dt_ in summary.xpath("./dt")][2] == "Self-ratings at or above target"
    assert text_of(summary.xpath("./dd")[2]) == "–"
    assert "department-and-role group of at least 5" in text_of(
        doc.xpath('//*[@data-testid="target-help"]')[0]
    )
    reason = "Figures by role and against targets are not shown"
    assert reason in text_of(doc.xpath('//*[@data-testid="targets-reason"]')[0])
    assert [row[-1] for row in groups] == ["–", "–", "–", "–"]
    # Hand-worked cells: (mean level, share at or above target) per group, in order Civil
    # registry, Finance, Other, All departments. The mean levels count everyone: Finance
    # (25 + 12) / 7 = 5.3 in 1.1, (10 + 12) / 7 = 3.1 in 1.3; Other (16 + 2 + 6) / 8 = 3 in
    # 1.1, (16 + 2 + 9) / 8 = 3.4 in 1.3.
    cells = matrix(response, "department-matrix")
    assert cells["1.1"] == ["3", "–", "5.3", "–", "3", "–", "3.7", "–"]
    assert cells["1.3"][2:6] == ["3.1", "–", "3.4", "–"]
    # Nothing by role either.
    assert reason in text_of(doc.xpath('//*[@data-testid="roles-reason"]')[0])
    assert not doc.xpath('//table[@data-testid="role-groups" or @data-testid="role-matrix"]')
    # The chart's figures are in the page, with the same table beside it.
    assert doc.xpath('//script[@id="capacity-chart"]')
    assert doc.xpath('//script[contains(@src, "chart-4.6.1.umd.min.js")]')
    # All departments, 1.1: (21 + 37 + 24) / 22 = 3.73 -> 3.7; no mean target, no share.
    assert table_rows(response, "all-table")[2][1:4] == ["3.7", "–", "–"]


def test_results_against_targets_when_every_department_role_group_is_big_enough(
    client_as, needs_round
):
    response = client_as("local-group").get(url(needs_round, "results/"))
    doc = parsed(response)
    assert not doc.xpath('//*[@data-testid="targets-reason" or @data-testid="roles-reason"]')
    # Self-ratings at or above target: Finance's clerks in 1.1 and 1.2 (10), its heads in
    # 1.1 (5), Archive's 4 clerks in all three (12): 27 of the 66 made by the 22 people.
    summary = doc.xpath('//dl[@data-testid="results-summary"]')[0]
    assert text_of(summary.xpath("./dd")[2]) == "40.9 %"
    # 1.1, in order Civil registry, Finance, Other, All departments: Finance (25 + 30) / 10
    # = 5.5, all at target; Other (16 + 2) / 5 = 3.6, 4 of 5 at target; all (21 + 55 + 18)
    # / 22 = 4.3, 14 of 22 = 63.6 %.
    cells = matrix(response, "department-matrix")
    assert cells["1.1"] == ["3", "0 %", "5.5", "100 %", "3.6", "80 %", "4.3", "63.6 %"]
    # All departments, 1.1: mean target (17 × 4 + 5 × 6) / 22 = 4.45 -> 4.5.
    assert table_rows(response, "all-table")[2][1:4] == ["4.3", "4.5", "63.6 %"]


def test_results_by_role_when_every_role_is_big_enough(client_as, city, editor):
    round_ = make_round(editor, city)
    answered(
        round_,
        editor,
        [("Finance", "clerk", 4, 5), ("Finance", "head", 5, 5), ("Civil registry", "clerk", 3, 5)],
    )
    close(editor, round_)
    response = client_as("local-group").get(url(round_, "results/"))
    assert not parsed(response).xpath('//*[@data-testid="roles-reason"]')
    roles = table_rows(response, "role-groups")[1:]
    assert [row[:2] for row in roles] == [["Clerk", "10"], ["Head of unit", "5"]]
    # 1.1, clerks: (20 + 15) / 10 = 3.5, 5 of 10 at target; heads at 5 of 6: none.
    assert matrix(response, "role-matrix")["1.1"] == ["3.5", "50 %", "5", "0 %"]


def test_a_round_answered_by_four_people_shows_nothing(client_as, city, editor):
    round_ = make_round(editor, city)
    answered(round_, editor, [("Finance", "clerk", 3, 4)])
    close(editor, round_)
    doc = parsed(client_as("botosani-editor").get(url(round_, "results/")))
    assert "Fewer than 5 people answered" in text_of(doc.xpath('//*[@data-testid="reason"]')[0])
    assert not doc.xpath("//table")


# --- training needs and the plan ----------------------------------------------------------------


def test_the_needs_are_ranked_as_worked_out_by_hand(client_as, needs_round):
    response = client_as("local-group").get(url(needs_round, "needs/"))
    assert not parsed(response).xpath('//*[@data-testid="roles-reason"]')
    rows = [row[:7] for row in table_rows(response, "needs")[1:]]
    ranking = [(row[0], row[1], row[2].split()[0], row[3], row[4], row[5], row[6]) for row in rows]
    assert ranking == [
        # Finance, 1.3: its 5 clerks at 2 (2 levels each) and 5 heads at 5 (1 each) are all
        # below; mean (10 + 25) / 10 = 3.5 against (20 + 30) / 10 = 5.
        ("1", "Finance", "1.3", "10 of 10", "100 %", "3.5 / 5", "15"),
        ("2", "Civil registry", "1.1", "7 of 7", "100 %", "3 / 4", "7"),
        ("3", "Civil registry", "1.2", "7 of 7", "100 %", "3 / 4", "7"),
        ("4", "Civil registry", "1.3", "7 of 7", "100 %", "3 / 4", "7"),
        # Finance, 1.2: only the 5 heads (at 5, target 6) are below.
        ("5", "Finance", "1.2", "5 of 10", "50 %", "4.5 / 5", "5"),
        # Of Other's 5 clerks, Library's one at 2 is below; Archive's 4 at 4 are not.
        ("6", OTHER_LABEL, "1.1", "1 of 5", "20 %", "3.6 / 4", "2"),
        ("7", OTHER_LABEL, "1.2", "1 of 5", "20 %", "3.6 / 4", "2"),
        ("8", OTHER_LABEL, "1.3", "1 of 5", "20 %", "3.6 / 4", "2"),
    ]


def test_no_needs_are_made_up_when_target_figures_are_held_back(client_as, closed_round):
    # Finance's 2 heads and Other's 3 are too few in their department group: the page says
    # why there is no need, instead of claiming that nobody is below target.
    doc = parsed(client_as("local-group").get(url(closed_round, "needs/")))
    assert not doc.xpath('//table[@data-testid="needs"]')
    assert not doc.xpath('//*[@data-testid="no-needs"]')
    reason = text_of(doc.xpath('//*[@data-testid="roles-reason"]')[0])
    assert "Figures by role and against targets are not shown" in reason


def test_a_need_becomes_an_action_of_the_citys_plan(client_as, demo_plans, needs_round):
    from di4c.plans.models import Action, Plan

    closed_round = needs_round
    plan = Plan.objects.get(organisation=closed_round.organisation)
    client = client_as("botosani-editor")
    doc = parsed(client.get(url(closed_round, "needs/")))
    forms = doc.xpath('//tr[@data-testid="need-1"]//form')
    assert len(forms) == 1
    posted = {i.get("name"): i.get("value") for i in forms[0].xpath(".//input[@type='hidden']")}
    assert posted["plan"] == str(plan.pk)
    finance = department(closed_round.organisation, "Finance")
    assert posted["group"] == str(finance.pk)
    before = Action.objects.filter(plan=plan).count()
    response = client.post(forms[0].get("action"), posted)
    action = Action.objects.filter(plan=plan).order_by("-pk").first()
    assert Action.objects.filter(plan=plan).count() == before + 1
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()
    assert action.source_competence.code == "1.3"
    assert "Finance" in action.title
    # The action is written in the plan's language (Romanian for Botoșani): the figures of
    # the need (10 of 10 people below target in 1.3, mean 3.5 against 5) in its words.
    with translation.override(plan.language):
        expected = gettext(
            "%(below)s of %(rated)s people are below their role's target in "
            "%(code)s; average level %(level)s against a target of %(target)s "
            "(%(round)s)."
        ) % {
            "below": 10,
            "rated": 10,
            "code": "1.3",
            "level": Decimal("3.5"),
            "target": Decimal("5.0"),
            "round": closed_round.title,
        }
    assert action.description == expected
    # The needs page now says the competence is in the plan.
    row = parsed(client.get(url(closed_round, "needs/"))).xpath('//tr[@data-testid="need-1"]')[0]
    assert action.code in text_of(row)


@pytest.mark.parametrize("who", ["citizen", "messina-editor"])
def test_no_plan_action_for_people_who_may_not_edit_the_plan(
    client_as, demo_plans, needs_round, who
):
    from di4c.plans.models import Action, Plan

    closed_round = needs_round
    plan = Plan.objects.get(organisation=closed_round.organisation)
    before = Action.objects.count()
    finance = department(closed_round.organisation, "Finance")
    competence = services.round_competences(closed_round)[2]
    response = client_as(who).post(
        url(closed_round, "needs/action/"),
        {"plan": plan.pk, "group": finance.pk, "competence": competence.pk},
    )
    assert response.status_code == 403
    assert Action.objects.count() == before


def test_a_need_that_is_not_in_the_results_makes_no_action(client_as, demo_plans, needs_round):
    from di4c.plans.models import Action

    closed_round = needs_round
    before = Action.objects.count()
    archive = department(closed_round.organisation, "Archive")  # merged into "Other"
    competence = services.round_competences(closed_round)[0]
    response = client_as("botosani-editor").post(
        url(closed_round, "needs/action/"),
        {"group": archive.pk, "competence": competence.pk},
        follow=True,
    )
    assert "not among the round's results" in text_of(response)
    # A plan that is not a number (nor the city's) is not guessed at.
    response = client_as("botosani-editor").post(
        url(closed_round, "needs/action/"),
        {"plan": "²", "group": archive.pk, "competence": competence.pk},
        follow=True,
    )
    assert "Start the city's action plan first" in text_of(response)
    assert Action.objects.count() == before


def test_without_a_plan_the_needs_page_offers_to_start_one(client_as, needs_round):
    doc = parsed(client_as("botosani-editor").get(url(needs_round, "needs/")))
    assert doc.xpath('//table[@data-testid="needs"]')
    assert not doc.xpath('//table[@data-testid="needs"]//form')
    assert doc.xpath('//a[@href="/organisations/botosani/plans/"]')


# --- before and after ---------------------------------------------------------------------------


def test_the_comparison_shows_the_change_per_group_and_competence(client_as, city, editor):
    before = make_round(editor, city, title="Before")
    answered(before, editor, [("Finance", "clerk", 2, 6), ("Civil registry", "clerk", 3, 5)])
    close(editor, before)
    after = make_round(editor, city, title="After")
    answered(after, editor, [("Finance", "clerk", 4, 6), ("Civil registry", "clerk", 3, 5)])
    close(editor, after)
    client = client_as("local-group")
    choice = parsed(client.get(url(after, "comparison/")))
    assert choice.xpath('//select[@name="before"]/option/@value') == [str(before.pk)]
    label = text_of(choice.xpath('//label[@for="id_before"]')[0])
    assert label.rstrip(":") == "Compare with an earlier round"
    # The earlier round has nothing earlier to be compared with: the page says so.
    first = parsed(client.get(url(before, "comparison/")))
    assert not first.xpath('//select[@name="before"]')
    assert "no earlier closed round" in text_of(first.xpath('//*[@data-testid="no-candidates"]')[0])
    # Nor is the later round offered as "before", even by hand.
    assert client.get(url(before, "export.xlsx"), {"before": after.pk}).status_code == 404
    response = client.get(url(after, "comparison/"), {"before": before.pk})
    doc = parsed(response)
    sections = doc.xpath('//section[starts-with(@data-testid, "comparison-")]')
    titles = [text_of(section.xpath(".//h2")[0]) for section in sections]
    assert titles == ["All departments", "Civil registry", "Finance"]
    finance = sections[2].xpath(".//tbody/tr[th[@scope='row']]")
    first = [text_of(cell) for cell in finance[0].xpath("./td")]
    assert first == ["2", "4", "+2", "0 %", "100 %", "+100"]
    unchanged = [text_of(cell) for cell in sections[1].xpath(".//tbody/tr[th[@scope='row']]")[0]]
    assert unchanged[1:] == ["3", "3", "0", "0 %", "0 %", "0"]
    everyone = [text_of(cell) for cell in sections[0].xpath(".//tbody/tr[th[@scope='row']]/td")]
    # All 11: before (12 + 15) / 11 = 2.45 -> 2.5, after (24 + 15) / 11 = 3.55 -> 3.5; the
    # change is worked out from the unrounded means: 12 / 11 = 1.09 -> 1.1.
    assert everyone[:3] == ["2.5", "3.5", "+1.1"]
    # An unknown or foreign round to compare with is not found.
    assert client.get(url(after, "comparison/"), {"before": 999999}).status_code == 200
    assert client.get(url(after, "export.xlsx"), {"before": 999999}).status_code == 404
    assert client.get(url(after, "export.xlsx"), {"before": "²"}).status_code == 404


# --- query counts -------------------------------------------------------------------------------


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["botosani-editor", "local-group"])
def test_result_pages_take_as_many_queries_for_a_large_round_as_for_a_small_one(
    client_as, demo_plans, city, editor, who
):
    small = make_round(editor, city, title="Small")
    answered(small, editor, [("Finance", "clerk", 3, 5)])
    close(editor, small)
    # Every role of every department group is big enough in both rounds, so both show the
    # figures by role (the selector leaves out a query when they are held back).
    large = make_round(editor, city, areas=("1", "2"), title="Large")
    answered(
        large,
        editor,
        PEOPLE
        + [("Finance", "head", 2, 3), ("Civil registry", "head", 7, 5), ("Library", "head", 2, 2)],
    )
    close(editor, large)
    later = make_round(editor, city, title="Later")
    answered(later, editor, [("Finance", "clerk", 4, 5)])
    close(editor, later)
    client = client_as(who)
    for part in ("results/", "needs/"):
        assert queries(client, url(small, part)) == queries(client, url(large, part)), part
    # Each compared with the first (only an earlier round can be).
    assert queries(client, url(later, f"comparison/?before={small.pk}")) == queries(
        client, url(large, f"comparison/?before={small.pk}")
    )
