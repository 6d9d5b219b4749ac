"""Helpers the plans pages share."""

from django.core.exceptions import ValidationError

from di4c.core.forms import add_service_errors
from di4c.core.services import check_view_perm
from di4c.plans import selectors, services
from di4c.plans.models import Plan


def readable_plan(request, pk, perm="plans.view_plan") -> Plan:
    plan = selectors.plan_detail(pk)
    check_view_perm(request, perm, plan)
    return plan


def show_conflict(form, error: services.EditConflict) -> list[dict]:
    """Keep what the user typed, move the form to the version now stored (saving again
    overwrites knowingly) and say what changed meanwhile."""
    form.data = form.data.copy()
    form.data["version"] = error.current.version
    form.add_error(None, str(error))
    return error.changes


def save_or_conflict(form, save):
    """Run `save()` for a valid form: (the saved record, None); on an edit conflict (None, what
    changed) with the user's text kept; on a service error (None, None) with it on the form."""
    try:
        return save(), None
    except services.EditConflict as error:
        return None, show_conflict(form, error)
    except ValidationError as error:
        add_service_errors(form, error)
        return None, None


def plan_permissions(request, plan) -> dict:
    user = request.user
    return {
        "can_edit": user.has_perm("plans.edit_plan", plan),
        "can_change_status": user.has_perm("plans.change_status", plan),
        "can_publish": user.has_perm("plans.publish_plan", plan),
        "can_comment": user.has_perm("plans.comment_plan", plan),
    }


def public_language(request, plan) -> str:
    """Citizens read a published plan in the city's language, unless they chose another one
    with the language switcher."""
    from django.conf import settings
    from django.utils import translation

    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return translation.get_language()
    return plan.language


def as_id(value) -> int:
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else 0
