"""Import of a catalogue or a year's volumes from CSV or XLSX, with a preview.

One row per service (and year). Columns, all optional except `service`:

    service          reference code (e.g. birth-registration) or the name of a service
                     already in the catalogue
    year, total_requests, online_requests
    info_online, form_online, submit_online, fully_online, eid, e_payment, e_signature,
    mobile_friendly, other_languages          yes / no (also da/nu, sì/no, 1/0, true/false)
    department, url, satisfaction

Every row is checked before anything is written; the import writes all rows or, when the
user asks for it, only the valid ones, in one transaction.
"""

import contextlib
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from di4c.core.services import require_perm
from di4c.core.signals import objects_bulk_saved
from di4c.services.models import (
    LEVEL_CRITERIA,
    PublicService,
    ReferenceService,
    ServiceYear,
    derive_level,
)

BOOLEAN_COLUMNS = (
    *LEVEL_CRITERIA,
    "eid",
    "e_payment",
    "e_signature",
    "mobile_friendly",
    "other_languages",
)
TRUE = {"yes", "y", "da", "si", "sì", "true", "1", "x", "ja", "oui", "kyllä"}
FALSE = {"no", "n", "nu", "false", "0", "", "nein", "non", "ei"}
MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024


class ImportFileError(ValueError):
    """The file as a whole cannot be read."""


@dataclass
class Row:
    number: int  # the line in the file, counting the header as line 1
    raw: dict
    errors: list[str] = field(default_factory=list)
    service: PublicService | None = None
    reference: ReferenceService | None = None
    values: dict = field(default_factory=dict)
    year: int | None = None
    total: int | None = None
    online: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(upload) -> list[dict]:
    """Rows of a CSV or XLSX file as dicts keyed by lower-case column names."""
    name = (getattr(upload, "name", "") or "").lower()
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 10 MB."))
    if name.endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            lines = [
                ["" if cell is None else str(cell).strip() for cell in row]
                for row in sheet.iter_rows(values_only=True)
            ]
        except Exception as error:  # noqa: BLE001 - any unreadable workbook is the user's file
            raise ImportFileError(_("This is not a readable Excel (.xlsx) file.")) from error
    elif name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFileError(_("Save the CSV file as UTF-8.")) from error
        dialect = csv.excel
        with contextlib.suppress(csv.Error):  # not sniffable: plain commas
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        try:
            lines = [
                [cell.strip() for cell in row]
                for row in csv.reader(io.StringIO(text, newline=""), dialect)
            ]
        except csv.Error as error:
            raise ImportFileError(
                _("The CSV file cannot be read (%(reason)s).") % {"reason": error}
            ) from error
    else:
        raise ImportFileError(_("Import a .csv or .xlsx file."))
    lines = [line for line in lines if any(line)]
    if not lines:
        raise ImportFileError(_("The file is empty."))
    header = [cell.strip().lower().replace(" ", "_") for cell in lines[0]]
    if "service" not in header:
        raise ImportFileError(_("The first line must name the columns, including 'service'."))
    if len(lines) - 1 > MAX_ROWS:
        raise ImportFileError(_("At most %(max)s rows per file.") % {"max": MAX_ROWS})
    return [dict(zip(header, line, strict=False)) for line in lines[1:]]


def _number(row: Row, column: str, decimal: bool = False):
    text = (row.raw.get(column) or "").replace(" ", "").replace("\u00a0", "")
    if text == "":
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        row.errors.append(
            _("%(column)s: '%(value)s' is not a number.") % {"column": column, "value": text}
        )
        return None
    if not value.is_finite():
        row.errors.append(
            _("%(column)s: '%(value)s' is not a number.") % {"column": column, "value": text}
        )
        return None
    if value < 0:
        row.errors.append(_("%(column)s: a number cannot be negative.") % {"column": column})
        return None
    if decimal:
        return value
    if value != value.to_integral_value() or value > 2_000_000_000:
        row.errors.append(_("%(column)s: give a whole number of requests.") % {"column": column})
        return None
    return int(value)


