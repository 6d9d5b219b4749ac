"""What the plan's report is made of: values formatted in the reader's language, and the
blocks (headings, texts, facts, tables, …) of its sections. Shared by the modules of this
package, which import the underscored helpers from here."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import format_decimal, format_percent
from django.utils.formats import date_format

from di4c.core.i18n import babel_locale, current_language, format_money, format_number

DASH = "–"

# --- formatting in the reader's language ---------------------------------------------------


def _date(value: dt.date | None) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


def _month(value: dt.date | None) -> str:
    return date_format(value, "YEAR_MONTH_FORMAT") if value else ""


def _period(start: dt.date | None, end: dt.date | None, month=_month) -> str:
    if start and end and end != start:
        return f"{month(start)} – {month(end)}"
    if start or end:
        return month(start or end)
    return DASH


def _plain(value) -> Decimal | None:
    """The number without trailing zeros: 20.00 -> 20, 29.30 -> 29.3."""
    if value is None or value == "":
        return None
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _number(value) -> str:
    value = _plain(value)
    return DASH if value is None else format_number(value)


def _score(value) -> str:
    """Maturity scores as the maturity pages show them: one decimal (50.0), out of 100."""
    if value in (None, ""):
        return DASH
    return format_decimal(Decimal(value), format="#,##0.0", locale=babel_locale(current_language()))


def _percent(value) -> str:
    value = _plain(value)
    if value is None:
        return DASH
    return format_percent(
        value / 100, locale=babel_locale(current_language()), decimal_quantization=False
    )


def _money(value) -> str:
    return DASH if value is None else format_money(value)


def _with_date(value, on: dt.date | None) -> str:
    """'20 (1 January 2022)': a figure with the date it is for."""
    if value is None:
        return DASH
    return f"{_number(value)} ({_date(on)})" if on else _number(value)


# --- the blocks of the report's sections ----------------------------------------------------


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    footer: list[str] | None = None
    numeric: frozenset[int] = field(default_factory=frozenset)  # right-aligned columns


def _heading(text: str, level: int = 2) -> dict:
    return {"type": "heading", "level": level, "text": text}


def _text(text: str, label: str = "") -> dict:
    return {"type": "text", "text": text, "label": label}


def _note(text: str) -> dict:
    return {"type": "note", "text": text}


def _label(text: str) -> dict:
    return {"type": "label", "text": text}


def _facts(rows: list[tuple[str, str]]) -> dict:
    return {"type": "facts", "rows": [(label, value or DASH) for label, value in rows]}


def _table(table: Table) -> dict:
    return {"type": "table", "table": table}


def _list(entries: list[str]) -> dict:
    return {"type": "list", "entries": entries}


def _texts(pairs: list[tuple[str, str]]) -> list[dict]:
    """Labelled texts, leaving out the empty ones."""
    return [_text(text.strip(), label) for label, text in pairs if text and text.strip()]
