"""The action table and the budget as XLSX. The action table's layout (`ACTION_COLUMNS`) is
also the import format: a file exported here imports again."""

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.workbook.child import INVALID_TITLE_REGEX

from di4c.core.spreadsheets import safe_rows
from di4c.plans import selectors
from di4c.plans.imports.reading import COLUMNS as IMPORT_COLUMNS
from di4c.plans.imports.reading import FUNDING_COLUMNS as IMPORT_FUNDING_COLUMNS
from di4c.plans.models import ActionStatus, FundingStatus

# The action table's layout is the import format: one definition, in imports/reading.py.
FUNDING_COLUMNS = list(IMPORT_FUNDING_COLUMNS)
ACTION_COLUMNS = list(IMPORT_COLUMNS)
# When a source is split between statuses, its one status is the least advanced one: the
# table never shows money as secured that is not.
STATUS_ORDER = [FundingStatus.PLANNED, FundingStatus.APPLIED, FundingStatus.SECURED]
MONEY_FORMAT = "#,##0.00"


def _num(value):
    return float(value) if value is not None else None


def _yyyy_mm(value: dt.date | None) -> str | None:
    return f"{value:%Y-%m}" if value else None


def _workbook_bytes(workbook: Workbook) -> bytes:
    for sheet in workbook.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(text: str) -> str:
    """A translated sheet name as a workbook accepts it: no []:*?/\\ and at most 31
    characters."""
    return INVALID_TITLE_REGEX.sub("", str(text))[:31]


def _money_columns(sheet, columns: list[int]) -> None:
    for row in sheet.iter_rows(min_row=2):
        for index in columns:
            row[index].number_format = MONEY_FORMAT


def action_rows(tree, *, contacts: bool = True) -> list[list]:
    """One row per action in the ACTION_COLUMNS layout (not yet made safe for a sheet);
    without `contacts`, the contact_email cells are empty."""
    rows = []
    for action in tree.actions:
        amounts: dict[str, Decimal] = defaultdict(Decimal)
        statuses: dict[str, str] = {}
        for funding in action.fundings.all():
            amounts[funding.kind] += funding.amount
            known = statuses.get(funding.kind)
            if known is None or STATUS_ORDER.index(funding.status) < STATUS_ORDER.index(known):
                statuses[funding.kind] = funding.status
        rows.append(
            [
                action.code,
                action.objective.code,
                action.title,
                action.description,
                action.lead_department,
                action.contact_person,
                action.contact_email if contacts else None,
                _yyyy_mm(action.starts_on),
                _yyyy_mm(action.ends_on),
                _num(action.estimated_cost),
                action.status,
                action.progress,
                *[_num(amounts[kind]) if kind in amounts else None for kind in FUNDING_COLUMNS],
                "; ".join(
                    f"{kind}={statuses[kind]}" for kind in FUNDING_COLUMNS if kind in statuses
                ),
            ]
        )
    return rows


def actions_xlsx(plan, *, viewer=None) -> bytes:
    """The action table, one row per action; the same layout imports again. With a `viewer`
    who may not see the action leads' e-mails (`selectors.sees_contacts`), the contact_email
    column stays but its cells are empty; without one, everything (internal uses)."""
    tree = selectors.plan_tree(plan)
    contacts = viewer is None or selectors.sees_contacts(viewer, plan)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    sheet.append(ACTION_COLUMNS)
    for row in safe_rows(action_rows(tree, contacts=contacts)):
        sheet.append(row)
    first_money = ACTION_COLUMNS.index("estimated_cost")
    _money_columns(sheet, [first_money, *[ACTION_COLUMNS.index(kind) for kind in FUNDING_COLUMNS]])
    for letter, width in {"B": 10, "C": 40, "D": 50, "E": 24, "F": 22, "G": 26}.items():
        sheet.column_dimensions[letter].width = width
    return _workbook_bytes(workbook)


def budget_xlsx(plan, *, viewer=None) -> bytes:
    """The budget: by funding source, by year and by action (cancelled actions left out),
    its sheet names and headers in the active language (the caller activates the reader's).
    It holds nothing kept from some readers: `viewer` is taken for the same call as the other
    documents."""
    tree = selectors.plan_tree(plan)
    money = selectors.budget(tree)
    workbook = Workbook()
    sources = workbook.active
    sources.title = _sheet_title(_("By source"))
    sources.append([_("source"), _("secured"), _("applied"), _("planned"), _("total")])
    rows = [
        [
            str(row["label"]),
            _num(row[FundingStatus.SECURED]),
            _num(row[FundingStatus.APPLIED]),
            _num(row[FundingStatus.PLANNED]),
            _num(row["total"]),
        ]
        for row in money.by_kind
    ]
    for row in safe_rows(rows):
        sources.append(row)
    sources.append(
        [
            _("total"),
            _num(money.secured),
            _num(money.applied),
            _num(money.planned),
            _num(money.secured + money.applied + money.planned),
        ]
    )
    _money_columns(sources, [1, 2, 3, 4])
    sources.column_dimensions["A"].width = 50

    years = workbook.create_sheet(_sheet_title(_("By year")))
    years.append([_("year"), _("cost"), _("secured"), _("gap")])
    for row in money.by_year:
        years.append([row["year"], _num(row["cost"]), _num(row["secured"]), _num(row["gap"])])
    _money_columns(years, [1, 2, 3])

    actions = workbook.create_sheet(_sheet_title(_("Actions")))
    actions.append(
        [
            _("code"),
            _("title"),
            _("cost"),
            _("secured"),
            _("applied"),
            _("planned"),
            _("no secured funding"),
        ]
    )
    unsecured = {action.pk for action in money.unsecured_actions}
    yes, no = _("yes"), _("no")
    rows = []
    for action in tree.actions:
        if action.status == ActionStatus.CANCELLED:
            continue
        by_status = {status: Decimal(0) for status in FundingStatus.values}
        for funding in action.fundings.all():
            by_status[funding.status] += funding.amount
        rows.append(
            [
                action.code,
                action.title,
                _num(action.estimated_cost),
                _num(by_status[FundingStatus.SECURED]),
                _num(by_status[FundingStatus.APPLIED]),
                _num(by_status[FundingStatus.PLANNED]),
                yes if action.pk in unsecured else no,
            ]
        )
    for row in safe_rows(rows):
        actions.append(row)
    _money_columns(actions, [2, 3, 4, 5])
    actions.column_dimensions["B"].width = 50
    return _workbook_bytes(workbook)
