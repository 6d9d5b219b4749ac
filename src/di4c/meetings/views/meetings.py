"""A network's meetings: the calendar page, a meeting's page, creating, changing, cancelling
and answering an invitation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from di4c.core.forms import run_service
from di4c.core.markdown import render_markdown
from di4c.meetings import calendar, selectors, services
from di4c.meetings.forms import CancelForm, MeetingForm
from di4c.meetings.models import THEMED_KINDS, CalendarFeed, MeetingKind, Participant, Response
from di4c.meetings.views.common import (
    SignInFirst,
    detailed_meeting,
    meeting_permissions,
    readable_meeting,
)
from di4c.networks.models import Network, Organisation


def network_meetings(request, slug):
    """The network's calendar: upcoming meetings first, then the past ones of one year at a
    time (the latest by default), so the page stays small however long the network runs."""
    network = get_object_or_404(Network, slug=slug)
    meetings = selectors.meeting_list(request.user, network=network)
    now = timezone.now()
    upcoming = list(meetings.filter(ends_at__gte=now))
    past = meetings.filter(ends_at__lt=now)
    years = [day.year for day in past.dates("starts_at", "year", order="DESC")]
    year = _chosen_year(request.GET.get("year"), years)
    past_meetings = list(past.filter(starts_at__year=year).order_by("-starts_at")) if year else []
    user = request.user
    can_follow = user.has_perm("meetings.follow_network_calendar", network)
    return render(
        request,
        "meetings/network_meetings.html",
        {
            "network": network,
            "upcoming": upcoming,
            "past_meetings": past_meetings,
            "years": years,
            "year": year,
            "can_add": user.has_perm("meetings.add_meeting", network),
            "can_plan": user.has_perm("meetings.plan_rotation", network),
            "can_follow": can_follow,
            "network_feed": CalendarFeed.objects.filter(network=network, user=user).first()
            if can_follow
            else None,
            "local_group_cities": _cities_running_local_groups(user, network),
        },
    )


def _chosen_year(value, years: list[int]) -> int | None:
    if value and value.isdigit() and int(value) in years:
        return int(value)
    return years[0] if years else None


def _cities_running_local_groups(user, network) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    from di4c.accounts.selectors import user_roles
    from di4c.maturity.selectors import network_partners

    organisation_ids = list(user_roles(user).organisation_roles)
    partners = network_partners(network).filter(pk__in=organisation_ids)
    return [org for org in partners if user.has_perm("meetings.add_local_group_meeting", org)]


def meeting_detail(request, pk):
    try:
        meeting = detailed_meeting(request, pk)
    except SignInFirst:
        return redirect_to_login(request.get_full_path())
    permissions = meeting_permissions(request, meeting)
    participants = list(meeting.participants.all())
    mine = next((p for p in participants if p.user_id == request.user.pk), None)
    counts = {
        answer: sum(1 for p in participants if p.response == answer)
        for answer in ("invited", "accepted", "declined")
    }
    counts["attended"] = sum(1 for p in participants if p.attended)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": list(meeting.agenda_items.all()),
            "participants": participants,
            "participant_counts": counts,
            "my_invitation": mine,
            "minutes_html": render_markdown(meeting.minutes, heading_offset=2),
            "description_html": render_markdown(meeting.description, heading_offset=2),
            "documents": list(meeting.documents.all()),
            "photos": list(meeting.photos.all()),
            "decisions": list(meeting.decisions.all()),
            "tasks": list(meeting.tasks.all()),
            "takes_theme": meeting.kind in THEMED_KINDS,
            **permissions,
        },
    )


def _kinds_for(user, network, host=None) -> list[str]:
    if user.has_perm("meetings.plan_rotation", network):
        return list(MeetingKind.values)
    kinds = []
    if user.has_perm("meetings.add_meeting", network):
        kinds.append(MeetingKind.EXPERT_VISIT)
    if _cities_running_local_groups(user, network) or (
        host is not None and user.has_perm("meetings.add_local_group_meeting", host)
    ):
        kinds.append(MeetingKind.LOCAL_GROUP)
    return kinds


def _hosts_for(user, network, keep_host_id=None):
    """Every partner for those who organise network meetings; a city's own people may only
    host their local group meetings."""
    from di4c.networks.models import Partnership

    if user.has_perm("meetings.add_meeting", network):
        # Today's partners (and, when editing, the meeting's own host, even a former one).
        current = Partnership.objects.filter(
            Q(left_on__isnull=True) | Q(left_on__gte=timezone.localdate()), network=network
        ).values("organisation_id")
        return Organisation.objects.filter(Q(pk__in=current) | Q(pk=keep_host_id)).order_by("name")
    cities = [city.pk for city in _cities_running_local_groups(user, network)]
    return Organisation.objects.filter(pk__in=cities).order_by("name")


@login_required
def meeting_new(request, slug):
    network = get_object_or_404(Network, slug=slug)
    kinds = _kinds_for(request.user, network)
    if not kinds:
        raise PermissionDenied
    initial = {"start_time": "09:00", "end_time": "17:00", "kind": request.GET.get("kind")}
    form = MeetingForm(
        request.POST or None, hosts=_hosts_for(request.user, network), kinds=kinds, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        meeting = run_service(
            form,
            lambda: services.meeting_create(
                actor=request.user, network=network, data=form.meeting_data()
            ),
        )
        if meeting is not None:
            messages.success(request, _("The meeting is in the calendar."))
            return redirect(meeting)
    return render(
        request, "meetings/meeting_form.html", {"form": form, "network": network, "meeting": None}
    )


@login_required
def meeting_edit(request, pk):
    meeting = readable_meeting(request, pk, "meetings.change_meeting")
    kinds = _kinds_for(request.user, meeting.network, meeting.host)
    if meeting.kind not in kinds:
        kinds.append(meeting.kind)
    form = MeetingForm(
        request.POST or None,
        hosts=_hosts_for(request.user, meeting.network, meeting.host_id),
        kinds=kinds,
        initial=MeetingForm.initial_from(meeting),
    )
    if request.method == "POST" and form.is_valid():
        changed = run_service(
            form,
            lambda: services.meeting_update(
                actor=request.user, meeting=meeting, data=form.meeting_data()
            ),
        )
        if changed is not None:
            if set(changed) & set(services.meetings.ANNOUNCED_FIELDS):
                messages.success(
                    request, _("Saved. The people invited receive the new time and place.")
                )
            else:
                messages.success(request, _("Saved."))
            return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "network": meeting.network, "meeting": meeting},
    )


@login_required
def meeting_cancel(request, pk):
    meeting = readable_meeting(request, pk, "meetings.change_meeting")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.meeting_cancel(
                actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, _("The meeting is cancelled; the people invited are told."))
            return redirect(meeting)
    return render(
        request,
        "meetings/simple_form.html",
        {
            "form": form,
            "meeting": meeting,
            "heading": _("Cancel the meeting"),
            "submit": _("Cancel the meeting"),
        },
    )


@login_required
@require_POST
def meeting_respond(request, pk):
    meeting = readable_meeting(request, pk)
    participant = get_object_or_404(Participant, meeting=meeting, user=request.user)
    response = request.POST.get("response", "")
    try:
        services.participant_respond(actor=request.user, participant=participant, response=response)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if response == Response.ACCEPTED:
            messages.success(request, _("You accepted the invitation."))
        else:
            messages.success(request, _("You declined the invitation."))
    return redirect(meeting)


def meeting_ics(request, pk):
    readable_meeting(request, pk)
    meeting = selectors.calendar_meeting(pk)
    # Visitors of a public meeting do not get its online link, as on the page.
    with_link = request.user.has_perm("meetings.view_internal", meeting)
    response = HttpResponse(
        calendar.meeting_calendar(meeting, with_link=with_link),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@login_required
def meeting_theme(request, pk):
    """Suggest themes from the network's weak spots; applying one prefills the agenda."""
    from di4c.meetings.themes import theme_suggestions

    meeting = readable_meeting(request, pk, "meetings.change_meeting")
    suggestions = theme_suggestions(meeting.network, limit=5)
    error = None
    if request.method == "POST":
        try:
            services.meeting_theme_from_weak_spot(
                actor=request.user,
                meeting=meeting,
                dimension_code=request.POST.get("dimension_code", ""),
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(
                request, _("The theme is set and the strongest partners are on the agenda.")
            )
            return redirect(meeting)
    return render(
        request,
        "meetings/theme.html",
        {"meeting": meeting, "suggestions": suggestions, "error": error},
    )
