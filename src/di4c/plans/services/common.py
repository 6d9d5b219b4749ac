"""Shared by the plans app's writes: edit conflicts (a save based on an outdated version is
refused, naming what changed and who changed it) and the check that a record is of the plan."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from di4c.core.selectors import HIDDEN_FIELDS, display_value
from di4c.core.services import validated_save
from di4c.plans.models import Plan


class EditConflict(Exception):
    """Someone saved the record after the user started editing it."""

    def __init__(self, current: models.Model, changes: list[dict]):
        self.current = current
        self.changes = changes
        super().__init__(_("Someone else saved this in the meantime; your changes were not saved."))


def _conflict_changes(current: models.Model, base_version: int) -> list[dict]:
    """What changed since `base_version`, field by field, with who changed it and when."""
    base = current.history.filter(version=base_version).order_by("-history_date").first()
    newest = current.history.select_related("history_user").order_by("-history_date").first()
    if base is None or newest is None:
        return []
    changes = []
    for change in newest.diff_against(base).changes:
        if change.field in HIDDEN_FIELDS:
            continue
        field = current._meta.get_field(change.field)
        changes.append(
            {
                "field": str(field.verbose_name),
                "name": change.field,
                "old": change.old,
                "new": change.new,
                # As a reader says them (labels, names, dates), for the pages.
                "old_text": display_value(change.old, field) or "–",
                "new_text": display_value(change.new, field) or "–",
            }
        )
    authors = (
        current.history.filter(version__gt=base_version)
        .select_related("history_user")
        .order_by("history_date")
    )
    people = sorted({str(record.history_user) for record in authors if record.history_user})
    for change in changes:
        change["by"] = ", ".join(people)
        change["at"] = newest.history_date
    return changes


def check_version(instance: models.Model, base_version: int | None) -> None:
    """Lock the stored row and refuse the save if it moved past the version the user had."""
    if instance.pk is None or base_version is None:
        return
    stored = type(instance).objects.select_for_update().filter(pk=instance.pk).first()
    if stored is None:
        raise ValidationError(_("This record was deleted in the meantime."))
    if stored.version != base_version:
        raise EditConflict(stored, _conflict_changes(stored, base_version))


def versioned_save(instance: models.Model, actor) -> None:
    """Save with the version incremented, after the model's checks, in the actor's name."""
    previous = instance.version
    instance.version = (previous or 0) + 1 if instance.pk else 1
    try:
        validated_save(instance, actor=actor)
    except Exception:
        # The transaction rolls back; the caller's object must not claim a version it lost.
        instance.version = previous
        raise


def same_plan(plan: Plan, obj, field: str) -> None:
    if obj is not None and obj.plan_id != plan.pk:
        raise ValidationError({field: _("This belongs to another plan.")})
