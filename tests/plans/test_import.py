"""Import of a plan's action table (XLSX or CSV) with a preview of every bad row."""

import csv
import datetime as dt
import io
import math
import re
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from di4c.plans import imports
from di4c.plans.models import Action, Funding, Objective

pytestmark = pytest.mark.django_db

HEADER = list(imports.COLUMNS)


def xlsx(rows: list[dict] | list[list], header: list[str] | None = None, name="actions.xlsx"):
    """An uploaded workbook: the header, then each row (a dict by column, or a list)."""
    header = header or HEADER
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column) for column in header] if isinstance(row, dict) else row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(text: str, name="actions.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"))


def csv_of(rows: list[dict], header: list[str] | None = None):
    """The rows as a CSV file: what a workbook cannot hold (control characters) can be in it."""
    header = header or HEADER
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(column) is None else row[column] for column in header])
    return csv_file(buffer.getvalue())


def new_action(**cells) -> dict:
    """A valid row adding an action under SO2."""
    row = {
        "code": "N1",
        "objective": "SO2",
        "title": "Train the staff of the registry",
        "description": "Two days of training.\nThen coaching.",
        "lead_department": "Human resources",
        "contact_person": "Ana Pop",
        "contact_email": "ana@example.org",
        "starts_on": "2025-02",
        "ends_on": "2025-11",
        "estimated_cost": 10000,
        "status": "on_track",
        "progress": 20,
        "erdf": 6000,
        "municipal": 4000,
        "funding_status": "erdf=secured; municipal=planned",
    }
    row.update(cells)
    return row


def checked(plan, rows, header=None):
    return imports.check(plan, imports.read_rows(xlsx(rows, header)))


def errors_of(rows) -> dict[int, str]:
    return {row.number: " ".join(row.errors) for row in rows if not row.ok}


def snapshot(plan) -> list[tuple]:
    """Everything the import can touch, to compare before and after."""
    actions = Action.objects.filter(plan=plan).order_by("code")
    return [
        (
            action.code,
            action.objective.code,
            action.title,
            action.description,
            action.lead_department,
            action.contact_person,
            action.contact_email,
            action.starts_on,
            action.ends_on,
            action.estimated_cost,
            action.status,
            action.progress,
            action.version,
            sorted(
                (f.kind, f.name, f.amount, f.status) for f in Funding.objects.filter(action=action)
            ),
        )
        for action in actions
    ]


# --- a clean file -------------------------------------------------------------------------


def test_a_clean_workbook_adds_actions_with_their_funding(botosani_plan, botosani_editor):
    rows = checked(
        botosani_plan,
        [
            new_action(),
            new_action(
                code="",
                title="Open data portal",
                objective="so1.1",  # codes are matched whatever their case
                starts_on=dt.datetime(2025, 3, 17),  # an Excel date cell: kept as its month
                ends_on="2026-01-31",
                estimated_cost="",
                status="Not started",
                progress="",
                erdf="",
                municipal="",
                funding_status="",
            ),
        ],
    )
    assert errors_of(rows) == {}
    result = imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
    assert result == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 0}

    action = Action.objects.get(plan=botosani_plan, code="N1")
    assert action.objective.code == "SO2"
    assert action.description == "Two days of training.\nThen coaching."
    assert (action.starts_on, action.ends_on) == (dt.date(2025, 2, 1), dt.date(2025, 11, 1))
    assert (action.estimated_cost, action.status, action.progress) == (10000, "on_track", 20)
    assert sorted(action.fundings.values_list("kind", "amount", "status")) == [
        ("erdf", Decimal(6000), "secured"),
        ("municipal", Decimal(4000), "planned"),
    ]
    assert action.history.first().history_user == botosani_editor

    generated = Action.objects.get(plan=botosani_plan, title="Open data portal")
    assert generated.code == "A4"  # the next free code: A1-A3 are taken
    assert generated.objective.code == "SO1.1"
    assert (generated.starts_on, generated.ends_on) == (dt.date(2025, 3, 1), dt.date(2026, 1, 1))
    assert (generated.estimated_cost, generated.status, generated.progress) == (0, "not_started", 0)
    assert not generated.fundings.exists()


def test_a_generated_code_never_takes_a_code_named_later_in_the_file(
    botosani_plan, botosani_editor
):
    rows = checked(botosani_plan, [new_action(code=""), new_action(code="A4", title="Named")])
    assert errors_of(rows) == {}
    assert [row.code for row in rows] == ["A5", "A4"]
    imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
    assert Action.objects.get(plan=botosani_plan, code="A4").title == "Named"


def test_status_words_and_labels_in_any_case(botosani_plan):
    rows = checked(
        botosani_plan,
        [
            new_action(code="N1", status="ON TRACK"),
            new_action(code="N2", status="Not_Started", progress=0),
            new_action(code="N3", status="done", progress=100),
            new_action(code="N4", status="Cancelled"),
            new_action(code="N5", status="delayed"),
        ],
    )
    assert errors_of(rows) == {}
    assert [row.values["status"] for row in rows] == [
        "on_track",
        "not_started",
        "done",
        "cancelled",
        "delayed",
    ]


def test_a_done_action_without_progress_is_complete(botosani_plan, botosani_editor):
    rows = checked(botosani_plan, [new_action(status="Done", progress=None)])
    assert errors_of(rows) == {}
    imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
    assert Action.objects.get(plan=botosani_plan, code="N1").progress == 100


