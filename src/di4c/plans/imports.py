"""Import of a plan's action table from XLSX or CSV, with a preview.

One row per action; the first row names the columns, in any order and any case:

    code, objective, title, description, lead_department, contact_person, contact_email,
    starts_on, ends_on, estimated_cost, status, progress,
    erdf, esf_plus, digital_europe, rrf, eu_other, national, municipal, private, other,
    funding_status

`title` and `objective` (the code of one of the plan's objectives) are required. A row whose
`code` is the code of an action of the plan updates that action; any other row adds one (with
a generated code when the cell is empty). The funding columns hold each source's amount; they
replace the action's funding split, whose statuses `funding_status` gives
("erdf=secured; municipal=planned"; a source not named there is planned).

An empty cell clears a text or a month. An empty cost, status or progress keeps what the
action has (a new action starts at 0, not started). A column left out of the file leaves that
field of existing actions alone.

Every row is checked before anything is written (`check`, a fixed number of queries); the
import (`apply`) writes all rows or, when the user asks for it, only the valid ones, in one
transaction, together through `services.actions_bulk_save` (permission, codes, versions,
history, status changes: a fixed number of queries plus one per batch). The file the
action table exports (`exports.actions_xlsx`) imports again unchanged: a row equal to its
action writes nothing.
"""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DataError, IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from di4c.core.services import require_perm
from di4c.core.spreadsheets import FORMULA_STARTS
from di4c.plans.models import (
    Action,
    ActionStatus,
    FundingKind,
    FundingStatus,
    Plan,
    first_of_month,
)
from di4c.plans.services import BulkItemError, actions_bulk_save, funding_problems
from di4c.services.imports import MAX_BYTES

FUNDING_COLUMNS = tuple(FundingKind.values)
COLUMNS = (
    "code",
    "objective",
    "title",
    "description",
    "lead_department",
    "contact_person",
    "contact_email",
    "starts_on",
    "ends_on",
    "estimated_cost",
    "status",
    "progress",
    *FUNDING_COLUMNS,
    "funding_status",
)
REQUIRED_COLUMNS = ("title", "objective")
TEXT_COLUMNS = ("code", "title", "description", "lead_department", "contact_person")
MULTI_LINE_COLUMNS = {"description"}
MAX_ROWS = 5_000
MAX_AMOUNT = Decimal("999999999999.99")  # the 14 digits of the model's amounts
ROW_KEY = "_row"  # the spreadsheet row number kept with the cells (no column has this name)
CENT = Decimal("0.01")

MONTH_PATTERNS = (
    re.compile(r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})$"),
    re.compile(
        r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
        r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
    ),
)


class ImportFileError(ValueError):
    """The file as a whole cannot be read."""


@dataclass
class Row:
    number: int  # the row in the spreadsheet, counting the header as row 1
    raw: dict
    errors: list[str] = field(default_factory=list)
    action: Action | None = None  # the action the row updates; None adds one
    values: dict = field(default_factory=dict)  # the `data` of services.actions_bulk_save
    # The funding split to write, or None to leave the action's funding alone (no
    # funding columns in the file, or the same split as stored).
    fundings: list[dict] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def code(self) -> str:
        return self.values.get("code") or (self.action.code if self.action else "")


# --- reading the file ---------------------------------------------------------------------


