"""Exports of a city's catalogue and digitalisation index, as CSV and XLSX."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from di4c.core.spreadsheets import safe_rows
from di4c.services import selectors
from di4c.services.imports import BOOLEAN_COLUMNS

CATALOGUE_HEADER = [
    "service",
    "name",
    "life_event",
    "key",
    "department",
    "url",
    "level",
    *BOOLEAN_COLUMNS,
    "satisfaction",
    "year",
    "total_requests",
    "online_requests",
]
INDEX_HEADER = [
    "year",
    "services",
    "online_share",
    "key_services",
    "key_fully_online_share",
    "average_level",
    "uptake",
    "requests",
    "online_requests",
    "level_0",
    "level_1",
    "level_2",
    "level_3",
    "level_4",
]


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _num(value):
    return float(value) if value is not None else None


def catalogue_rows(organisation) -> list[list]:
    """One row per service and year (a service without figures gets one row): the file can be
    edited in Excel and imported again."""
    rows = [CATALOGUE_HEADER]
    for service in selectors.catalogue(organisation):
        base = [
            service.reference.code if service.reference else service.name,
            service.name,
            service.life_event.code,
            _yes(service.is_key),
            service.department,
            service.url,
            service.level,
            *[_yes(getattr(service, column)) for column in BOOLEAN_COLUMNS],
            _num(service.satisfaction),
        ]
        years = list(service.years.all())
        for year in years or [None]:
            rows.append(
                base
                + (
                    [year.year, year.total_requests, year.online_requests]
                    if year
                    else [None, None, None]
                )
            )
    return rows


def index_rows(organisation) -> list[list]:
    rows = [INDEX_HEADER]
    for year in selectors.index_by_year(organisation):
        rows.append(
            [
                year.year,
                year.services,
                _num(year.online_share),
                year.key_services,
                _num(year.key_fully_online_share),
                _num(year.average_level),
                _num(year.uptake),
                year.requests,
                year.online_requests,
                *year.levels,
            ]
        )
    return rows


def to_csv(rows: list[list]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        ["" if cell is None else cell for cell in row] for row in safe_rows(rows)
    )
    return buffer.getvalue()


def to_xlsx(rows: list[list], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row in safe_rows(rows):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
