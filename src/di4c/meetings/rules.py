"""Who may do what with meetings: one permission per verb.

The network coordinator runs the network's meetings; experts run their visits; a city's
editors and coordinators run its local group meetings. The network's staff and the partners'
coordinators and editors see its meetings; a local group meeting is the city's own (and the
network staff's); local group members see what they are invited to. Invited people
answer their invitation and add documents and photos. Visitors see public meetings only.
"""

import rules
from django.db.models import Q
from django.utils import timezone

from di4c.accounts.models import ORGANISATION_ROLES, Role
from di4c.accounts.selectors import user_roles
from di4c.meetings.models import MeetingKind, Response
from di4c.networks.models import Partnership
from di4c.networks.rules import edits_city, is_platform_admin


def team_network_ids(user) -> set[int]:
    """Networks whose meetings the person works in: by a network role, or as a coordinator or
    editor of a current partner. Local group members (outside stakeholders) see the network's
    meetings only when public or when invited (read once per request)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_di4c_team_networks", None)
    if cached is None:
        roles = user_roles(user)
        cached = set(roles.network_roles)
        teams = [
            organisation_id
            for organisation_id, held in roles.organisation_roles.items()
            if held & {Role.CITY_COORDINATOR, Role.CITY_EDITOR}
        ]
        if teams:
            today = timezone.localdate()
            cached |= set(
                Partnership.objects.filter(
                    Q(left_on__isnull=True) | Q(left_on__gte=today),
                    organisation_id__in=teams,
                ).values_list("network_id", flat=True)
            )
        user._di4c_team_networks = cached
    return cached


def participant_user_ids(meeting, *, answering_only: bool = False) -> set[int]:
    """Ids of the people invited to the meeting (read once per meeting object)."""
    cached = getattr(meeting, "_participant_user_ids", None)
    if cached is None:
        cached = dict(meeting.participants.values_list("user_id", "response"))
        meeting._participant_user_ids = cached
    if answering_only:
        return {user_id for user_id, answer in cached.items() if answer != Response.DECLINED}
    return set(cached)


@rules.predicate
def coordinates_network(user, meeting) -> bool:
    return user_roles(user).in_network(meeting.network_id, Role.NETWORK_COORDINATOR)


@rules.predicate
def is_network_staff(user, meeting) -> bool:
    return user_roles(user).in_network(meeting.network_id, Role.NETWORK_COORDINATOR, Role.EXPERT)


@rules.predicate
def is_expert_visit_by_expert(user, meeting) -> bool:
    return meeting.kind == MeetingKind.EXPERT_VISIT and user_roles(user).in_network(
        meeting.network_id, Role.EXPERT
    )


@rules.predicate
def is_local_group_meeting(user, meeting) -> bool:
    return meeting.kind == MeetingKind.LOCAL_GROUP


@rules.predicate
def edits_host_city(user, meeting) -> bool:
    return user_roles(user).in_organisation(
        meeting.host_id, Role.CITY_EDITOR, Role.CITY_COORDINATOR
    )


@rules.predicate
def is_host_city_member(user, meeting) -> bool:
    return user_roles(user).in_organisation(meeting.host_id, *ORGANISATION_ROLES)


@rules.predicate
def is_in_network(user, meeting) -> bool:
    return meeting.network_id in team_network_ids(user)


@rules.predicate
def is_invited(user, meeting) -> bool:
    return user.is_authenticated and user.pk in participant_user_ids(meeting)


@rules.predicate
def is_attending(user, meeting) -> bool:
    """Invited and not declined."""
    return user.is_authenticated and user.pk in participant_user_ids(meeting, answering_only=True)


@rules.predicate
def is_public(user, meeting) -> bool:
    return meeting.is_public


# Networks (the object of the permission is a network).
@rules.predicate
def coordinates_this_network(user, network) -> bool:
    return user_roles(user).in_network(network.pk, Role.NETWORK_COORDINATOR)


@rules.predicate
def is_expert_of_network(user, network) -> bool:
    return user_roles(user).in_network(network.pk, Role.EXPERT)


@rules.predicate
def belongs_to_network(user, network) -> bool:
    return network.pk in team_network_ids(user)


can_change = (
    is_platform_admin
    | coordinates_network
    | is_expert_visit_by_expert
    | (is_local_group_meeting & edits_host_city)
)
# The meeting's inside (participants, minutes, documents, tasks): the people concerned.
can_view_internal = (
    is_platform_admin
    | is_invited
    | (~is_local_group_meeting & is_in_network)
    | (is_local_group_meeting & (is_host_city_member | is_network_staff))
)
can_view = can_view_internal | is_public

rules.add_perm("meetings.view_meeting", can_view)
rules.add_perm("meetings.change_meeting", can_change)
rules.add_perm("meetings.invite_to_meeting", can_change)
rules.add_perm("meetings.record_attendance", can_change)
rules.add_perm("meetings.manage_tasks", can_change)
# Working documents and photos: the meeting's organisers, the people taking part, and the
# host city's team (an expert visit works through the city's documents with it).
rules.add_perm("meetings.contribute_to_meeting", can_change | is_attending | edits_host_city)

rules.add_perm("meetings.view_internal", can_view_internal)

rules.add_perm(
    "meetings.add_meeting", is_platform_admin | coordinates_this_network | is_expert_of_network
)
rules.add_perm("meetings.plan_rotation", is_platform_admin | coordinates_this_network)
rules.add_perm("meetings.follow_network_calendar", is_platform_admin | belongs_to_network)
rules.add_perm("meetings.add_local_group_meeting", is_platform_admin | edits_city)
