"""Who may do what with a city's stakeholders: one permission per verb.

The city's editors and coordinators keep the map (and are the only ones to see personal
contact details, with the platform admin); the city's members and the network's staff read
the map without contact details (influence, interest, sectors: what the plan works with).
"""

import rules

from di4c.accounts.models import Role
from di4c.accounts.selectors import user_roles
from di4c.networks.rules import (
    current_partner_network_ids,
    edits_city,
    is_city_member,
    is_platform_admin,
)


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
