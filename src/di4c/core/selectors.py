"""Reads shared by every app: a record's change history."""

from django.db import models


def last_change(instance: models.Model):
    """The newest historical record of an instance (with its author), or None."""
    return instance.history.select_related("history_user").order_by("-history_date").first()


def change_history(instance: models.Model, limit: int = 200):
    return instance.history.select_related("history_user").order_by("-history_date")[:limit]


def history_with_diffs(instance: models.Model, limit: int = 200) -> list[dict]:
    """Each change with the fields it changed, newest first (one query)."""
    records = list(change_history(instance, limit + 1))
    rows = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older)
            changes = [
                {
                    "field": instance._meta.get_field(change.field).verbose_name,
                    "old": change.old,
                    "new": change.new,
                }
                for change in delta.changes
            ]
        else:
            changes = []
        rows.append({"record": newer, "changes": changes})
    return rows[:limit]