def check(organisation, raw_rows: list[dict]) -> list[Row]:
    """Check every row against the catalogue; write nothing (a fixed number of queries)."""
    references = {r.code: r for r in ReferenceService.objects.all()}
    services = list(PublicService.objects.filter(organisation=organisation))
    by_reference = {s.reference_id: s for s in services if s.reference_id}
    by_name = {s.name.casefold(): s for s in services}
    this_year = dt.date.today().year
    rows = []
    seen: set[tuple] = set()
    state: dict[tuple, dict] = {}  # each service's criteria as the rows so far leave them
    url_validator = URLValidator(schemes=["http", "https"])
    for index, raw in enumerate(raw_rows, start=2):
        row = Row(number=index, raw=raw)
        bad_cells = sorted(
            column
            for column, text in raw.items()
            if any(ord(c) < 32 and c not in "\t" for c in text or "")
        )
        if bad_cells:
            row.errors.append(
                _("%(columns)s: remove line breaks and control characters.")
                % {"columns": ", ".join(bad_cells)}
            )
            rows.append(row)
            continue
        key = (raw.get("service") or "").strip()
        reference = references.get(key)
        service = by_reference.get(reference.pk) if reference else by_name.get(key.casefold())
        if not key:
            row.errors.append(_("service: the column is empty."))
        elif reference is None and service is None:
            row.errors.append(
                _(
                    "service: '%(value)s' is neither a reference service code nor a service of "
                    "the catalogue."
                )
                % {"value": key}
            )
        row.reference, row.service = reference, service
        for column in BOOLEAN_COLUMNS:
            if column not in raw:
                continue
            text = (raw.get(column) or "").strip().casefold()
            if text in TRUE:
                row.values[column] = True
            elif text in FALSE:
                row.values[column] = False
            else:
                row.errors.append(
                    _("%(column)s: write yes or no, not '%(value)s'.")
                    % {"column": column, "value": raw[column]}
                )
        target = (
            ("service", service.pk) if service else ("reference", getattr(reference, "pk", key))
        )
        before = state.get(target) or {
            name: getattr(service, name) if service else False for name in LEVEL_CRITERIA
        }
        criteria = {name: row.values.get(name, before[name]) for name in LEVEL_CRITERIA}
        state[target] = criteria
        for index_, name in enumerate(LEVEL_CRITERIA[1:], start=1):
            lower = LEVEL_CRITERIA[index_ - 1]
            if criteria[name] and not criteria[lower]:
                row.errors.append(
                    _(
                        "The level criteria contradict each other: %(higher)s is yes but "
                        "%(lower)s is no."
                    )
                    % {"higher": name, "lower": lower}
                )
        if "department" in raw:
            department = (raw.get("department") or "").strip()
            if len(department) > 200:
                row.errors.append(_("department: at most 200 characters."))
            else:
                row.values["department"] = department
        if "url" in raw:
            url = (raw.get("url") or "").strip()
            try:
                if url:
                    url_validator(url)
                    if len(url) > 500:
                        raise ValidationError("too long")
            except ValidationError:
                row.errors.append(
                    _("url: '%(value)s' is not a web address (http or https).") % {"value": url}
                )
            else:
                row.values["url"] = url
        if (raw.get("satisfaction") or "").strip():
            satisfaction = _number(row, "satisfaction", decimal=True)
            if satisfaction is not None and satisfaction > 100:
                row.errors.append(_("satisfaction: give a percentage from 0 to 100."))
            elif satisfaction is not None:
                row.values["satisfaction"] = satisfaction
        if (raw.get("year") or "").strip():
            year = _number(row, "year")
            if year is not None and year > this_year:
                row.errors.append(_("year: %(year)s is in the future.") % {"year": year})
            elif year is not None and year < 1990:
                row.errors.append(_("year: %(year)s is too far back.") % {"year": year})
            else:
                row.year = year
        row.total = _number(row, "total_requests")
        row.online = _number(row, "online_requests")
        if row.total is not None and row.online is not None and row.online > row.total:
            row.errors.append(
                _("online_requests (%(online)s) is above total_requests (%(total)s).")
                % {"online": row.online, "total": row.total}
            )
        year_given = bool((raw.get("year") or "").strip())
        if (row.total is not None or row.online is not None) and not year_given:
            row.errors.append(_("year: say which year the requests are for."))
        identity = (target, row.year)
        if identity in seen and key:
            row.errors.append(_("This service and year appear twice in the file."))
        seen.add(identity)
        rows.append(row)
    return rows


@transaction.atomic
def apply(*, actor, organisation, rows: list[Row], only_valid: bool = False) -> dict:
    """Write the checked rows. Refuses when any row is bad, unless only_valid is asked.

    Bulk writes (a few queries whatever the size): the rows were checked by `check`, and the
    level is derived here as PublicService.save() would.
    """
    require_perm(actor, "services.edit_catalogue", organisation)
    bad = [row for row in rows if not row.ok]
    if bad and not only_valid:
        raise ValueError("The file has bad rows; fix them or import only the valid rows.")
    good = [row for row in rows if row.ok]
    new_by_reference: dict[int, PublicService] = {}
    changed: dict[int, PublicService] = {}
    for row in good:
        service = row.service
        if service is None:
            reference = row.reference
            service = new_by_reference.get(reference.pk)
            if service is None:
                service = PublicService.from_reference(organisation, reference)
                new_by_reference[reference.pk] = service
            row.service = service
        for name, value in row.values.items():
            setattr(service, name, value)
        service.level = derive_level(**service.criteria)
        if service.pk:
            changed[service.pk] = service
    PublicService.objects.bulk_create(list(new_by_reference.values()))
    fields = sorted({name for row in good for name in row.values} | {"level"})
    if changed:
        PublicService.objects.bulk_update(list(changed.values()), fields, batch_size=500)
    objects_bulk_saved.send(
        sender=PublicService,
        ids=[*changed, *(service.pk for service in new_by_reference.values())],
    )
    year_rows = [
        ServiceYear(
            service=row.service,
            year=row.year,
            total_requests=row.total,
            online_requests=row.online,
            level=row.service.level,
        )
        for row in good
        if row.year is not None
    ]
    ServiceYear.objects.bulk_create(
        year_rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["service", "year"],
        # An existing year keeps the level it had then: re-importing figures never rewrites
        # the history of the index. A new year takes the service's level now.
        update_fields=["total_requests", "online_requests"],
    )
    from di4c.services.services import plan_indicators_sync

    plan_indicators_sync(organisation)
    return {
        "created": len(new_by_reference),
        "updated": len(changed),
        "years": len(year_rows),
        "skipped": len(bad),
    }


DOCUMENTED_COLUMNS = [
    ("service", _("reference code (e.g. birth-registration) or the name of a catalogue service")),
    ("year", _("the year of the figures, not in the future")),
    ("total_requests", _("requests in the year, all channels")),
    ("online_requests", _("requests made online, at most the total")),
    (", ".join(BOOLEAN_COLUMNS), _("yes or no")),
    ("department, url, satisfaction", _("optional details; satisfaction in percent")),
]