def _cell_text(value) -> str:
    """One cell of a workbook as the text the checks read."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value).strip()


def _xlsx_lines(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable workbook is the user's file
        raise ImportFileError(_("This is not a readable Excel (.xlsx) file.")) from error
    try:
        sheets = [workbook.active, *workbook.worksheets]
        # The actions' sheet: the first one naming the required columns (a workbook may
        # carry a sheet of explanations next to the table).
        for sheet in sheets:
            lines = _sheet_lines(sheet)
            header = {_column_name(cell) for cell in lines[0][1]} if lines else set()
            if set(REQUIRED_COLUMNS) <= header:
                return lines
        return _sheet_lines(workbook.active)
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged workbook
        raise ImportFileError(_("This is not a readable Excel (.xlsx) file.")) from error
    finally:
        workbook.close()


def _sheet_lines(sheet) -> list[tuple[int, list[str]]]:
    if sheet is None:
        return []
    lines = []
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        line = [_cell_text(cell) for cell in cells]
        if any(line):
            lines.append((number, line))
            if len(lines) > MAX_ROWS + 1:  # the header and one row too many: enough to refuse
                break
    return lines


def _csv_lines(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(_("Save the CSV file as UTF-8.")) from error
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # The header names the columns without quoting: its most frequent separator is the file's.
    delimiter = max(",;\t", key=first_line.count)
    lines = []
    try:
        for number, cells in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1
        ):
            line = [cell.strip() for cell in cells]
            if any(line):
                lines.append((number, line))
                if len(lines) > MAX_ROWS + 1:
                    break
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file cannot be read (%(reason)s).") % {"reason": error}
        ) from error
    return lines


def _column_name(cell: str) -> str:
    return re.sub(r"[\s-]+", "_", (cell or "").strip().casefold())


def read_rows(upload) -> list[dict]:
    """The data rows of a CSV or XLSX file as dicts of cell texts keyed by column name, each
    with its spreadsheet row number under "_row". JSON-serialisable."""
    name = (getattr(upload, "name", "") or "").lower()
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 10 MB."))
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 10 MB."))
    if name.endswith(".xlsx"):
        lines = _xlsx_lines(data)
    elif name.endswith(".csv"):
        lines = _csv_lines(data)
    else:
        raise ImportFileError(_("Import a .xlsx or .csv file."))
    if not lines:
        raise ImportFileError(_("The file is empty."))
    header_cells = lines[0][1]
    data_lines = lines[1:]
    if len(data_lines) > MAX_ROWS:
        raise ImportFileError(_("At most %(max)s actions per file.") % {"max": f"{MAX_ROWS:,}"})
    header = [_column_name(cell) for cell in header_cells]
    known = [column for column in header if column in COLUMNS]
    if not known:
        raise ImportFileError(
            _(
                "The first row must name the columns (title, objective, code, …): it names "
                "none of them."
            )
        )
    unknown = sorted({column for column in header if column and column not in COLUMNS})
    if unknown:
        raise ImportFileError(
            _("Unknown columns: %(columns)s. The columns are: %(known)s.")
            % {"columns": ", ".join(unknown), "known": ", ".join(COLUMNS)}
        )
    duplicates = sorted({column for column in known if known.count(column) > 1})
    if duplicates:
        raise ImportFileError(
            _("These columns appear twice: %(columns)s.") % {"columns": ", ".join(duplicates)}
        )
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ImportFileError(
            _("The file needs the columns %(columns)s.") % {"columns": ", ".join(missing)}
        )
    if "funding_status" in header and not set(FUNDING_COLUMNS) & set(header):
        raise ImportFileError(
            _("The column funding_status needs the columns of the amounts (%(columns)s).")
            % {"columns": ", ".join(FUNDING_COLUMNS)}
        )
    width = max(len(line) for _number, line in lines)
    header += [""] * (width - len(header))
    for index, column in enumerate(header):
        if column:
            continue
        if any(index < len(line) and line[index] for _number, line in data_lines):
            raise ImportFileError(
                _("Column %(letter)s holds values but has no name in the first row.")
                % {"letter": get_column_letter(index + 1)}
            )
    rows = []
    for number, line in data_lines:
        row = {
            column: line[index] if index < len(line) else ""
            for index, column in enumerate(header)
            if column
        }
        row[ROW_KEY] = str(number)
        rows.append(row)
    return rows


# --- checking the rows --------------------------------------------------------------------


def _key(text: str) -> str:
    """A status word as looked up: case, underscores, hyphens and spaces do not matter."""
    return " ".join(re.sub(r"[_-]", " ", (text or "").casefold()).split())


def _labels(choices) -> dict[str, str]:
    """Values and labels (in English, the active language and every language of the
    platform) to their values, by _key."""
    names: dict[str, str] = {}
    for value in choices.values:
        names[_key(value)] = value
    languages = [
        "en",
        translation.get_language() or "en",
        *(code for code, _name in settings.LANGUAGES),
    ]
    for language in dict.fromkeys(languages):
        with translation.override(language):
            for value, label in choices.choices:
                names.setdefault(_key(str(label)), value)
    return names


def _max_length(name: str) -> int | None:
    return Action._meta.get_field(name).max_length


def _text(row: Row, column: str) -> str:
    value = row.raw.get(column)
    text = "" if value is None else str(value).strip()
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
        # The exports keep a spreadsheet from running text as a formula with an apostrophe.
        text = text[1:]
    return text


def _decimal(row: Row, column: str, *, whole: bool = False) -> Decimal | None:
    """The number in the cell (None when empty), or None and an error on the row. Amounts
    are in EUR with at most cents; `whole` reads a percentage."""
    text = _text(row, column)
    cleaned = re.sub(r"[\s\u00a0\u202f']", "", text)
    # A percentage may carry its sign, an amount its currency.
    cleaned = cleaned.removesuffix("%") if whole else re.sub(r"(?i)(€|eur)$", "", cleaned)
    if cleaned == "":
        return None
    if "," in cleaned and "." in cleaned:
        # 12,500.50 or 12.500,50: the last separator is the decimal one.
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal_mark, ".")
    elif cleaned.count(",") == 1 and not re.fullmatch(r"-?\d{1,3},\d{3}", cleaned):
        cleaned = cleaned.replace(",", ".")
    elif "," in cleaned:
        row.errors.append(
            _(
                "%(column)s: '%(value)s' is ambiguous; write the number without thousands "
                "separators (e.g. 12000 or 12000.50)."
            )
            % {"column": column, "value": text}
        )
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        row.errors.append(
            _("%(column)s: '%(value)s' is not a number.") % {"column": column, "value": text}
        )
        return None
    if whole:
        return value  # the caller checks the range
    if value < 0:
        row.errors.append(
            _("%(column)s: %(value)s is negative; give an amount of 0 or more.")
            % {"column": column, "value": text}
        )
        return None
    rounded = value.quantize(CENT)
    if abs(value - rounded) > Decimal("0.000001"):  # more than the noise of a spreadsheet
        row.errors.append(
            _("%(column)s: %(value)s has more than two decimals (cents).")
            % {"column": column, "value": text}
        )
        return None
    if rounded > MAX_AMOUNT:
        row.errors.append(
            _("%(column)s: %(value)s is too large.") % {"column": column, "value": text}
        )
        return None
    return rounded


def _month(row: Row, column: str) -> tuple[bool, dt.date | None]:
    """(parsed, the month's first day or None when the cell is empty)."""
    text = _text(row, column)
    if not text:
        return True, None
    for pattern in MONTH_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                day = dt.date(int(match["year"]), int(match["month"]), 1)
                if "day" in match.groupdict() and match["day"]:
                    dt.date(day.year, day.month, int(match["day"]))
            except ValueError:
                break
            return True, day
    row.errors.append(
        _("%(column)s: '%(value)s' is not a month; write it as YYYY-MM (e.g. 2024-03).")
        % {"column": column, "value": text}
    )
    return False, None


def _control_characters(row: Row) -> None:
    """Single-line cells hold no line breaks or control characters; no cell holds a NUL."""
    single = sorted(
        column
        for column in COLUMNS
        if column not in MULTI_LINE_COLUMNS
        and any(ord(char) < 32 or ord(char) == 127 for char in _text(row, column))
    )
    if single:
        row.errors.append(
            _("%(columns)s: remove line breaks and control characters (one line only).")
            % {"columns": ", ".join(single)}
        )
    multi = sorted(column for column in MULTI_LINE_COLUMNS if "\x00" in _text(row, column))
    if multi:
        row.errors.append(
            _("%(columns)s: remove the NUL character.") % {"columns": ", ".join(multi)}
        )


def _funding_statuses(row: Row, statuses: dict[str, str]) -> dict[str, str]:
    """`erdf=secured; municipal=planned` as {kind: status}; errors on the row."""
    text = _text(row, "funding_status")
    result: dict[str, str] = {}
    for part in re.split(r"[;,\n]", text):
        part = part.strip()
        if not part:
            continue
        match = re.fullmatch(r"(?P<source>[^=:]*?)\s*[=:]\s*(?P<word>.*)", part)
        if match is None:
            row.errors.append(
                _(
                    "funding_status: write source=status pairs, e.g. 'erdf=secured; "
                    "municipal=planned', not '%(part)s'."
                )
                % {"part": part}
            )
            continue
        source, word = match["source"], match["word"]
        kind = _column_name(source)
        if kind not in FUNDING_COLUMNS:
            row.errors.append(
                _("funding_status: '%(source)s' is not a funding source (%(sources)s).")
                % {"source": source, "sources": ", ".join(FUNDING_COLUMNS)}
            )
            continue
        status = statuses.get(_key(word))
        if status is None:
            row.errors.append(
                _("funding_status: '%(word)s' is not a status for %(source)s; write %(statuses)s.")
                % {
                    "word": word,
                    "source": kind,
                    "statuses": ", ".join(FundingStatus.values),
                }
            )
            continue
        if kind in result:
            row.errors.append(_("funding_status: %(source)s is named twice.") % {"source": kind})
            continue
        result[kind] = status
    return result


def _stored_split(action: Action | None) -> dict[str, tuple[Decimal, set[str], set[str]]]:
    """The action's funding by source: (amount, statuses, names); sources of 0 left out."""
    split: dict[str, tuple[Decimal, set[str], set[str]]] = {}
    for funding in action.fundings.all() if action else ():
        amount, statuses, names = split.get(funding.kind, (Decimal(0), set(), set()))
        split[funding.kind] = (
            amount + funding.amount,
            statuses | {funding.status},
            names | {funding.name},
        )
    return {kind: value for kind, value in split.items() if value[0]}


def _fundings(row: Row, statuses: dict[str, str]) -> tuple[bool, list[Decimal]]:
    """Set row.fundings from the funding columns. Returns (the file gives a split, amounts)."""
    given = [column for column in FUNDING_COLUMNS if column in row.raw]
    named = _funding_statuses(row, statuses) if "funding_status" in row.raw else {}
    if not given:
        return False, []
    amounts = {}
    for column in given:
        amount = _decimal(row, column)
        if amount:
            amounts[column] = amount
    stored = _stored_split(row.action)
    wanted = {
        kind: (amount, named.get(kind, FundingStatus.PLANNED)) for kind, amount in amounts.items()
    }
    same = set(stored) == set(wanted) and all(
        stored[kind][0] == amount and stored[kind][1] == {status}
        for kind, (amount, status) in wanted.items()
    )
    if same:
        row.fundings = None
    else:
        row.fundings = []
        for kind, (amount, status) in wanted.items():
            names = stored.get(kind, (None, set(), set()))[2]
            row.fundings.append(
                {
                    "kind": kind,
                    # The programme's name is not in the table: a source keeps the one it had.
                    "name": next(iter(names)) if len(names) == 1 else "",
                    "amount": amount,
                    "status": status,
                }
            )
    return True, list(amounts.values())


def _check_row(row: Row, context: dict) -> None:
    objectives, statuses = context["objectives"], context["statuses"]
    raw = row.raw
    action = row.action
    values = row.values
    _control_characters(row)

    # Texts: the required title, the optional others, within the fields' lengths.
    for column in TEXT_COLUMNS:
        if column not in raw or column == "code":
            continue
        text = _text(row, column)
        if column in MULTI_LINE_COLUMNS:
            text = text.replace("\r\n", "\n")  # a CSV saved on Windows
        limit = _max_length(column)
        if limit and len(text) > limit:
            row.errors.append(
                _("%(column)s: at most %(max)s characters; this one has %(length)s.")
                % {"column": column, "max": limit, "length": len(text)}
            )
        values[column] = text
    if not _text(row, "title"):
        row.errors.append(_("title: the column is empty; every action needs a title."))
    if "contact_email" in raw:
        email = _text(row, "contact_email")
        limit = _max_length("contact_email")
        if email:
            try:
                validate_email(email)
                if len(email) > limit:
                    raise ValidationError("too long")
            except ValidationError:
                row.errors.append(
                    _("contact_email: '%(value)s' is not an e-mail address.") % {"value": email}
                )
        values["contact_email"] = email

    # The objective, by its code.
    code = _text(row, "objective")
    if not code:
        row.errors.append(_("objective: give the code of one of the plan's objectives."))
    else:
        objective = objectives.get(code) or objectives.get(code.casefold())
        if objective is None:
            row.errors.append(
                _("objective: the plan has no objective with the code '%(code)s'.") % {"code": code}
            )
        else:
            values["objective"] = objective

    # Months.
    for column in ("starts_on", "ends_on"):
        if column in raw:
            parsed, month = _month(row, column)
            if parsed:
                values[column] = month
    starts = values["starts_on"] if "starts_on" in values else getattr(action, "starts_on", None)
    ends = values["ends_on"] if "ends_on" in values else getattr(action, "ends_on", None)
    starts, ends = first_of_month(starts), first_of_month(ends)
    if starts and ends and ends < starts:
        row.errors.append(
            _("ends_on: the action ends (%(end)s) before it starts (%(start)s).")
            % {"end": f"{ends:%Y-%m}", "start": f"{starts:%Y-%m}"}
        )

    # Status and progress: an empty cell keeps what the action has.
    status_text = _text(row, "status")
    if status_text:
        status = statuses.get(_key(status_text))
        if status is None:
            row.errors.append(
                _("status: '%(value)s' is not a status; write %(statuses)s.")
                % {
                    "value": status_text,
                    "statuses": ", ".join(str(label) for label in ActionStatus.labels),
                }
            )
        else:
            values["status"] = status
    progress_text = _text(row, "progress")
    progress = _decimal(row, "progress", whole=True) if progress_text else None
    if progress is not None:
        if progress != progress.to_integral_value() or not 0 <= progress <= 100:
            row.errors.append(
                _("progress: give a whole number from 0 to 100, not '%(value)s'.")
                % {"value": progress_text}
            )
        else:
            values["progress"] = int(progress)
    status = values.get("status", action.status if action else ActionStatus.NOT_STARTED)
    if "progress" in values:
        effective_progress = values["progress"]
    elif values.get("status") == ActionStatus.DONE:
        effective_progress = 100  # as services.action_save completes a done action
    else:
        effective_progress = action.progress if action else 0
    if status == ActionStatus.DONE and effective_progress != 100:
        row.errors.append(
            _("progress: a done action is 100%% complete, not %(progress)s%%.")
            % {"progress": effective_progress}
        )

    # The cost (an empty cell keeps the action's) and the funding split, which adds up to it.
    errors_before = len(row.errors)
    cost = _decimal(row, "estimated_cost") if "estimated_cost" in raw else None
    if cost is not None:
        values["estimated_cost"] = cost
    effective_cost = values.get("estimated_cost", action.estimated_cost if action else Decimal(0))
    split_given, amounts = _fundings(row, context["funding_statuses"])
    if not split_given and action is not None and "estimated_cost" in values:
        amounts = [funding.amount for funding in action.fundings.all()]
    problem = funding_problems(effective_cost, amounts)
    if problem and len(row.errors) == errors_before:  # not when an amount is unreadable
        row.errors.append(problem)


def check(plan: Plan, raw_rows: list[dict]) -> list[Row]:
    """Check every row against the plan; write nothing (a fixed number of queries)."""
    objectives_list = list(plan.objectives.all())
    objectives = {objective.code: objective for objective in objectives_list}
    for objective in objectives_list:
        objectives.setdefault(objective.code.casefold(), objective)
    actions = {action.code: action for action in plan.actions.prefetch_related("fundings")}
    context = {
        "objectives": objectives,
        "statuses": _labels(ActionStatus),
        "funding_statuses": _labels(FundingStatus),
    }
    rows = []
    for index, raw in enumerate(raw_rows, start=2):
        raw = {key: "" if value is None else str(value) for key, value in raw.items()}
        number = int(raw.pop(ROW_KEY, None) or index)
        rows.append(Row(number=number, raw=raw))

    # Codes: an existing action's code updates it; a code twice in the file is an error; an
    # empty code gets the next free one (never one that a later row of the file names).
    by_code: dict[str, list[int]] = {}
    for row in rows:
        code = _text(row, "code")
        if code:
            by_code.setdefault(code, []).append(row.number)
    taken = set(actions) | set(by_code)
    next_number = 1
    for row in rows:
        code = _text(row, "code")
        if code:
            limit = _max_length("code")
            if len(code) > limit:
                row.errors.append(
                    _("code: at most %(max)s characters; this one has %(length)s.")
                    % {"max": limit, "length": len(code)}
                )
            others = [number for number in by_code[code] if number != row.number]
            if others:
                row.errors.append(
                    _("code: %(code)s appears more than once in the file (also on row %(rows)s).")
                    % {"code": code, "rows": ", ".join(str(number) for number in others)}
                )
            row.action = actions.get(code)
            if row.action is None:
                row.values["code"] = code
        else:
            while f"A{next_number}" in taken:
                next_number += 1
            row.values["code"] = f"A{next_number}"
            taken.add(row.values["code"])
        _check_row(row, context)
    return rows


# --- writing ------------------------------------------------------------------------------


def _unchanged(row: Row) -> bool:
    action = row.action
    if action is None or row.fundings is not None:
        return False
    for name, value in row.values.items():
        if name == "objective":
            if action.objective_id != value.pk:
                return False
            continue
        current = getattr(action, name)
        if isinstance(current, str):
            current = current.replace("\r\n", "\n").strip()  # as the cells are read
        if current != value:
            return False
    return True


@transaction.atomic
def apply(*, actor, plan: Plan, rows: list[Row], only_valid: bool = False) -> dict:
    """Write the checked rows in one transaction: all of them, or nothing.

    Refuses (ValueError) when a row is bad, unless only_valid is asked. A row equal to its
    action writes nothing. The rows are written together (services.actions_bulk_save: a
    fixed number of queries plus one per batch, whatever the number of rows), with history
    in the actor's name. Should the plan have changed since the check so that a row no
    longer saves, or should the database refuse the rows, raises ValidationError (naming the
    row when it is known), and nothing is written.
    """
    require_perm(actor, "plans.edit_plan", plan)
    bad = [row for row in rows if not row.ok]
    if bad and not only_valid:
        raise ValueError("The file has bad rows; fix them or import only the valid rows.")
    counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": len(bad)}
    to_write = []
    for row in rows:
        if not row.ok:
            continue
        if _unchanged(row):
            counts["unchanged"] += 1
        else:
            to_write.append(row)
    if not to_write:
        return counts
    try:
        results = actions_bulk_save(
            actor=actor,
            plan=plan,
            items=[(row.action, row.values, row.fundings) for row in to_write],
        )
    except BulkItemError as error:
        messages = (
            [f"{name}: {' '.join(texts)}" for name, texts in error.message_dict.items()]
            if hasattr(error, "error_dict")
            else error.messages
        )
        raise ValidationError(
            _("Row %(number)s: %(errors)s Nothing has been imported.")
            % {"number": to_write[error.index].number, "errors": " ".join(messages)}
        ) from error
    except (IntegrityError, DataError) as error:
        # The last guard: the database's constraints (e.g. a code someone took meanwhile).
        raise ValidationError(
            _(
                "The database refused the import (%(reason)s). Nothing has been imported; "
                "upload the file again to check it against the plan as it is now."
            )
            % {"reason": str(error).strip().splitlines()[0] if str(error).strip() else ""}
        ) from error
    for result in results:
        counts[result] += 1
    return counts


DOCUMENTED_COLUMNS = [
    (
        "code",
        gettext_lazy(
            "the action's code: a row with the code of an action of the plan updates it; "
            "leave it empty to add an action with the next free code"
        ),
    ),
    ("objective", gettext_lazy("required: the code of one of the plan's objectives")),
    ("title", gettext_lazy("required: the action's title, one line")),
    ("description", gettext_lazy("what the action does; line breaks are kept")),
    ("lead_department, contact_person", gettext_lazy("who leads the action, one line each")),
    ("contact_email", gettext_lazy("the e-mail address that receives the reminders")),
    (
        "starts_on, ends_on",
        gettext_lazy("the first and last month, as YYYY-MM (a date is kept as its month)"),
    ),
    (
        "estimated_cost",
        gettext_lazy("in EUR, e.g. 12000 or 12000.50; empty keeps the action's cost"),
    ),
    (
        "status",
        gettext_lazy(
            "not_started, on_track, delayed, done or cancelled (or their names, e.g. On track); "
            "empty keeps the action's status"
        ),
    ),
    (
        "progress",
        gettext_lazy(
            "a whole number from 0 to 100; a done action is at 100; empty keeps the "
            "action's progress"
        ),
    ),
    (
        ", ".join(FUNDING_COLUMNS),
        gettext_lazy(
            "the amount in EUR from each source; together they add up to the estimated cost "
            "and replace the action's funding split"
        ),
    ),
    (
        "funding_status",
        gettext_lazy(
            "each source's status, e.g. “erdf=secured; municipal=applied”; a source not "
            "named is planned"
        ),
    ),
]
