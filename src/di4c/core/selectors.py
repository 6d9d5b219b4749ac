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
            changes = []
            for change in delta.changes:
                label = instance._meta.get_field(change.field).verbose_name
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
        else:
            changes = []
        rows.append({"record": newer, "changes": changes})
    return rows[:limit]
