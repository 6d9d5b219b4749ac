"""Cells that are safe to hand to a spreadsheet program."""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe, and
    characters a workbook cannot hold are dropped; numbers pass unchanged."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_rows(rows):
    return [[safe_cell(cell) for cell in row] for row in rows]
