"""Checking the rows read from the file against the plan, cell by cell, writing nothing."""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from di4c.core.spreadsheets import FORMULA_STARTS
from di4c.plans.imports.reading import COLUMNS, FUNDING_COLUMNS, ROW_KEY, _column_name
from di4c.plans.models import (
    PLAN_YEARS,
    Action,
    ActionStatus,
    Funding,
    FundingStatus,
    Plan,
    first_of_month,
)
from di4c.plans.services import funding_problems

TEXT_COLUMNS = ("code", "title", "description", "lead_department", "contact_person")
MULTI_LINE_COLUMNS = {"description"}
CENT = Decimal("0.01")


def _largest(field) -> Decimal:
    """The largest amount a DecimalField holds (999999999999.99 for 14 digits, 2 decimals)."""
    return Decimal(10) ** (field.max_digits - field.decimal_places) - Decimal(10) ** (
        -field.decimal_places
    )


# The amounts the model's fields hold: the cost and each funding line.
MAX_AMOUNT = min(
    _largest(Action._meta.get_field("estimated_cost")), _largest(Funding._meta.get_field("amount"))
)

MONTH_PATTERNS = (
    re.compile(r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})$"),
    re.compile(
        r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
        r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
    ),
)


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

    @property
    def file_code(self) -> str:
        """The code as the file gives it ("" when the cell is empty)."""
        return _text(self, "code")


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
    if value is None or value.is_nan() or (whole and value.is_infinite()):
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
    # Before rounding: rounding 1e30 to cents would need more digits than Decimal computes.
    if value.is_infinite() or value > MAX_AMOUNT + CENT:
        row.errors.append(
            _("%(column)s: %(value)s is too large.") % {"column": column, "value": text}
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
            if 1 <= int(match["month"]) <= 12 and not (
                PLAN_YEARS[0] <= int(match["year"]) <= PLAN_YEARS[1]
            ):
                # As the action's own check (models.PLAN_YEARS): no year 0, 202 or 9999.
                row.errors.append(
                    _(
                        "%(column)s: '%(value)s' is out of range. Give a year between "
                        "%(first)s and %(last)s."
                    )
                    % {
                        "column": column,
                        "value": text,
                        "first": PLAN_YEARS[0],
                        "last": PLAN_YEARS[1],
                    }
                )
                return False, None
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


def _stored_lines(action: Action | None) -> dict[str, list]:
    """The action's funding lines by source."""
    lines: dict[str, list] = {}
    for funding in action.fundings.all() if action else ():
        lines.setdefault(funding.kind, []).append(funding)
    return lines


def _fundings(row: Row, statuses: dict[str, str]) -> tuple[bool, list[Decimal]]:
    """Set row.fundings from the funding columns. Returns (the file gives a split, amounts).

    The table shows one amount and one status per source (exports.spreadsheets: the sum of
    its lines and the least advanced of their statuses). A source whose amount and status
    are what the table shows for its stored lines keeps those lines as they are (their
    programme names, a split between statuses); any other source becomes one line with the
    row's amount and status (keeping the programme's name when the stored lines had one).
    row.fundings stays None when every source keeps its lines: the split is not written."""
    # The exporter imports this package's columns: its order of statuses is read when used.
    from di4c.plans.exports.spreadsheets import STATUS_ORDER

    given = [column for column in FUNDING_COLUMNS if column in row.raw]
    named = _funding_statuses(row, statuses) if "funding_status" in row.raw else {}
    if not given:
        return False, []
    amounts = {}
    for column in given:
        amount = _decimal(row, column)
        if amount:
            amounts[column] = amount
    stored = _stored_lines(row.action)
    fundings: list[dict] = []
    kept_all = True
    for kind in FUNDING_COLUMNS:
        lines = stored.get(kind, [])
        amount = amounts.get(kind, Decimal(0))
        status = named.get(kind, FundingStatus.PLANNED)
        if lines:
            shown = min((line.status for line in lines), key=STATUS_ORDER.index)
            if amount == sum((line.amount for line in lines), Decimal(0)) and status == shown:
                fundings.extend(
                    {
                        "kind": kind,
                        "name": line.name,
                        "amount": line.amount,
                        "status": line.status,
                    }
                    for line in lines
                )
                continue
        if not lines and not amount:
            continue  # neither stored nor given
        kept_all = False
        if amount:
            names = {line.name for line in lines}
            fundings.append(
                {
                    "kind": kind,
                    # The programme's name is not in the table: a source keeps the one it had.
                    "name": next(iter(names)) if len(names) == 1 else "",
                    "amount": amount,
                    "status": status,
                }
            )
    row.fundings = None if kept_all else fundings
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
