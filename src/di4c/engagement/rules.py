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


# Consultations, ideas and service feedback. Predicates on a consultation or an idea look
# at its city; the city's side (editors, coordinators) runs and moderates them.
@rules.predicate
def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def keeps_city_of(user, item) -> bool:
    return is_platform_admin(user) or edits_city(user, item.organisation)


@rules.predicate
def reads_city_of(user, item) -> bool:
    organisation = item.organisation
    return bool(
        is_platform_admin(user)
        or edits_city(user, organisation)
        or is_city_member(user, organisation)
        or is_staff_of_a_network_of_city(user, organisation)
    )


@rules.predicate
def consultation_is_public(user, consultation) -> bool:
    return consultation.is_published


@rules.predicate
def consultation_results_are_public(user, consultation) -> bool:
    return consultation.results_visible_to_public()


@rules.predicate
def idea_is_shown(user, idea) -> bool:
    return not idea.is_hidden


@rules.predicate
def is_author(user, item) -> bool:
    return bool(user and user.is_authenticated and item.author_id == user.pk)


# On an organisation: create consultations, moderate and answer the city's ideas.
rules.add_perm("engagement.change_consultations", can_keep)
rules.add_perm("engagement.moderate", can_keep)
# On a consultation.
rules.add_perm("engagement.view_consultation", consultation_is_public | reads_city_of)
rules.add_perm("engagement.edit_consultation", keeps_city_of)
rules.add_perm(
    "engagement.view_live_results", reads_city_of
)  # while open: the city and its network only
rules.add_perm("engagement.view_results", reads_city_of | consultation_results_are_public)
rules.add_perm("engagement.export_responses", keeps_city_of)
# On an idea (posting needs only a confirmed account: the same for every city).
rules.add_perm("engagement.post_idea", is_signed_in)
rules.add_perm("engagement.view_idea", idea_is_shown | is_author | keeps_city_of)
rules.add_perm("engagement.comment_idea", is_signed_in & idea_is_shown)
rules.add_perm("engagement.support_idea", is_signed_in & idea_is_shown)
rules.add_perm("engagement.flag_content", is_signed_in)
rules.add_perm("engagement.answer_idea", keeps_city_of)
rules.add_perm("engagement.moderate_idea", keeps_city_of)
rules.add_perm("engagement.rate_service", is_signed_in)
