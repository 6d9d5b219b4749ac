"""Helpers every app's services use: permission checks and validated saves."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _


def require_perm(actor, perm: str, obj=None) -> None:
    """Raise PermissionDenied unless the actor holds `perm` on `obj`."""
    if actor is None or not actor.is_authenticated or not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def check_view_perm(request, perm: str, obj=None) -> None:
    """For pages: 403 unless the visitor (perhaps anonymous) holds `perm` on `obj`."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def assign_fields(instance: models.Model, data: Mapping, allowed: Iterable[str]) -> list[str]:
    """Copy the allowed keys of `data` onto the instance; return the names that changed."""
    allowed = set(allowed)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    with_nul = sorted(name for name, value in data.items() if _has_nul(value))
    if with_nul:
        # PostgreSQL cannot store NUL characters: a clear error instead of a database failure.
        raise ValidationError(
            {name: _("The text contains a NUL character; remove it.") for name in with_nul}
        )
    empty = sorted(
        name for name, value in data.items() if value is None and not _nullable(instance, name)
    )
    if empty:
        raise ValidationError({name: _("This field cannot be null.") for name in empty})
    changed = []
    for name, value in data.items():
        try:
            current = getattr(instance, name)
        except ObjectDoesNotExist:  # a required relation not set yet (a new record)
            current = None
        if current != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


def _nullable(instance: models.Model, name: str) -> bool:
    return instance._meta.get_field(name).null


def validated_save(instance: models.Model, *, actor=None, reason: str = "") -> None:
    """Run the model's checks (fields, clean, constraints) and save, recording who did it."""
    instance.full_clean()
    if actor is not None and actor.is_authenticated:
        # Read by django-simple-history: the API has no middleware-set request user.
        instance._history_user = actor
    if reason:
        instance._change_reason = reason
    instance.save()
