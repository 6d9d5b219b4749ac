"""Helpers the consultation pages share: finding the city and the consultation with the
visitor's permission, and what the pages say about a consultation's state and mode."""

import functools

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from di4c.core.services import check_view_perm
from di4c.engagement import selectors
from di4c.engagement.models import Consultation, ConsultationMode
from di4c.engagement.selectors import consultation_pages
from di4c.meetings.timezones import time_zone_of_country
from di4c.networks import selectors as network_selectors
from di4c.networks.models import Organisation

STATE_LABELS = {
    "draft": _("Draft"),
    "scheduled": _("Scheduled"),
    "open": _("Open"),
    "closed": pgettext_lazy("consultation state", "Closed"),
}
# How "one response per person" is enforced, as the results page says it.
RULE_LABELS = {
    ConsultationMode.ACCOUNT: _("One response per account: people signed in to answer."),
    ConsultationMode.INVITATION: _(
        "One response per single-use link: only invited people answered, each link once."
    ),
    ConsultationMode.ANONYMOUS: _(
        "One response per browser, remembered by a signed cookie, with a limit of responses "
        "per address and hour: people answered without an account."
    ),
}


def organisation_of(slug):
    return network_selectors.organisation_detail(slug)


def consultation_for(request, slug, pk, perm="engagement.view_consultation", *, questions=False):
    """The city's consultation, if the visitor holds `perm` on it (404 for another city's)."""
    organisation = organisation_of(slug)
    try:
        if questions:
            consultation = selectors.consultation_with_questions(pk, organisation)
        else:
            consultation = consultation_pages.consultation_of(organisation, pk)
    except Consultation.DoesNotExist:
        raise Http404 from None
    consultation.organisation = organisation
    # A draft is not found by those who may not see it (a 403 would tell it exists).
    if not request.user.has_perm("engagement.view_consultation", consultation):
        raise Http404
    check_view_perm(request, perm, consultation)
    return consultation


def consultation_facts(request, consultation) -> dict:
    """What every consultation page shows: state, and what the visitor may do with it."""
    user = request.user
    state = consultation.state()
    return {
        "organisation": consultation.organisation,
        "consultation": consultation,
        "state": state,
        "state_label": STATE_LABELS[state],
        "rule_label": RULE_LABELS[consultation.mode],
        "can_edit": user.has_perm("engagement.edit_consultation", consultation),
        "can_see_results": user.has_perm("engagement.view_results", consultation),
        "can_export": user.has_perm("engagement.export_responses", consultation),
    }


def in_city_time_zone(view):
    """Run a consultation page in its city's time zone: the dates typed in its form and shown
    on it are the city's local times (Messina's 09:00 is Messina's), as in the API."""

    @functools.wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        country = Organisation.objects.filter(slug=slug).values_list("country", flat=True).first()
        if country is None:
            raise Http404
        with timezone.override(time_zone_of_country(str(country))):
            return view(request, slug, *args, **kwargs)

    return wrapper
