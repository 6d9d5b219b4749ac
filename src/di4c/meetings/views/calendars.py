"""Private subscription feeds (iCalendar) of a person and of a network. The secret token in
the address is the key: calendar programs cannot sign in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from di4c.meetings import calendar, selectors, services
from di4c.meetings.models import CalendarFeed
from di4c.networks.models import Network


def _ics(content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


def feed(request, token):
    feed = CalendarFeed.objects.select_related("user", "network").filter(token=token).first()
    if feed is None:
        raise Http404
    if not feed.user.is_active:
        raise Http404
    if feed.network is None:
        meetings = selectors.user_feed_meetings(feed.user)
        name = _("di4c: my meetings")
    else:
        # Checked at each fetch: someone who left the network no longer receives its meetings.
        if not feed.user.has_perm("meetings.follow_network_calendar", feed.network):
            raise Http404
        meetings = selectors.network_feed_meetings(feed.network)
        name = _("di4c: %(network)s meetings") % {"network": feed.network.acronym}
    return _ics(calendar.feed_calendar(meetings, name=str(name)))


@login_required
@require_POST
def my_feed(request):
    """Make (or, with reset, renew) the person's calendar address."""
    feed = services.calendar_feed_for_user(actor=request.user)
    if request.POST.get("reset"):
        services.calendar_feed_reset(actor=request.user, feed=feed)
        messages.success(
            request, _("Your calendar has a new address; the old one stopped working.")
        )
    return redirect("meetings:mine")


@login_required
@require_POST
def network_feed(request, slug):
    network = get_object_or_404(Network, slug=slug)
    feed = services.calendar_feed_for_network(actor=request.user, network=network)
    if request.POST.get("reset"):
        services.calendar_feed_reset(actor=request.user, feed=feed)
        messages.success(request, _("The network's calendar has a new address."))
    return redirect("meetings:network", network.slug)
