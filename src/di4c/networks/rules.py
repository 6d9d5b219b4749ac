"""Object permissions for networks and organisations: one predicate per verb.

Every page and API write asks these through `user.has_perm(name, obj)`.
"""

import rules
from django.utils import timezone

from di4c.accounts.models import ORGANISATION_ROLES, Role
from di4c.accounts.selectors import user_roles


@rules.predicate
def is_platform_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


@rules.predicate
def coordinates_network(user, network) -> bool:
    return network is not None and user_roles(user).in_network(network.pk, Role.NETWORK_COORDINATOR)


@rules.predicate
def coordinates_any_network(user) -> bool:
    return bool(user_roles(user).coordinated_network_ids())


@rules.predicate
def coordinates_organisation(user, organisation) -> bool:
    return organisation is not None and user_roles(user).in_organisation(
        organisation.pk, Role.CITY_COORDINATOR
    )


@rules.predicate
def edits_city(user, organisation) -> bool:
    """A city editor or coordinator of this organisation (the apps' shared city check)."""
    return user_roles(user).in_organisation(
        organisation.pk, Role.CITY_EDITOR, Role.CITY_COORDINATOR
    )


@rules.predicate
def is_city_member(user, organisation) -> bool:
    """Anyone with a role in this organisation, local group members included."""
    return user_roles(user).in_organisation(organisation.pk, *ORGANISATION_ROLES)


def current_partner_network_ids(organisation) -> set[int]:
    """Networks the organisation is a partner of today (read once per object)."""
    cached = getattr(organisation, "_current_network_ids", None)
    if cached is None:
        today = timezone.localdate()
        cached = {
            p.network_id
            for p in organisation.partnerships.all()
            if p.left_on is None or p.left_on >= today
        }
        organisation._current_network_ids = cached
    return cached


@rules.predicate
def coordinates_a_current_network_of(user, organisation) -> bool:
    """The network coordinator looks after today's partners of their network."""
    if organisation is None:
        return False
    coordinated = user_roles(user).coordinated_network_ids()
    return bool(coordinated and coordinated & current_partner_network_ids(organisation))


@rules.predicate
def has_no_city_coordinator(user, organisation) -> bool:
    return not organisation.memberships.filter(role=Role.CITY_COORDINATOR).exists()


can_manage_network = is_platform_admin | coordinates_network
can_edit_organisation = (
    is_platform_admin | coordinates_organisation | coordinates_a_current_network_of
)
# Roles in a city are given by the city's own coordinators. A network coordinator may only
# invite the first city coordinator of a current partner: adding a partner must not be a way
# to take over a city that already runs its own workspace.
can_give_city_roles = is_platform_admin | coordinates_organisation
can_invite_first_city_coordinator = can_give_city_roles | (
    coordinates_a_current_network_of & has_no_city_coordinator
)

rules.add_perm("networks.add_programme", is_platform_admin)
rules.add_perm("networks.change_programme", is_platform_admin)
rules.add_perm("networks.add_network", is_platform_admin)
rules.add_perm("networks.change_network", can_manage_network)
rules.add_perm("networks.manage_partnerships", can_manage_network)
rules.add_perm("networks.view_network_history", can_manage_network)
rules.add_perm("networks.invite_to_network", can_manage_network)
rules.add_perm("networks.add_organisation", is_platform_admin | coordinates_any_network)
rules.add_perm("networks.change_organisation", can_edit_organisation)
rules.add_perm("networks.view_organisation_history", can_edit_organisation)
rules.add_perm("networks.invite_to_organisation", can_give_city_roles)
rules.add_perm("networks.invite_city_coordinator", can_invite_first_city_coordinator)