def test_amounts_in_european_and_english_notation(botosani_plan):
    rows = imports.check(
        botosani_plan,
        [
            new_action(estimated_cost="12.500,50", erdf="12 500,50", municipal="", progress="40%"),
            new_action(code="N2", estimated_cost="1,234.5 EUR", erdf="1234.50", municipal="0"),
        ],
    )
    assert errors_of(rows) == {}
    assert rows[0].values["estimated_cost"] == Decimal("12500.50")
    assert rows[0].values["progress"] == 40
    assert rows[1].fundings == [
        {"kind": "erdf", "name": "", "amount": Decimal("1234.50"), "status": "secured"}
    ]


# --- every kind of bad row, with its row number and its own message -------------------------


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"title": ""}, "title: the column is empty"),
        ({"objective": ""}, "objective: give the code of one of the plan's objectives"),
        ({"objective": "SO9"}, "the plan has no objective with the code 'SO9'"),
        (
            {"starts_on": "2025-06", "ends_on": "2025-02"},
            "ends_on: the action ends (2025-02) before it starts (2025-06)",
        ),
        (
            {"starts_on": "March 2025"},
            "starts_on: 'March 2025' is not a month; write it as YYYY-MM",
        ),
        ({"ends_on": "2025-13"}, "ends_on: '2025-13' is not a month"),
        (
            {"estimated_cost": 10000, "erdf": 6000, "municipal": 3000},
            "The funding split adds up to €9,000, not to the estimated cost of €10,000.",
        ),
        ({"progress": 150}, "progress: give a whole number from 0 to 100, not '150'"),
        ({"progress": -1}, "progress: give a whole number from 0 to 100, not '-1'"),
        ({"progress": 12.5}, "progress: give a whole number from 0 to 100, not '12.5'"),
        ({"estimated_cost": -5, "erdf": None, "municipal": None}, "estimated_cost: -5 is negative"),
        ({"erdf": -6000}, "erdf: -6000 is negative"),
        ({"estimated_cost": "a lot"}, "estimated_cost: 'a lot' is not a number"),
        ({"municipal": "4000.123"}, "municipal: 4000.123 has more than two decimals"),
        ({"status": "finished"}, "status: 'finished' is not a status; write Not started, On track"),
        ({"status": "done", "progress": 80}, "a done action is 100% complete, not 80%"),
        ({"title": "x" * 301}, "title: at most 300 characters; this one has 301"),
        ({"code": "A-VERY-LONG-CODE"}, "code: at most 12 characters; this one has 16"),
        ({"lead_department": "y" * 201}, "lead_department: at most 200 characters"),
        ({"contact_email": "ana at example"}, "contact_email: 'ana at example' is not an e-mail"),
        ({"title": "Train\x00staff"}, "title: remove line breaks and control characters"),
        ({"lead_department": "IT\ndepartment"}, "lead_department: remove line breaks"),
        ({"contact_person": "Ana\x07Pop"}, "contact_person: remove line breaks"),
        ({"description": "Two\x00days"}, "description: remove the NUL character"),
        (
            {"funding_status": "eu=secured; municipal=planned"},
            "funding_status: 'eu' is not a funding source",
        ),
        (
            {"funding_status": "erdf=maybe"},
            "funding_status: 'maybe' is not a status for erdf; write secured, applied, planned",
        ),
        ({"funding_status": "erdf secured"}, "funding_status: write source=status pairs"),
        (
            {"funding_status": "erdf=secured; erdf=planned"},
            "funding_status: erdf is named twice",
        ),
    ],
)
def test_each_kind_of_bad_row_is_reported(botosani_plan, cells, message):
    data = [new_action(code="N0"), new_action(**cells)]
    controls = any(ILLEGAL_CHARACTERS_RE.search(str(value)) for value in cells.values())
    upload = csv_of(data) if controls else xlsx(data)
    rows = imports.check(botosani_plan, imports.read_rows(upload))
    assert rows[0].ok, rows[0].errors
    assert [row.number for row in rows if not row.ok] == [3]
    assert message in " ".join(rows[1].errors)


def test_a_code_twice_in_the_file_marks_both_rows(botosani_plan):
    rows = checked(
        botosani_plan,
        [new_action(code="N7"), new_action(code="N8"), new_action(code="N7", title="Again")],
    )
    errors = errors_of(rows)
    assert sorted(errors) == [2, 4]
    assert "code: N7 appears more than once in the file (also on row 4)" in errors[2]
    assert "(also on row 2)" in errors[4]


def test_a_file_with_several_bad_rows_lists_all_of_them(botosani_plan):
    rows = checked(
        botosani_plan,
        [
            new_action(code="N1"),
            new_action(code="N2", title="", progress=101),
            new_action(code="N3"),
            new_action(code="N4", objective="SO7", starts_on="soon"),
            new_action(code="N5", status="unknown"),
        ],
    )
    errors = errors_of(rows)
    assert sorted(errors) == [3, 5, 6]
    assert "title: the column is empty" in errors[3]
    assert "progress: give a whole number" in errors[3]
    assert "'SO7'" in errors[5] and "starts_on: 'soon' is not a month" in errors[5]
    assert "status: 'unknown'" in errors[6]


def test_row_numbers_are_the_spreadsheet_rows_even_after_empty_rows(botosani_plan):
    rows = checked(botosani_plan, [new_action(code="N1"), [], [], new_action(code="N2", title="")])
    assert [row.number for row in rows] == [2, 5]
    assert list(errors_of(rows)) == [5]


def test_check_runs_a_fixed_number_of_queries(botosani_plan, django_assert_max_num_queries):
    raw = [new_action(code=f"N{n}") for n in range(300)] + [
        {"code": "A1", "objective": "SO2", "title": "Updated", "estimated_cost": "5"}
    ]
    with django_assert_max_num_queries(3):
        rows = imports.check(botosani_plan, raw)
    assert len(rows) == 301
    assert "adds up to €10,000" in rows[-1].errors[0]  # the stored split, prefetched


