"""The XLSX of a round's aggregates, opened and read back with openpyxl: its sheets and
headings, the rule of five (a department of 4 never has a row of its own; "Other" holds it
and the totals add up), the comparison sheet, formula-safe text, and who may download it."""

import io

import pytest
from openpyxl import load_workbook

from di4c.capacity import services
from di4c.capacity.exports import round_xlsx
from di4c.capacity.selectors import round_results
from tests.capacity import helpers
from tests.capacity.helpers import (
    answered,
    close,
    make_round,
    table_rows,
)

# The fixtures of helpers.py, used by name below.
city, editor, skills = helpers.city, helpers.editor, helpers.skills

pytestmark = pytest.mark.django_db

# Finance 6 people, Civil registry 5, Archive 4: "Other" with Archive alone would be too
# small, so the smallest shown group (Civil registry) joins it. Archive's 4 heads are too few
# in that group: nothing is shown by role nor against targets (the mean levels are).
PEOPLE = [
    ("Finance", "clerk", 5, 6),
    ("Civil registry", "clerk", 3, 5),
    ("Archive", "head", {"1.1": 2, "1.2": 6, "1.3": 6}, 4),
]
# The same groups with every department-and-role group of 5 or more, so that the target
# figures and the needs are shown: Finance 6 clerks and 5 heads, "Other" 9 clerks (Civil
# registry's 5 and Archive's 4).
PEOPLE_BY_ROLE = [
    ("Finance", "clerk", 5, 6),
    ("Finance", "head", 5, 5),
    ("Civil registry", "clerk", 3, 5),
    ("Archive", "clerk", {"1.1": 2, "1.2": 6, "1.3": 6}, 4),
]
OTHER = "Other (groups under 5): Archive, Civil registry"


def url(round_, query="") -> str:
    return f"/capacity/rounds/{round_.pk}/export.xlsx{query}"


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


def workbook_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(response.content), read_only=True)


def records(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


def test_the_workbook_holds_results_by_role_and_needs_with_headings(client_as, closed_round):
    book = workbook_of(client_as("local-group").get(url(closed_round)))
    assert book.sheetnames == ["Results", "By role", "Needs"]
    header = next(book["Results"].iter_rows(values_only=True))
    assert header[:7] == (
        "Group",
        "People in the group",
        "Area",
        "Competence code",
        "Competence",
        "People who rated it",
        "Mean level",
    )
    results = records(book["Results"])
    finance = [row for row in results if row["Group"] == "Finance"]
    assert [row["Competence code"] for row in finance] == ["1.1", "1.2", "1.3"]
    assert finance[0]["Mean level"] == 5
    # Archive's 4 heads are too few in their department group: no figure against targets,
    # for any group (an empty cell, not a made-up 0 %).
    for row in results:
        assert (row["People with a target"], row["Self-ratings at or above target"]) == (0, 0)
        assert row["Share of self-ratings at or above target (%)"] is None
        assert (row["Mean target"], row["Levels missing"]) == (None, 0)
    # The "By role" sheet only says why, and there are no needs.
    rows = list(book["By role"].iter_rows(values_only=True))
    assert len(rows) == 1
    assert rows[0][0].startswith("Figures by role and against targets are not shown")
    assert records(book["Needs"]) == []


def test_the_workbook_holds_target_figures_when_every_group_is_big_enough(client_as, needs_round):
    book = workbook_of(client_as("local-group").get(url(needs_round)))
    results = records(book["Results"])
    finance = [row for row in results if row["Group"] == "Finance"]
    # 1.1: the 6 clerks at 5 reach 4, the 5 heads at 5 do not reach 6: a share of
    # self-ratings, each person once per competence their role has a target for.
    assert finance[0]["Mean level"] == 5
    assert finance[0]["People with a target"] == 11
    assert finance[0]["Self-ratings at or above target"] == 6
    assert finance[0]["Share of self-ratings at or above target (%)"] == 54.5
    assert (finance[0]["Below target"], finance[0]["Levels missing"]) == (5, 5)
    # The mean target: (6 × 4 + 5 × 6) / 11 = 4.9.
    assert finance[0]["Mean target"] == 4.9
    roles = records(book["By role"])
    assert {row["Group"]: row["People in the group"] for row in roles} == {
        "Clerk": 15,
        "Head of unit": 5,
    }


def test_the_by_role_sheet_when_every_role_is_big_enough(client_as, city, editor):
    round_ = make_round(editor, city)
    answered(round_, editor, [("Finance", "clerk", 4, 5), ("Finance", "head", 5, 5)])
    close(editor, round_)
    book = workbook_of(client_as("botosani-editor").get(url(round_)))
    roles = records(book["By role"])
    assert {row["Group"]: row["People in the group"] for row in roles} == {
        "Clerk": 5,
        "Head of unit": 5,
    }
    # 1.1: the clerks at 4 reach their target, the heads at 5 do not reach 6.
    first = {row["Group"]: row for row in roles if row["Competence code"] == "1.1"}
    assert first["Clerk"]["Share of self-ratings at or above target (%)"] == 100
    assert first["Head of unit"]["Levels missing"] == 5


def test_no_row_is_about_fewer_than_five_people_and_the_totals_add_up(client_as, closed_round):
    book = workbook_of(client_as("botosani-editor").get(url(closed_round)))
    results = records(book["Results"])
    people = {row["Group"]: row["People in the group"] for row in results}
    other = OTHER
    assert people == {"Finance": 6, other: 9, "All departments": 15}
    assert people["Finance"] + people[other] == people["All departments"]
    # Archive's 4 people never have a row, a heading or a figure of their own.
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str) and "Archive" in value:
                    assert value.startswith("Other (groups under 5):"), (sheet.title, row)
    # "Other", 1.1: Civil registry's 5 clerks at 3, Archive's 4 heads at 2: mean (15 + 8) /
    # 9 = 2.6; the heads are too few for target figures, so there are none.
    cell = next(row for row in results if row["Group"] == other and row["Competence code"] == "1.1")
    assert cell["Mean level"] == 2.6
    assert (cell["People who rated it"], cell["People with a target"]) == (9, 0)
    assert (cell["Below target"], cell["Levels missing"]) == (0, 0)
    all_departments = [row for row in results if row["Group"] == "All departments"]
    assert all(row["People who rated it"] == 15 for row in all_departments)
    assert all(row["People with a target"] == 0 for row in all_departments)


