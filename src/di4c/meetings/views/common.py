"""Helpers the meetings pages share."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from di4c.core.services import check_view_perm
from di4c.meetings import selectors
from di4c.meetings.models import Meeting


def readable_meeting(request, pk: int, perm: str = "meetings.view_meeting") -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("network", "host"), pk=pk)
    check_view_perm(request, perm, meeting)
    return meeting


class SignInFirst(Exception):
    """A visitor opened a meeting that is not public: the e-mailed link needs a sign-in."""


def detailed_meeting(request, pk: int) -> Meeting:
    try:
        meeting = selectors.meeting_detail(pk)
    except Meeting.DoesNotExist:
        raise Http404 from None
    if not request.user.is_authenticated and not meeting.is_public:
        raise SignInFirst
    check_view_perm(request, "meetings.view_meeting", meeting)
    return meeting


def meeting_permissions(request, meeting) -> dict:
    user = request.user
    return {
        "can_change": user.has_perm("meetings.change_meeting", meeting),
        "can_view_internal": user.has_perm("meetings.view_internal", meeting),
        "can_contribute": user.has_perm("meetings.contribute_to_meeting", meeting),
        "can_manage_tasks": user.has_perm("meetings.manage_tasks", meeting),
    }
