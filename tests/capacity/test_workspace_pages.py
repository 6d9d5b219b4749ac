"""The city's capacity workspace with the test client: the dashboard and its figures, the
framework, the setup of departments and roles, the target-profile grid (errors on the cell,
nothing saved half-way), and who is turned away."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from di4c.capacity import services
from di4c.capacity.models import Department, StaffRole, TargetLevel, Training
from tests.capacity import helpers
from tests.capacity.helpers import (
    CITY,
    answered,
    close,
    errors_of,
    make_round,
    parsed,
    role,
    table_rows,
    text_of,
)

# The fixtures of helpers.py, used by name below.
city, editor, skills = helpers.city, helpers.editor, helpers.skills

pytestmark = pytest.mark.django_db

READ_PAGES = ["", "framework/", "rounds/"]
MANAGE_PAGES = ["setup/", "setup/departments/new/", "setup/roles/new/", "setup/targets/"]


# --- who gets in --------------------------------------------------------------------------------


@pytest.mark.parametrize("page", READ_PAGES + MANAGE_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, botosani, page):
    response = client.get(CITY + page)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["citizen", "messina-editor"])
@pytest.mark.parametrize("page", READ_PAGES + MANAGE_PAGES)
def test_people_outside_the_city_are_refused(client_as, botosani, who, page):
    assert client_as(who).get(CITY + page).status_code == 403


@pytest.mark.parametrize("who", ["citizen", "messina-editor", "local-group"])
def test_only_the_citys_editors_change_the_setup(client_as, city, who):
    client = client_as(who)
    finance = Department.objects.get(organisation=city, name="Finance")
    clerk = role(city, "clerk")
    posts = [
        ("setup/departments/new/", {"name": "Intruders", "staff_count": "3"}),
        (f"setup/departments/{finance.pk}/", {"name": "Renamed", "staff_count": "1"}),
        (f"setup/departments/{finance.pk}/delete/", {}),
        ("setup/roles/new/", {"name": "Spy", "code": "spy", "position": "0"}),
        (f"setup/roles/{clerk.pk}/delete/", {}),
        ("setup/roles/suggested/", {}),
        ("setup/targets/", {f"target-{clerk.pk}-1": "8"}),
    ]
    for path, data in posts:
        assert client.post(CITY + path, data).status_code == 403, path
    assert Department.objects.filter(organisation=city, name="Finance").exists()
    assert not Department.objects.filter(name__in=["Intruders", "Renamed"]).exists()
    assert set(StaffRole.objects.filter(organisation=city).values_list("code", flat=True)) == {
        "clerk",
        "head",
    }


def test_a_local_group_member_reads_the_workspace_but_not_the_setup(client_as, city):
    client = client_as("local-group")
    for page in READ_PAGES:
        assert client.get(CITY + page).status_code == 200, page
    for page in MANAGE_PAGES:
        assert client.get(CITY + page).status_code == 403, page
    # No setup tab for them.
    assert "/capacity/setup/" not in client.get(CITY).content.decode()


def test_the_city_page_links_the_dashboard_for_those_who_may_read_it(client_as, botosani):
    assert CITY in client_as("local-group").get("/organisations/botosani/").content.decode()
    assert CITY not in client_as("citizen").get("/organisations/botosani/").content.decode()


# --- dashboard ----------------------------------------------------------------------------------


def test_the_dashboard_before_any_round(client_as, city):
    response = client_as("botosani-editor").get(CITY)
    doc = parsed(response)
    assert doc.xpath('//*[@data-testid="no-round"]')
    assert text_of(doc.xpath('//*[@data-testid="at-target"]')[0]) == "–"
    assert text_of(doc.xpath('//*[@data-testid="trainings-held"]')[0]) == "0"
    # Links to the rounds, the trainings, the framework and the setup.
    hrefs = set(doc.xpath("//main//a/@href"))
    assert {CITY + "rounds/", CITY + "trainings/", CITY + "framework/", CITY + "setup/"} <= hrefs


def _past_training(editor, city, topic, hours, people=0, attended=None, cancelled=False):
    """A training that has taken place (or was cancelled): people enrol while it is to come,
    then the clock is moved on and the attendance recorded (`attended`: how many, or None
    for not recorded)."""
    training = services.training_save(
        actor=editor,
        organisation=city,
        data={
            "topic": topic,
            "starts_at": timezone.now() + dt.timedelta(days=1),
            "duration_hours": Decimal(hours),
            "place": "Town hall, room 2",
            "capacity": 20,
        },
    )
    enrolments = [
        services.enrol_person(actor=editor, training=training, full_name=f"Person {n}", email="")
        for n in range(people)
    ]
    if cancelled:
        services.training_cancel(actor=editor, training=training)
    Training.objects.filter(pk=training.pk).update(starts_at=timezone.now() - dt.timedelta(days=3))
    training.refresh_from_db()
    if attended is not None:
        services.attendance_record(
            actor=editor, training=training, attended=[e.pk for e in enrolments[:attended]]
        )
    return training


def test_the_dashboard_shows_the_latest_closed_rounds_figures(client_as, city, editor):
    round_ = make_round(editor, city)
    # 12 people of 64 staff; Finance's 6 clerks (target 4) at 5 and 3, Civil registry's 6
    # heads (target 6) at 6: every department-and-role group has 5 or more people.
    answered(
        round_,
        editor,
        [
            ("Finance", "clerk", 5, 4),
            ("Finance", "clerk", 3, 2),
            ("Civil registry", "head", 6, 6),
        ],
    )
    close(editor, round_)
    # Attendance recorded for 3 of 5 enrolments, 2 of them attended; a cancelled training
    # counts for nothing.
    _past_training(editor, city, "E-mail safety", "2.5", people=3, attended=2)
    _past_training(editor, city, "Spreadsheets", "1", people=2)
    _past_training(editor, city, "Cancelled course", "4", people=1, cancelled=True)
    doc = parsed(client_as("local-group").get(CITY))
    figure = {
        key: text_of(doc.xpath(f'//*[@data-testid="{key}"]')[0])
        for key in (
            "assessed",
            "at-target",
            "trainings-held",
            "hours",
            "participant-hours",
            "attendance",
        )
    }
    # 12 of the 64 staff of all the departments (every one has a headcount) = 18.75 % ->
    # 18.8 %.
    assert figure["assessed"].startswith("18.8 %") and "(12 of 64 people)" in figure["assessed"]
    # 4 clerks at 5 are at target in the 3 competences, the 2 at 3 in none, the 6 heads in
    # all: 30 of 36 self-ratings = 83.3 %.
    assert figure["at-target"] == "83.3 %"
    assert not doc.xpath('//*[@data-testid="roles-reason"]')
    labels = [text_of(dt_) for dt_ in doc.xpath('//*[@data-testid="dashboard-figures"]/dt')]
    assert "Self-ratings at or above target" in labels
    assert "department-and-role group of at least 5" in text_of(doc)
    assert figure["trainings-held"] == "2"
    assert figure["hours"] == "3.5"
    assert figure["participant-hours"] == "5"  # 2 people attended 2.5 hours
    assert figure["attendance"] == "66.7 % (2 attended of 3 recorded)"
    assert round_.title in text_of(doc)
    # The top needs: Finance's clerks at 3 (one level missing × 3 competences × 2 people), of
    # the 6 people counted in target figures.
    rows = table_rows(client_as("local-group").get(CITY), "top-needs")
    first = services.round_competences(round_)[0]
    assert rows[1] == ["1", "Finance", f"1.1 {first.display_name}", "2 / 6", "2"]
    assert text_of(doc.xpath('//*[@data-testid="need-count"]')[0]) == "3"


def test_the_dashboard_holds_back_what_small_groups_would_give_away(client_as, city, editor):
    round_ = make_round(editor, city)
    # Civil registry's 3 clerks and 3 heads are too few in their department: no figure
    # against targets, and so no training need.
    answered(
        round_,
        editor,
        [
            ("Finance", "clerk", 5, 6),
            ("Civil registry", "clerk", 4, 3),
            ("Civil registry", "head", 6, 3),
        ],
    )
    close(editor, round_)
    # Library has no headcount: a share over the other departments' staff would tell how
    # many answered among them, so only the number of people is shown.
    library = Department.objects.get(organisation=city, name="Library")
    services.department_save(
        actor=editor, organisation=city, department=library, data={"staff_count": None}
    )
    library.refresh_from_db()
    assert library.staff_count is None
    doc = parsed(client_as("local-group").get(CITY))
    assessed = text_of(doc.xpath('//*[@data-testid="assessed"]')[0])
    assert assessed.startswith("12 people") and "%" not in assessed
    assert text_of(doc.xpath('//*[@data-testid="at-target"]')[0]) == "–"
    assert text_of(doc.xpath('//*[@data-testid="need-count"]')[0]) == "–"
    assert not doc.xpath('//table[@data-testid="top-needs"]')
    reason = text_of(doc.xpath('//*[@data-testid="roles-reason"]')[0])
    assert "Figures by role and against targets are not shown" in reason
    # The mean level is still shown: (30 + 12 + 18) / 12 = 5 in every competence.
    latest = doc.xpath('//dl[@data-testid="latest-results"]/dd')
    assert text_of(latest[1]) == "5 / 8"


# --- framework ----------------------------------------------------------------------------------


def test_the_framework_page_shows_areas_competences_and_eight_levels_in_bands(client_as, city):
    doc = parsed(client_as("local-group").get(CITY + "framework/"))
    sections = doc.xpath('//section[starts-with(@data-testid, "area-")]')
    assert len(sections) == 8
    assert len(doc.xpath("//details")) == 30
    first = doc.xpath("//details")[0]
    assert len(first.xpath(".//tbody/tr")) == 8
    assert [text_of(th) for th in first.xpath(".//th[@scope='rowgroup']")] == [
        "Foundation",
        "Intermediate",
        "Advanced",
        "Highly specialised",
    ]


# --- departments and roles ----------------------------------------------------------------------


def test_departments_are_added_changed_and_deleted(client_as, city):
    client = client_as("botosani-editor")
    response = client.post(
        CITY + "setup/departments/new/", {"name": "  Public   works ", "staff_count": "12"}
    )
    assert response.status_code == 302
    works = Department.objects.get(organisation=city, name="Public works")
    assert works.staff_count == 12
    rows = table_rows(client.get(CITY + "setup/"), "departments")
    assert ["Public works", "12"] in [row[:2] for row in rows]
    assert rows[-1][:2] == ["Total", "76"]
    response = client.post(
        CITY + f"setup/departments/{works.pk}/", {"name": "Works", "staff_count": ""}
    )
    works.refresh_from_db()
    assert (works.name, works.staff_count) == ("Works", None)
    client.post(CITY + f"setup/departments/{works.pk}/delete/")
    assert not Department.objects.filter(pk=works.pk).exists()


def test_a_duplicate_department_name_is_refused_with_what_was_typed_kept(client_as, city):
    response = client_as("botosani-editor").post(
        CITY + "setup/departments/new/", {"name": "Finance", "staff_count": "7"}
    )
    assert response.status_code == 200
    doc = parsed(response)
    assert "already has a department of this name" in " ".join(errors_of(doc, "id_name"))
    assert doc.xpath('//input[@name="staff_count"]/@value') == ["7"]
    assert Department.objects.filter(organisation=city, name="Finance").count() == 1


def test_a_negative_staff_number_is_shown_on_its_field(client_as, city):
    doc = parsed(
        client_as("botosani-editor").post(
            CITY + "setup/departments/new/", {"name": "Parks", "staff_count": "-3"}
        )
    )
    assert errors_of(doc, "id_staff_count")
    assert doc.xpath('//input[@name="name"]/@value') == ["Parks"]


def test_a_department_with_answers_cannot_be_deleted(client_as, city, editor):
    round_ = make_round(editor, city)
    answered(round_, editor, [("Library", "clerk", 3, 1)])
    library = Department.objects.get(organisation=city, name="Library")
    client = client_as("botosani-editor")
    response = client.post(CITY + f"setup/departments/{library.pk}/delete/", follow=True)
    assert "rename it instead" in text_of(response)
    assert Department.objects.filter(pk=library.pk).exists()


def test_roles_are_added_and_the_suggested_roles_come_with_their_targets(client_as, city, skills):
    client = client_as("botosani-coordinator")
    response = client.post(
        CITY + "setup/roles/new/", {"name": "Archivist", "code": "archivist", "position": "5"}
    )
    assert response.status_code == 302
    assert StaffRole.objects.filter(organisation=city, code="archivist").exists()
    bad = parsed(client.post(CITY + "setup/roles/new/", {"name": "X", "code": "not a slug"}))
    assert errors_of(bad, "id_code")
    response = client.post(CITY + "setup/roles/suggested/", follow=True)
    assert "4 suggested roles were added" in text_of(response)
    codes = {suggested["code"] for suggested in skills.suggested_roles}
    assert codes <= set(StaffRole.objects.filter(organisation=city).values_list("code", flat=True))
    front = role(city, "front_office")
    assert TargetLevel.objects.filter(role=front).count() == 30
    again = client.post(CITY + "setup/roles/suggested/", follow=True)
    assert "already has every suggested role" in text_of(again)


# --- the target-profile grid --------------------------------------------------------------------


def cell(role_, competence) -> str:
    return f"target-{role_.pk}-{competence.pk}"


def grid_post(city, skills, **changes) -> dict:
    """The grid as the browser sends it: every cell with its current level, then `changes`
    ({field name: text})."""
    targets = {(t.role_id, t.competence_id): t.level for t in TargetLevel.objects.all()}
    data = {}
    for role_ in StaffRole.objects.filter(organisation=city):
        for competence in skills.competences.all():
            level = targets.get((role_.pk, competence.pk))
            data[cell(role_, competence)] = "" if level is None else str(level)
    data.update(changes)
    return data


def test_the_grid_shows_roles_by_competence_grouped_by_area(client_as, city, skills):
    doc = parsed(client_as("botosani-editor").get(CITY + "setup/targets/"))
    grid = doc.xpath('//table[@data-testid="target-grid"]')[0]
    assert [text_of(th) for th in grid.xpath(".//thead/tr/th")][1:] == ["Clerk", "Head of unit"]
    assert len(grid.xpath(".//tbody")) == 8
    assert len(grid.xpath(".//input[@type='number']")) == 60
    clerk = role(city, "clerk")
    first = skills.competences.order_by("position").first()
    field = grid.xpath(f".//input[@name='{cell(clerk, first)}']")[0]
    assert field.get("value") == "4"
    # Each cell has a label naming the role and the competence.
    label = grid.xpath(f".//label[@for='{field.get('id')}']")[0]
    assert "Clerk" in text_of(label) and first.code in text_of(label)


def test_grid_errors_are_shown_on_their_cells_and_nothing_is_saved(client_as, city, skills):
    clerk, head = role(city, "clerk"), role(city, "head")
    competences = list(skills.competences.order_by("position"))
    before = dict(TargetLevel.objects.values_list("pk", "level"))
    data = grid_post(
        city,
        skills,
        **{
            cell(clerk, competences[0]): "9",
            cell(head, competences[1]): "x",
            cell(clerk, competences[2]): "2",  # valid, but must not be saved alone
        },
    )
    # A competence the grid does not have cannot be posted into it: the field does not exist.
    data[f"target-{clerk.pk}-999999"] = "3"
    response = client_as("botosani-editor").post(CITY + "setup/targets/", data)
    assert response.status_code == 200
    doc = parsed(response)
    nine = doc.xpath(f'//td[@data-testid="cell-{cell(clerk, competences[0])}"]')[0]
    assert "outside the scale" in text_of(nine)
    assert nine.xpath(".//input/@value") == ["9"]
    assert nine.xpath(".//input/@aria-invalid") == ["true"]
    x = doc.xpath(f'//td[@data-testid="cell-{cell(head, competences[1])}"]')[0]
    assert "is not a level" in text_of(x)
    assert x.xpath(".//input/@value") == ["x"]
    kept = doc.xpath(f'//input[@name="{cell(clerk, competences[2])}"]/@value')
    assert kept == ["2"]
    assert "nothing was saved" in text_of(doc.xpath('//*[@role="alert"]')[0])
    assert dict(TargetLevel.objects.values_list("pk", "level")) == before


def test_the_grid_saves_changes_and_clears_emptied_cells(client_as, city, skills):
    clerk = role(city, "clerk")
    first, second = list(skills.competences.order_by("position"))[:2]
    response = client_as("botosani-editor").post(
        CITY + "setup/targets/",
        grid_post(city, skills, **{cell(clerk, first): "7", cell(clerk, second): ""}),
        follow=True,
    )
    assert "2 levels changed" in text_of(response)
    assert TargetLevel.objects.get(role=clerk, competence=first).level == 7
    assert not TargetLevel.objects.filter(role=clerk, competence=second).exists()


def test_the_grid_asks_for_roles_first(client_as, botosani):
    doc = parsed(client_as("botosani-editor").get(CITY + "setup/targets/"))
    assert doc.xpath('//*[@data-testid="no-roles"]')