def test_the_needs_sheet_is_ranked_as_the_page(client_as, needs_round):
    client = client_as("botosani-editor")
    book = workbook_of(client.get(url(needs_round)))
    needs = records(book["Needs"])
    ranking = [(row["Rank"], row["Department group"], row["Competence code"]) for row in needs]
    # Other, 1.1: Civil registry's 5 clerks at 3 (1 level each) and Archive's 4 at 2 (2
    # each): 13 levels. Then 5 levels each: Finance's 5 heads at 5 (target 6) in every
    # competence, and Civil registry's clerks in 1.2 and 1.3 (Archive's are at 6); ties go
    # in the framework's order, then by the group's name.
    assert ranking == [
        (1, OTHER, "1.1"),
        (2, "Finance", "1.1"),
        (3, "Finance", "1.2"),
        (4, OTHER, "1.2"),
        (5, "Finance", "1.3"),
        (6, OTHER, "1.3"),
    ]
    assert (needs[0]["People below target"], needs[0]["People with a target"]) == (9, 9)
    assert needs[0]["Levels missing"] == 13
    assert (needs[1]["People below target"], needs[1]["People with a target"]) == (5, 11)
    assert (needs[3]["People below target"], needs[3]["Levels missing"]) == (5, 5)
    # The same order as the needs page (which puts "Other"'s members in brackets).
    page = table_rows(client.get(f"/capacity/rounds/{needs_round.pk}/needs/"), "needs")[1:]
    other_on_page = OTHER.replace(": ", " (") + ")"
    assert [(row[1], row[2].split()[0]) for row in page] == [
        (other_on_page if group == OTHER else group, code) for _rank, group, code in ranking
    ]


def test_the_comparison_sheet_comes_with_an_earlier_round(client_as, city, editor, closed_round):
    later = make_round(editor, city, title="After the training")
    answered(later, editor, [("Finance", "clerk", 6, 6), ("Civil registry", "clerk", 4, 5)])
    close(editor, later)
    client = client_as("botosani-editor")
    book = workbook_of(client.get(url(later, f"?before={closed_round.pk}")))
    assert book.sheetnames == ["Results", "By role", "Needs", "Comparison"]
    rows = records(book["Comparison"])
    header = list(rows[0])
    assert header[3] == f"Mean level in {closed_round.title}"
    assert header[4] == "Mean level in After the training"
    finance = next(r for r in rows if r["Group"] == "Finance" and r["Competence code"] == "1.1")
    assert list(finance.values())[3:6] == [5, 6, 1]
    # Archive (4 people, then none) is too small, and "Other" with it alone too: Civil
    # registry (5 and 5), the smaller shown group, joins it in both rounds.
    assert {row["Group"] for row in rows} == {
        "Finance",
        "Other (groups under 5): Archive, Civil registry",
        "All departments",
    }
    assert client.get(url(later, "?before=999999")).status_code == 404
    assert client.get(url(later, f"?before={later.pk}")).status_code == 404


def test_an_open_round_has_no_workbook(client_as, city, editor):
    round_ = make_round(editor, city)
    answered(round_, editor, PEOPLE)
    response = client_as("botosani-editor").get(url(round_))
    assert response.status_code == 302
    with pytest.raises(ValueError):
        round_xlsx(round_results(round_))


def test_text_that_looks_like_a_formula_is_written_as_text(client_as, city, editor):
    services.department_save(
        actor=editor, organisation=city, data={"name": "=HYPERLINK(1)", "staff_count": 9}
    )
    round_ = make_round(editor, city)
    answered(round_, editor, [("=HYPERLINK(1)", "clerk", 4, 5)])
    close(editor, round_)
    book = workbook_of(client_as("botosani-editor").get(url(round_)))
    groups = {row["Group"] for row in records(book["Results"])}
    assert "'=HYPERLINK(1)" in groups


@pytest.mark.parametrize("who", ["citizen", "messina-editor"])
def test_people_outside_the_city_get_no_workbook(client, client_as, closed_round, who):
    assert client_as(who).get(url(closed_round)).status_code == 403
    client.logout()
    assert client.get(url(closed_round)).status_code == 302