# --- writing ------------------------------------------------------------------------------


def test_a_bad_row_refuses_the_whole_import_and_writes_nothing(botosani_plan, botosani_editor):
    before = snapshot(botosani_plan)
    rows = checked(
        botosani_plan,
        [
            new_action(code="N1"),
            {"code": "A1", "objective": "SO2", "title": "Renamed", "progress": 50},
            new_action(code="N2", objective="SO9"),
        ],
    )
    with pytest.raises(ValueError, match="bad rows"):
        imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
    assert snapshot(botosani_plan) == before


def test_a_failure_in_the_middle_of_the_import_rolls_everything_back(
    botosani_plan, botosani_editor
):
    before = snapshot(botosani_plan)
    rows = checked(
        botosani_plan,
        [{"code": "A1", "objective": "SO2", "title": "Renamed"}, new_action(code="N1")],
    )
    assert errors_of(rows) == {}
    # Between the preview and the import someone adds an action with the code N1.
    objective = Objective.objects.get(plan=botosani_plan, code="SO2")
    Action.objects.create(plan=botosani_plan, objective=objective, code="N1", title="Theirs")
    before.append(snapshot(botosani_plan)[-1])
    with pytest.raises(ValidationError, match="Row 3"):
        imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
    assert snapshot(botosani_plan) == sorted(before)
    assert Action.objects.get(plan=botosani_plan, code="A1").title == "Action number 1"


def test_only_the_valid_rows_on_request(botosani_plan, botosani_editor):
    rows = checked(
        botosani_plan,
        [new_action(code="N1"), new_action(code="N2", progress=-1), new_action(code="N3")],
    )
    result = imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows, only_valid=True)
    assert result == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 1}
    codes = set(Action.objects.filter(plan=botosani_plan).values_list("code", flat=True))
    assert codes == {"A1", "A2", "A3", "N1", "N3"}


def test_a_row_with_an_existing_code_updates_that_action(botosani_plan, botosani_editor):
    action = Action.objects.get(plan=botosani_plan, code="A1")
    version = action.version
    rows = checked(
        botosani_plan,
        [
            new_action(
                code="A1",
                title="Action number 1, renamed",
                estimated_cost=10000,
                status="Delayed",
                progress=15,
                erdf=7000,
                municipal=None,
                national=3000,
                funding_status="erdf=applied",
            )
        ],
    )
    assert errors_of(rows) == {}
    result = imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
    assert result == {"created": 0, "updated": 1, "unchanged": 0, "skipped": 0}
    action.refresh_from_db()
    assert action.title == "Action number 1, renamed"
    assert action.objective.code == "SO2"
    assert (action.status, action.progress, action.version) == ("delayed", 15, version + 1)
    # The split is replaced; a source the action already had keeps its programme's name.
    assert sorted(action.fundings.values_list("kind", "name", "amount", "status")) == [
        ("erdf", "ROP North-East", Decimal(7000), "applied"),
        ("national", "", Decimal(3000), "planned"),
    ]
    assert action.status_changes.first().new_status == "delayed"
    assert Action.objects.filter(plan=botosani_plan).count() == 3


def test_columns_left_out_leave_the_action_alone(botosani_plan, botosani_editor):
    before = snapshot(botosani_plan)
    rows = checked(
        botosani_plan,
        [["A2", "SO1.1", "Action number 2", 55]],
        header=["Code", "OBJECTIVE", "title", "progress"],
    )
    assert errors_of(rows) == {}
    result = imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
    assert result["updated"] == 1
    after = snapshot(botosani_plan)
    assert after[1][11] == 55  # progress
    assert after[1][:11] == before[1][:11]  # the rest, the funding split included
    assert after[1][13] == before[1][13]


def test_a_cost_change_without_the_funding_columns_must_fit_the_stored_split(botosani_plan):
    rows = checked(
        botosani_plan,
        [["A1", "SO2", "Action number 1", 12000]],
        header=["code", "objective", "title", "estimated_cost"],
    )
    assert "adds up to €10,000, not to the estimated cost of €12,000" in (errors_of(rows)[2])


def test_someone_from_another_city_cannot_import(botosani_plan, demo_user):
    rows = checked(botosani_plan, [new_action()])
    with pytest.raises(PermissionDenied):
        imports.apply(actor=demo_user("messina-editor"), plan=botosani_plan, rows=rows)
    assert not Action.objects.filter(plan=botosani_plan, code="N1").exists()


def test_five_hundred_rows_are_read_and_checked_quickly(botosani_plan):
    upload = xlsx([new_action(code=f"N{n}") for n in range(500)])
    started = time.perf_counter()
    rows = imports.check(botosani_plan, imports.read_rows(upload))
    elapsed = time.perf_counter() - started
    assert len(rows) == 500 and all(row.ok for row in rows)
    assert elapsed < 1, f"reading and checking 500 rows took {elapsed:.2f} s"


