"""Helpers the capacity workspace and round pages share: the city or the round, checked for
the visitor's permission, and what the pages may offer them."""

from django.http import Http404

from di4c.capacity.models import MIN_GROUP_SIZE, Round
from di4c.core.services import check_view_perm
from di4c.networks import selectors as network_selectors

VIEW = "capacity.view_capacity"
MANAGE = "capacity.manage_capacity"


def organisation_for(request, slug, perm=VIEW):
    """The city, if the visitor holds `perm` on it (403 otherwise; pages are login_required)."""
    organisation = network_selectors.organisation_detail(slug)
    check_view_perm(request, perm, organisation)
    return organisation


def round_for(request, pk, perm=VIEW) -> Round:
    """The round with its city and framework, if the visitor holds `perm` on the city."""
    round_ = Round.objects.select_related("organisation", "framework").filter(pk=pk).first()
    if round_ is None:
        raise Http404
    check_view_perm(request, perm, round_.organisation)
    return round_


def as_id(value) -> int | None:
    """A record id from a form or a query string, or None (not "²", not 30 digits)."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


def facts(request, organisation) -> dict:
    return {
        "organisation": organisation,
        "can_manage": request.user.has_perm(MANAGE, organisation),
        # The anonymity threshold, for the pages' wording ("groups of at least 5 people").
        "minimum": MIN_GROUP_SIZE,
    }


def round_facts(request, round_) -> dict:
    return {**facts(request, round_.organisation), "round": round_}
