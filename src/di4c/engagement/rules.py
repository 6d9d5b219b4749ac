"""Who may do what with a city's stakeholders: one permission per verb.

The city's editors and coordinators keep the map (and are the only ones to see personal
contact details, with the platform admin); the city's members and the network's staff read
the map without contact details (influence, interest, sectors: what the plan works with).
"""

import rules

from di4c.accounts.models import ORGANISATION_ROLES, Role
from di4c.accounts.selectors import user_roles
from di4c.networks.rules import current_partner_network_ids, is_platform_admin


@rules.predicate
def edits_city(user, organisation) -> bool:
    return user_roles(user).in_organisation(
        organisation.pk, Role.CITY_EDITOR, Role.CITY_COORDINATOR
    )


@rules.predicate
def is_city_member(user, organisation) -> bool:
    return user_roles(user).in_organisation(organisation.pk, *ORGANISATION_ROLES)


@rules.predicate
def is_staff_of_a_network_of_city(user, organisation) -> bool:
    roles = user_roles(user)
    staff = {
        network_id
        for network_id, held in roles.network_roles.items()
        if held & {Role.NETWORK_COORDINATOR, Role.EXPERT}
    }
    return bool(staff and staff & current_partner_network_ids(organisation))


can_keep = is_platform_admin | edits_city

rules.add_perm(
    "engagement.view_stakeholders",
    can_keep | is_city_member | is_staff_of_a_network_of_city,
)
rules.add_perm("engagement.view_contact_data", can_keep)
rules.add_perm("engagement.change_stakeholders", can_keep)
rules.add_perm("engagement.export_personal_data", can_keep)
rules.add_perm("engagement.erase_personal_data", can_keep)