def test_the_import_adds_no_queries_of_its_own_per_row(botosani_plan, botosani_editor):
    """Writing costs no more per row than services.action_save would, and nothing more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_to_import(count: int, first: int) -> int:
        rows = checked(
            botosani_plan, [new_action(code=f"N{n}") for n in range(first, first + count)]
        )
        with CaptureQueriesContext(connection) as queries:
            result = imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
        assert result["created"] == count
        return len(queries)

    one = queries_to_import(1, 0)
    fifty = queries_to_import(50, 1)
    assert fifty <= 50 * one


def _writes(statements: list[str]) -> list[str]:
    return [sql for sql in statements if sql.startswith(("INSERT", "UPDATE"))]


def test_the_import_takes_as_many_queries_for_200_rows_as_for_10(botosani_plan, botosani_editor):
    """The rows are written together: the queries do not grow with them, but for the batches
    of the INSERTs and UPDATEs. PostgreSQL takes 200 rows in one statement; SQLite's 999
    parameters cut an INSERT of some 30 columns into statements of about 33 rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(count: int, first: int, **cells) -> list[str]:
        rows = checked(
            botosani_plan,
            [new_action(code=f"N{n}", **cells) for n in range(first, first + count)],
        )
        with CaptureQueriesContext(connection) as queries:
            imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
        return [query["sql"] for query in queries.captured_queries]

    # Added, then updated (a new status and a new funding split, replacing the stored one).
    for cells in ({}, {"status": "delayed", "erdf": 5000, "municipal": 5000}):
        small = statements(10, 0, **cells)
        large = statements(200, 100, **cells)
        assert len(small) <= 15, small
        assert len(large) - len(_writes(large)) == len(small) - len(_writes(small))
        if connection.vendor == "sqlite":
            assert len(_writes(large)) <= len(_writes(small)) * math.ceil(200 / 33)
        else:
            assert len(large) == len(small)
    assert Action.objects.filter(plan=botosani_plan, status="delayed").count() == 210


def test_imported_actions_keep_history_versions_and_status_changes(botosani_plan, botosani_editor):
    rows = checked(botosani_plan, [new_action(code="N1"), new_action(code="N2", status="")])
    imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
    for code, status, progress in (("N1", "on_track", 20), ("N2", "not_started", 20)):
        action = Action.objects.get(plan=botosani_plan, code=code)
        assert (action.version, action.status, action.progress) == (1, status, progress)
        record = action.history.get()
        assert (record.history_type, record.history_user, record.version) == (
            "+",
            botosani_editor,
            1,
        )
        change = action.status_changes.get()
        assert (change.old_status, change.new_status, change.progress, change.changed_by) == (
            "",
            status,
            progress,
            botosani_editor,
        )
        assert change.changed_at == action.progress_updated_at
        assert sorted(
            Funding.history.filter(action_id=action.pk).values_list(
                "history_type", "kind", "history_user"
            )
        ) == [("+", "erdf", botosani_editor.pk), ("+", "municipal", botosani_editor.pk)]

    # Updated: A1 changes its status and its split, A2 its title only, A3 nothing.
    first, second, third = (
        Action.objects.get(plan=botosani_plan, code=code) for code in ("A1", "A2", "A3")
    )
    old_fundings = sorted(first.fundings.values_list("pk", flat=True))
    changes_of_second = second.status_changes.count()
    header = ["code", "objective", "title", "status", "progress", "estimated_cost"]
    header += ["erdf", "national", "municipal", "funding_status"]
    secured = "erdf=secured"
    rows = checked(
        botosani_plan,
        [
            ["A1", "SO2", "Action number 1", "delayed", 15, 10000, 4000, 6000, None, secured],
            ["A2", "SO1.1", "Renamed", None, None, None, 12000, None, 8000, secured],
            ["A3", "SO2", "Action number 3", None, None, None, 18000, None, 12000, secured],
        ],
        header=header,
    )
    assert errors_of(rows) == {}
    result = imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
    assert result == {"created": 0, "updated": 2, "unchanged": 1, "skipped": 0}
    for action, new_version in ((first, first.version + 1), (second, second.version + 1)):
        stored = Action.objects.get(pk=action.pk)
        assert stored.version == new_version
        record = stored.history.order_by("-history_date", "-history_id").first()
        assert (record.history_type, record.history_user, record.version) == (
            "~",
            botosani_editor,
            new_version,
        )
    assert Action.objects.get(pk=third.pk).version == third.version
    assert third.history.count() == 1

    stored = Action.objects.get(pk=first.pk)
    assert (stored.status, stored.progress) == ("delayed", 15)
    assert stored.progress_updated_at > first.progress_updated_at
    change = stored.status_changes.order_by("-pk").first()
    assert (change.old_status, change.new_status, change.progress, change.changed_by) == (
        "on_track",
        "delayed",
        15,
        botosani_editor,
    )
    assert sorted(stored.fundings.values_list("kind", "name", "amount", "status")) == [
        ("erdf", "ROP North-East", Decimal(4000), "secured"),
        ("national", "", Decimal(6000), "planned"),
    ]
    # Who removed the old split and who added the new one.
    gone = Funding.history.filter(id__in=old_fundings, history_type="-")
    assert sorted(gone.values_list("id", "history_user")) == [
        (pk, botosani_editor.pk) for pk in old_fundings
    ]
    assert sorted(
        Funding.history.filter(action_id=first.pk, history_type="+")
        .exclude(id__in=old_fundings)
        .values_list("kind", "history_user")
    ) == [("erdf", botosani_editor.pk), ("national", botosani_editor.pk)]

    stored = Action.objects.get(pk=second.pk)
    assert stored.title == "Renamed"
    assert stored.progress_updated_at == second.progress_updated_at
    assert stored.status_changes.count() == changes_of_second
    assert sorted(stored.fundings.values_list("pk", flat=True)) == sorted(
        second.fundings.values_list("pk", flat=True)
    )  # the same split: kept as it was


def test_an_action_saved_after_the_check_is_not_overwritten(botosani_plan, botosani_editor):
    from di4c.plans import services

    rows = checked(
        botosani_plan,
        [["A1", "SO2", "Mine"], new_action(code="N1")],
        ["code", "objective", "title"],
    )
    assert errors_of(rows) == {}
    action = Action.objects.get(plan=botosani_plan, code="A1")
    services.action_save(
        actor=botosani_editor, plan=botosani_plan, action=action, data={"title": "Theirs"}
    )
    with pytest.raises(ValidationError, match="Row 2: Someone else saved this in the meantime"):
        imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
    assert Action.objects.get(plan=botosani_plan, code="A1").title == "Theirs"
    assert not Action.objects.filter(plan=botosani_plan, code="N1").exists()


