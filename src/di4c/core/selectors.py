"""Reads shared by every app: a record's change history."""

import datetime as dt
from collections import defaultdict

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext

# Bookkeeping that every save touches: a reader learns nothing from seeing it change.
HIDDEN_FIELDS = frozenset({"version", "progress_updated_at", "reminded_at"})


def last_change(instance: models.Model):
    """The newest historical record of an instance (with its author), or None."""
    return instance.history.select_related("history_user").order_by("-history_date").first()


def _same(old, new) -> bool:
    """Whether two values read the same, a text's line endings (CRLF or LF) aside."""
    if isinstance(old, str) and isinstance(new, str):
        return old.replace("\r\n", "\n") == new.replace("\r\n", "\n")
    return old == new


def _field_changes(model: type[models.Model], newer, older) -> list[dict]:
    """The fields that changed between two historical records, values still raw; `model_field`
    tells `display_value` how to show them."""
    changes = []
    for change in newer.diff_against(older, excluded_fields=HIDDEN_FIELDS).changes:
        field = model._meta.get_field(change.field)
        label = field.verbose_name
        if isinstance(change.old, dict) and isinstance(change.new, dict):
            # Translations: one line per language that changed.
            for code in sorted(set(change.old) | set(change.new)):
                old, new = change.old.get(code), change.new.get(code)
                if not _same(old or "", new or ""):
                    changes.append({"field": f"{label} ({code})", "old": old, "new": new})
        elif not _same(change.old, change.new):
            changes.append(
                {"field": label, "old": change.old, "new": change.new, "model_field": field}
            )
    return changes


def _related_objects(rows: list[dict]) -> dict:
    """The objects that the foreign keys in the changes point to, keyed by (model, target field
    name) then by value: one query per related model, whatever the number of changes."""
    wanted: dict[tuple, set] = defaultdict(set)
    for row in rows:
        for change in row["changes"]:
            field = change.get("model_field")
            if isinstance(field, models.ForeignKey):
                key = (field.related_model, field.target_field.name)
                wanted[key].update(v for v in (change["old"], change["new"]) if v is not None)
    return {
        key: key[0]._base_manager.in_bulk(ids, field_name=key[1]) if ids else {}
        for key, ids in wanted.items()
    }


def display_value(value, field, related: dict | None = None):
    """A stored value as the reader should see it: None when empty, else choice labels, yes/no,
    the related object's text and dates in the reader's language; other values as they are
    (templates localise numbers). `related` holds foreign keys' objects fetched in advance
    (see `_related_objects`); without it the object is fetched."""
    if value is None or value == "":
        return None
    if field is None:
        return value
    if isinstance(field, models.ForeignKey):
        if related is None:
            found = field.related_model._base_manager.filter(
                **{field.target_field.name: value}
            ).first()
            return str(found) if found is not None else value
        found = related.get((field.related_model, field.target_field.name), {}).get(value)
        # An object deleted since is shown by its key.
        return str(found) if found is not None else value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.BooleanField):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return date_format(value)
    if isinstance(value, dt.time):
        return time_format(value)
    return value


def history_with_diffs(*sources: tuple[str, models.QuerySet], limit: int = 200) -> list[dict]:
    """Changes of one or more records, newest first, each with the fields it changed, shown as
    a reader expects them (see `display_value`).

    `sources` are (label, historical queryset) pairs, e.g. a network's own history and the
    history of its phases; one query each, plus one per model that changed foreign keys point
    to, whatever the number of records.
    """
    rows = []
    for label, queryset in sources:
        records = list(queryset.select_related("history_user").order_by("-history_date")[:limit])
        model = queryset.model.instance_type
        previous_of: dict = {}
        # Oldest first, so that each record meets the one before it of the same object.
        for record in reversed(records):
            older = previous_of.get(record.id)
            changes = (
                _field_changes(model, record, older)
                if older is not None and record.history_type == "~"
                else []
            )
            previous_of[record.id] = record
            rows.append({"record": record, "label": label(record), "changes": changes})
    rows.sort(key=lambda row: row["record"].history_date, reverse=True)
    rows = rows[:limit]
    related = _related_objects(rows)
    for row in rows:
        for change in row["changes"]:
            field = change.pop("model_field", None)
            change["old"] = display_value(change["old"], field, related)
            change["new"] = display_value(change["new"], field, related)
    return rows
