"""Object permissions for networks and organisations: one predicate per verb.

Every page and API write asks these through `user.has_perm(name, obj)`.
"""

import rules

from di4c.accounts.models import Role
from di4c.accounts.selectors import user_roles


@rules.predicate
def is_platform_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


@rules.predicate
def coordinates_network(user, network) -> bool:
    return network is not None and user_roles(user).in_network(network.pk, Role.NETWORK_COORDINATOR)


@rules.predicate
def coordinates_organisation(user, organisation) -> bool:
    return organisation is not None and user_roles(user).in_organisation(
        organisation.pk, Role.CITY_COORDINATOR
    )


@rules.predicate
def coordinates_a_network_of_organisation(user, organisation) -> bool:
    """The network coordinator manages the partners of their network."""
    if organisation is None:
        return False
    coordinated = user_roles(user).coordinated_network_ids()
    if not coordinated:
        return False
    partner_network_ids = getattr(organisation, "_partner_network_ids", None)
    if partner_network_ids is None:
        partner_network_ids = set(organisation.partnerships.values_list("network_id", flat=True))
        organisation._partner_network_ids = partner_network_ids
    return bool(coordinated & partner_network_ids)


@rules.predicate
def coordinates_any_network(user) -> bool:
    return bool(user_roles(user).coordinated_network_ids())


can_manage_network = is_platform_admin | coordinates_network
can_manage_organisation = (
    is_platform_admin | coordinates_organisation | coordinates_a_network_of_organisation
)

rules.add_perm("networks.add_programme", is_platform_admin)
rules.add_perm("networks.change_programme", is_platform_admin)
rules.add_perm("networks.add_network", is_platform_admin)
rules.add_perm("networks.change_network", can_manage_network)
rules.add_perm("networks.manage_partnerships", can_manage_network)
rules.add_perm("networks.view_network_history", can_manage_network)
rules.add_perm("networks.invite_to_network", can_manage_network)
rules.add_perm("networks.add_organisation", is_platform_admin | coordinates_any_network)
rules.add_perm("networks.change_organisation", can_manage_organisation)
rules.add_perm("networks.view_organisation_history", can_manage_organisation)
rules.add_perm("networks.invite_to_organisation", can_manage_organisation)
