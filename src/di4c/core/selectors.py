"""Reads shared by every app: a record's change history."""

from django.db import models


def last_change(instance: models.Model):
    """The newest historical record of an instance (with its author), or None."""
    return instance.history.select_related("history_user").order_by("-history_date").first()


def _field_changes(model: type[models.Model], newer, older) -> list[dict]:
    changes = []
    for change in newer.diff_against(older).changes:
        label = model._meta.get_field(change.field).verbose_name
        if isinstance(change.old, dict) and isinstance(change.new, dict):
            # Translations: one line per language that changed.
            for code in sorted(set(change.old) | set(change.new)):
                if change.old.get(code) != change.new.get(code):
                    changes.append(
                        {
                            "field": f"{label} ({code})",
                            "old": change.old.get(code),
                            "new": change.new.get(code),
                        }
                    )
        else:
            changes.append({"field": label, "old": change.old, "new": change.new})
    return changes


def history_with_diffs(*sources: tuple[str, models.QuerySet], limit: int = 200) -> list[dict]:
    """Changes of one or more records, newest first, each with the fields it changed.

    `sources` are (label, historical queryset) pairs, e.g. a network's own history and the
    history of its phases; one query each, whatever the number of records.
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
    return rows[:limit]
