"""The import file: its columns (documented for the import page) and reading a CSV or XLSX
file into rows of cell texts."""

import csv
import datetime as dt
import io
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from di4c.plans.models import FundingKind
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
MAX_ROWS = 5_000
ROW_KEY = "_row"  # the spreadsheet row number kept with the cells (no column has this name)


class ImportFileError(ValueError):
    """The file as a whole cannot be read."""


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