def test_what_the_database_refuses_fails_the_whole_import(
    botosani_plan, botosani_editor, monkeypatch
):
    """The last guard: should a value pass the checks and the database refuse it, the import
    fails with a message and writes nothing (not even the rows written before it)."""
    from di4c.plans.services import actions

    before = snapshot(botosani_plan)
    rows = checked(
        botosani_plan,
        [["A1", "SO2", "Action number 1", 50], ["N1", "SO2", "New", 10]],
        ["code", "objective", "title", "progress"],
    )
    assert errors_of(rows) == {}
    rows[0].values["progress"] = 150  # as if the checks had let it through
    monkeypatch.setattr(actions, "_clean_fields", lambda instance, names: {})
    with pytest.raises(ValidationError, match="The database refused the import"):
        imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
    assert snapshot(botosani_plan) == before
    assert rows[0].action.version == before[0][12]  # the caller's object keeps its version


# --- reading files ------------------------------------------------------------------------


def test_a_csv_file_with_semicolons_and_quoted_line_breaks(botosani_plan, botosani_editor):
    text = (
        "\ufeffcode;objective;title;description;starts_on;ends_on;estimated_cost;status;"
        "progress;erdf;municipal;funding_status\n"
        'C1;SO1;Digital registry;"Line one\r\nline two";2024-01;2024-12;1500,50;on track;10;'
        "1000;500,50;erdf=secured\n"
        "\n"
        "C2;SO2;Skills;;2024-03-01;;;;;;;\n"
    )
    raw = imports.read_rows(csv_file(text))
    rows = imports.check(botosani_plan, raw)
    assert rows[0].values["description"] == "Line one\nline two"
    assert [row.number for row in rows] == [2, 4]  # a quoted line break is one row
    assert errors_of(rows) == {}
    imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
    first = Action.objects.get(plan=botosani_plan, code="C1")
    assert first.estimated_cost == Decimal("1500.50")
    assert sorted(first.fundings.values_list("kind", "amount", "status")) == [
        ("erdf", Decimal(1000), "secured"),
        ("municipal", Decimal("500.50"), "planned"),
    ]
    assert Action.objects.get(plan=botosani_plan, code="C2").starts_on == dt.date(2024, 3, 1)


def test_a_csv_with_commas_reads_too(botosani_plan):
    raw = imports.read_rows(csv_file('code,objective,title\nC1,SO1,"Registry, online"\n'))
    assert raw == [{"code": "C1", "objective": "SO1", "title": "Registry, online", "_row": "2"}]


def test_the_rows_survive_the_session_as_json(botosani_plan):
    import json

    raw = imports.read_rows(xlsx([new_action(starts_on=dt.date(2025, 1, 1), estimated_cost=1.5)]))
    assert json.loads(json.dumps(raw)) == raw
    assert raw[0]["starts_on"] == "2025-01-01"
    assert raw[0]["estimated_cost"] == "1.5"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("actions.xlsx", b"not a workbook"), "not a readable Excel"),
        (SimpleUploadedFile("actions.pdf", b"%PDF-1.4"), "Import a .xlsx or .csv file"),
        (SimpleUploadedFile("actions.csv", b""), "The file is empty"),
        (SimpleUploadedFile("actions.csv", b"\n\n;;\n"), "The file is empty"),
        (
            SimpleUploadedFile("actions.csv", "a\xe9".encode("latin-1")),
            "Save the CSV file as UTF-8",
        ),
        (
            SimpleUploadedFile("actions.csv", b"A1,SO1,A title\n"),
            "The first row must name the columns",
        ),
        (
            SimpleUploadedFile("actions.csv", b"code,objective,title,budget,owner\n"),
            "Unknown columns: budget, owner.",
        ),
        (
            SimpleUploadedFile("actions.csv", b"code,objective,title,Title\n"),
            "These columns appear twice: title.",
        ),
        (
            SimpleUploadedFile("actions.csv", b"code,title\nA1,Title\n"),
            "The file needs the columns objective.",
        ),
        (
            SimpleUploadedFile("actions.csv", b"objective,title,,\nSO1,T,,stray\n"),
            "Column D holds values but has no name",
        ),
        (
            SimpleUploadedFile("actions.csv", b"objective,title,funding_status\n"),
            "funding_status needs the columns of the amounts",
        ),
        (
            SimpleUploadedFile(
                "actions.csv", b"objective,title\n" + b"SO1,Title\n" * (imports.MAX_ROWS + 1)
            ),
            "At most 5,000 actions per file.",
        ),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(upload, message):
    with pytest.raises(imports.ImportFileError, match=message):
        imports.read_rows(upload)


def test_an_empty_workbook_is_refused():
    with pytest.raises(imports.ImportFileError, match="The file is empty"):
        imports.read_rows(xlsx([], header=[None]))


