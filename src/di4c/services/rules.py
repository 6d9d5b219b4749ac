"""Who may do what with a city's service catalogue: its editors edit it; the network reads all
partners; the public sees the index only when the city publishes it."""

import rules

from di4c.accounts.models import Role
from di4c.accounts.selectors import user_roles
from di4c.maturity.rules import networks_of_user
from di4c.networks.rules import (
    current_partner_network_ids,
    edits_city,
    is_city_member,
    is_platform_admin,
)


@rules.predicate
def shares_a_network(user, organisation) -> bool:
    return bool(networks_of_user(user) & current_partner_network_ids(organisation))


@rules.predicate
def index_is_published(user, organisation) -> bool:
    publication = getattr(organisation, "index_publication", None)
    return bool(publication and publication.is_public)


@rules.predicate
def coordinates_city(user, organisation) -> bool:
    return user_roles(user).in_organisation(organisation.pk, Role.CITY_COORDINATOR)


can_read_catalogue = is_platform_admin | is_city_member | shares_a_network

rules.add_perm("services.view_catalogue", can_read_catalogue)
# Publishing opens the index (the yearly figures), not the catalogue's details.
rules.add_perm("services.view_index", can_read_catalogue | index_is_published)
rules.add_perm("services.edit_catalogue", is_platform_admin | edits_city)
rules.add_perm("services.publish_index", is_platform_admin | coordinates_city)