def test_the_actions_sheet_is_found_next_to_a_sheet_of_explanations(botosani_plan):
    workbook = Workbook()
    workbook.active.append(["How to fill in the table"])
    actions = workbook.create_sheet("Actions")
    actions.append(["objective", "title"])
    actions.append(["SO1", "Digital registry"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    raw = imports.read_rows(SimpleUploadedFile("a.xlsx", buffer.getvalue()))
    assert raw == [{"objective": "SO1", "title": "Digital registry", "_row": "2"}]


def test_the_columns_are_documented():
    documented = " ".join(column for column, _meaning in imports.DOCUMENTED_COLUMNS)
    assert all(column in documented for column in imports.COLUMNS)
    assert all(str(meaning) for _column, meaning in imports.DOCUMENTED_COLUMNS)


# --- round trips --------------------------------------------------------------------------


def table_of(plan) -> SimpleUploadedFile:
    """The action table written out in the documented format, as a person would keep it."""
    rows = []
    for action in Action.objects.filter(plan=plan).prefetch_related("fundings"):
        row = {
            "code": action.code,
            "objective": action.objective.code,
            "title": action.title,
            "description": action.description,
            "lead_department": action.lead_department,
            "contact_person": action.contact_person,
            "contact_email": action.contact_email,
            "starts_on": f"{action.starts_on:%Y-%m}" if action.starts_on else None,
            "ends_on": action.ends_on,  # a date cell
            "estimated_cost": float(action.estimated_cost),
            "status": action.get_status_display(),
            "progress": action.progress,
        }
        statuses = []
        for funding in action.fundings.all():
            row[funding.kind] = float(funding.amount)
            statuses.append(f"{funding.kind}={funding.status}")
        row["funding_status"] = "; ".join(statuses)
        rows.append(row)
    return xlsx(rows)


def test_importing_the_table_as_it_stands_changes_nothing(botosani_plan, botosani_editor):
    before = snapshot(botosani_plan)
    rows = imports.check(botosani_plan, imports.read_rows(table_of(botosani_plan)))
    assert errors_of(rows) == {}
    result = imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
    assert result == {"created": 0, "updated": 0, "unchanged": 3, "skipped": 0}
    assert snapshot(botosani_plan) == before  # versions included: no one's edit conflicts


def test_the_exported_table_imports_again_unchanged(botosani_plan, botosani_editor):
    from di4c.plans import exports

    content = exports.actions_xlsx(botosani_plan)
    before = snapshot(botosani_plan)
    raw = imports.read_rows(SimpleUploadedFile("actions.xlsx", content))
    rows = imports.check(botosani_plan, raw)
    assert errors_of(rows) == {}
    result = imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
    assert result["created"] == 0
    assert snapshot(botosani_plan) == before


def test_the_demo_plan_survives_export_edit_and_import(demo_plans, demo_user):
    """Botoșani's demo plan (Romanian text, several sources) through the real exporter, with
    text a spreadsheet would take for a formula."""
    from di4c.plans import exports, services
    from di4c.plans.models import Plan

    editor = demo_user("botosani-editor")
    plan = Plan.objects.get(organisation__slug="botosani")
    action = plan.actions.get(code="A2")
    services.action_save(
        actor=editor,
        plan=plan,
        action=action,
        data={"title": "=1+1 taxe", "description": "- pasul unu\n- pasul doi"},
    )
    before = snapshot(plan)
    upload = SimpleUploadedFile("plan.xlsx", exports.actions_xlsx(plan))
    rows = imports.check(plan, imports.read_rows(upload))
    assert errors_of(rows) == {}
    result = imports.apply(actor=editor, plan=plan, rows=rows)
    assert result["unchanged"] == len(before)
    assert snapshot(plan) == before


def test_an_unreadable_amount_is_reported_once(botosani_plan):
    rows = checked(botosani_plan, [new_action(erdf="six thousand")])
    assert rows[0].errors == ["erdf: 'six thousand' is not a number."]


# --- the page -----------------------------------------------------------------------------


def test_the_page_previews_the_bad_rows_then_imports_the_valid_ones(botosani_plan, client_as):
    from django.urls import reverse

    client = client_as("botosani-editor")
    url = reverse("plans:import", args=[botosani_plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'type="file"' in page.content.decode()
    upload = xlsx([new_action(code="N1"), new_action(code="N2", objective="SO9")])
    page = client.post(url, {"file": upload}).content.decode()
    assert "1 row has problems; 1 rows are fine. Nothing has been written." in page
    assert '<th scope="row">3</th>' in page
    assert "the plan has no objective with the code &#x27;SO9&#x27;" in page
    assert "Import only the 1 valid row" in page
    assert 'value="all"' not in page  # no "Import" while a row is bad
    assert not Action.objects.filter(plan=botosani_plan, code="N1").exists()
    response = client.post(url, {"confirm": "valid"})
    assert response.status_code == 302
    assert Action.objects.filter(plan=botosani_plan, code="N1").exists()
    assert not Action.objects.filter(plan=botosani_plan, code="N2").exists()


def test_the_page_imports_a_clean_file(botosani_plan, client_as):
    from django.urls import reverse

    client = client_as("botosani-editor")
    url = reverse("plans:import", args=[botosani_plan.pk])
    page = client.post(url, {"file": xlsx([new_action(code="N1")])}).content.decode()
    assert "1 row is ready to import." in page
    assert 'value="all"' in page
    assert client.post(url, {"confirm": "all"}).status_code == 302
    assert Action.objects.get(plan=botosani_plan, code="N1").fundings.count() == 2


def test_the_page_refuses_an_unreadable_file_and_other_cities(botosani_plan, client_as):
    from django.urls import reverse

    url = reverse("plans:import", args=[botosani_plan.pk])
    page = client_as("botosani-editor").post(
        url, {"file": SimpleUploadedFile("a.xlsx", b"not a workbook")}
    )
    assert "not a readable Excel" in page.content.decode()
    assert client_as("messina-editor").get(url).status_code == 403


# --- review fixes: the funding split's round trip, huge amounts, years, edits meanwhile --------


def _split_a1(plan, editor) -> Action:
    """A1 (10,000 EUR) with ERDF split between secured and planned, and programme names."""
    from di4c.plans import services

    action = Action.objects.get(plan=plan, code="A1")
    return services.action_save(
        actor=editor,
        plan=plan,
        action=action,
        data={},
        fundings=[
            {"kind": "erdf", "name": "ROP North-East", "amount": 5000, "status": "secured"},
            {"kind": "erdf", "name": "Interreg NEXT", "amount": 3000, "status": "planned"},
            {"kind": "municipal", "name": "City budget", "amount": 2000, "status": "planned"},
        ],
    )


def _secured(plan) -> Decimal:
    return sum(
        Funding.objects.filter(action__plan=plan, status="secured").values_list(
            "amount", flat=True
        ),
        Decimal(0),
    )


def _exported_rows(plan) -> tuple[list[str], list[list]]:
    """The exported action table as a header and rows of cell values, to edit."""
    from openpyxl import load_workbook

    from di4c.plans import exports

    sheet = load_workbook(io.BytesIO(exports.actions_xlsx(plan))).active
    lines = [list(line) for line in sheet.iter_rows(values_only=True)]
    return lines[0], lines[1:]


def _lines(action) -> list[tuple]:
    return sorted(
        (f.kind, f.name, f.amount, f.status) for f in Funding.objects.filter(action=action)
    )


def test_a_split_source_and_programme_names_survive_export_and_import(
    botosani_plan, botosani_editor
):
    from di4c.plans import exports

    _split_a1(botosani_plan, botosani_editor)
    secured = _secured(botosani_plan)
    history = Funding.history.count()
    before = snapshot(botosani_plan)
    upload = SimpleUploadedFile("actions.xlsx", exports.actions_xlsx(botosani_plan))
    rows = imports.check(botosani_plan, imports.read_rows(upload))
    assert errors_of(rows) == {}
    assert all(row.fundings is None for row in rows)
    result = imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
    assert result == {"created": 0, "updated": 0, "unchanged": 3, "skipped": 0}
    assert snapshot(botosani_plan) == before  # versions included
    assert _secured(botosani_plan) == secured
    assert Funding.history.count() == history


def test_changing_one_source_keeps_the_split_of_the_others(botosani_plan, botosani_editor):
    action = _split_a1(botosani_plan, botosani_editor)
    header, lines = _exported_rows(botosani_plan)
    line = next(line for line in lines if line[0] == "A1")
    line[header.index("municipal")] = 3000
    line[header.index("estimated_cost")] = 11000
    rows = checked(botosani_plan, [line], header)
    assert errors_of(rows) == {}
    result = imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
    assert result["updated"] == 1
    stored = Action.objects.get(pk=action.pk)
    assert stored.version == action.version + 1
    assert stored.estimated_cost == Decimal(11000)
    assert _lines(stored) == [
        ("erdf", "Interreg NEXT", Decimal(3000), "planned"),
        ("erdf", "ROP North-East", Decimal(5000), "secured"),
        ("municipal", "City budget", Decimal(3000), "planned"),  # its one line keeps its name
    ]


def test_a_changed_source_becomes_one_line_with_the_rows_amount_and_status(
    botosani_plan, botosani_editor
):
    action = _split_a1(botosani_plan, botosani_editor)
    header, lines = _exported_rows(botosani_plan)
    line = next(line for line in lines if line[0] == "A1")
    # The same ERDF amount, now all secured: the two lines become one, whose name is unknown.
    line[header.index("funding_status")] = "erdf=secured; municipal=planned"
    second = next(line for line in lines if line[0] == "A2")
    second[header.index("erdf")] = 14000
    second[header.index("municipal")] = 6000
    rows = checked(botosani_plan, [line, second], header)
    assert errors_of(rows) == {}
    imports.apply(actor=botosani_editor, plan=botosani_plan, rows=rows)
    assert _lines(action) == [
        ("erdf", "", Decimal(8000), "secured"),
        ("municipal", "City budget", Decimal(2000), "planned"),
    ]
    assert _lines(Action.objects.get(plan=botosani_plan, code="A2")) == [
        ("erdf", "ROP North-East", Decimal(14000), "secured"),
        ("municipal", "", Decimal(6000), "planned"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("estimated_cost\n1e30", "estimated_cost: 1e30 is too large."),
        (
            "estimated_cost\n99999999999999999999999999999.99",
            "estimated_cost: 99999999999999999999999999999.99 is too large.",
        ),
        ("estimated_cost\n1000000000000", "estimated_cost: 1000000000000 is too large."),
        (  # within a spreadsheet's noise of cents, but rounded it no longer fits
            "estimated_cost\n999999999999.999999999",
            "estimated_cost: 999999999999.999999999 is too large",
        ),
        ("estimated_cost\n1e999999999", "estimated_cost: 1e999999999 is too large."),
        ("estimated_cost\ninf", "estimated_cost: inf is too large."),
        ("estimated_cost\nInfinity", "estimated_cost: Infinity is too large."),
        ("estimated_cost\nNaN", "estimated_cost: 'NaN' is not a number."),
        ("estimated_cost\nsNaN", "estimated_cost: 'sNaN' is not a number."),
        ("estimated_cost,erdf\n10,1e30", "erdf: 1e30 is too large."),
        ("estimated_cost,municipal\n10,99999999999999999999999999999.99", "municipal: 999"),
        ("estimated_cost,erdf\n10,-inf", "erdf: -inf is negative"),
        ("progress\n1e30", "progress: give a whole number from 0 to 100, not '1e30'"),
        ("progress\nNaN", "progress: 'NaN' is not a number."),
    ],
)
def test_a_number_too_large_for_the_database_is_a_row_error(botosani_plan, text, message):
    header, values = text.split("\n")
    upload = csv_file(f"code,objective,title,{header}\nX1,SO2,Big,{values}\n")
    rows = imports.check(botosani_plan, imports.read_rows(upload))
    assert message in " ".join(rows[0].errors)
    if "too large" in message:
        assert "too large" in " ".join(rows[0].errors)


def test_the_largest_amount_the_database_holds_is_read(botosani_plan):
    upload = csv_file(
        "code,objective,title,estimated_cost,erdf\nX1,SO2,Big,999999999999.99,999999999999.99\n"
    )
    rows = imports.check(botosani_plan, imports.read_rows(upload))
    assert errors_of(rows) == {}
    assert rows[0].values["estimated_cost"] == Decimal("999999999999.99")


@pytest.mark.parametrize(
    "month", ["9999-12", "0202-01", "0000-05", "1989-12", "2101-01", "0000-05-01", "9999/12"]
)
def test_a_year_outside_the_plans_years_is_a_row_error(botosani_plan, month):
    from di4c.plans.models import PLAN_YEARS

    rows = checked(
        botosani_plan,
        [new_action(starts_on=month, ends_on=None), new_action(code="N2", ends_on=month)],
    )
    assert PLAN_YEARS == (1990, 2100)
    assert f"starts_on: '{month}'" in rows[0].errors[0]
    assert "Give a year between 1990 and 2100." in rows[0].errors[0]
    assert "ends_on: " in rows[1].errors[0]
    assert "Give a year between 1990 and 2100." in rows[1].errors[0]


def test_the_first_and_last_years_of_a_plan_are_read(botosani_plan):
    rows = checked(botosani_plan, [new_action(starts_on="1990-01", ends_on="2100-12")])
    assert errors_of(rows) == {}


def _edit_meanwhile(plan, editor, how: str) -> None:
    from di4c.plans import services

    if how == "edited":
        action = Action.objects.get(plan=plan, code="A1")
        services.action_save(actor=editor, plan=plan, action=action, data={"title": "Theirs"})
    elif how == "deleted":
        services.action_delete(actor=editor, action=Action.objects.get(plan=plan, code="A1"))
    else:  # someone adds an action with the code the file gives a new one
        services.action_save(
            actor=editor,
            plan=plan,
            data={"objective": plan.objectives.get(code="SO2"), "code": "N1", "title": "Theirs"},
        )


CONFLICTS = {
    "edited": "Row 2 (A1) was changed by someone else after the preview: upload the file "
    "again to see the changes.",
    "deleted": "Row 2 (A1) was changed by someone else after the preview",
    "created": "Row 3 (N1) was changed by someone else after the preview",
}


@pytest.mark.parametrize("how", list(CONFLICTS))
def test_an_edit_after_the_preview_refuses_the_import(botosani_plan, botosani_editor, how):
    raw = imports.read_rows(
        xlsx(
            [["A1", "SO2", "Mine", 10000, 6000, 4000], ["N1", "SO2", "New", 0, None, None]],
            ["code", "objective", "title", "estimated_cost", "erdf", "municipal"],
        )
    )
    preview = imports.check(botosani_plan, raw)
    assert errors_of(preview) == {}
    previewed = imports.previewed_versions(preview)
    _edit_meanwhile(botosani_plan, botosani_editor, how)
    before = snapshot(botosani_plan)
    rows = imports.check(botosani_plan, raw)  # as the confirm step checks again
    with pytest.raises(imports.ImportConflict, match=re.escape(CONFLICTS[how])):
        imports.apply(
            actor=botosani_editor,
            plan=botosani_plan,
            rows=rows,
            only_valid=True,
            previewed=previewed,
        )
    assert snapshot(botosani_plan) == before


def test_without_edits_the_previewed_versions_let_the_import_through(
    botosani_plan, botosani_editor
):
    import json

    raw = imports.read_rows(
        xlsx([["A1", "SO2", "Mine"], ["", "SO2", "New"]], ["code", "objective", "title"])
    )
    previewed = json.loads(
        json.dumps(imports.previewed_versions(imports.check(botosani_plan, raw)))
    )
    rows = imports.check(botosani_plan, raw)
    result = imports.apply(
        actor=botosani_editor, plan=botosani_plan, rows=rows, previewed=previewed
    )
    assert result == {"created": 1, "updated": 1, "unchanged": 0, "skipped": 0}


def test_the_page_refuses_to_overwrite_an_edit_made_after_the_preview(
    botosani_plan, botosani_editor, client_as
):
    from django.contrib.messages import get_messages
    from django.urls import reverse

    client = client_as("botosani-editor")
    url = reverse("plans:import", args=[botosani_plan.pk])
    upload = xlsx(
        [["N1", "SO2", "New"], ["N2", "SO2", "Other"], ["A3", "SO2", "Mine"]],
        ["code", "objective", "title"],
    )
    page = client.post(url, {"file": upload}).content.decode()
    assert "All 3 rows are ready to import." in page
    _edit_meanwhile(botosani_plan, botosani_editor, "created")  # N1
    action = Action.objects.get(plan=botosani_plan, code="A3")
    from di4c.plans import services

    services.action_save(
        actor=botosani_editor, plan=botosani_plan, action=action, data={"title": "Theirs"}
    )
    before = snapshot(botosani_plan)
    response = client.post(url, {"confirm": "all"})
    assert response.status_code == 302
    assert response.url == url
    message = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert (
        "Rows 2 (N1), 4 (A3) were changed by someone else after the preview: upload the file "
        "again to see the changes." in message
    )
    assert snapshot(botosani_plan) == before
    assert Action.objects.get(plan=botosani_plan, code="A3").title == "Theirs"
    # The preview is gone: confirming again asks for the file again.
    client.post(url, {"confirm": "all"})
    assert snapshot(botosani_plan) == before
