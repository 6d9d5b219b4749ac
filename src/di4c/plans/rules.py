"""Who may do what with an Integrated Action Plan: one permission per verb.

City editors and coordinators edit their city's plan, and so do the local group members the
city named as contributors. The coordinator and experts of the plan's network read and
comment. The other partners of the network read a plan once it is submitted (peer learning).
Visitors see a plan only when the city publishes it.
"""

import rules

from di4c.accounts.models import ORGANISATION_ROLES, Role
from di4c.accounts.selectors import user_roles
from di4c.maturity.rules import networks_of_user
from di4c.networks.rules import current_partner_network_ids, is_platform_admin
from di4c.networks.rules import edits_city as edits_organisation
from di4c.plans.models import PlanStatus

SHARED_WITH_NETWORK = {
    PlanStatus.SUBMITTED,
    PlanStatus.ADOPTED,
    PlanStatus.IMPLEMENTING,
    PlanStatus.CLOSED,
}


def contributor_ids(plan) -> set[int]:
    """Ids of the plan's local group contributors (read once per plan object)."""
    cached = getattr(plan, "_contributor_ids", None)
    if cached is None:
        cached = set(plan.contributors.values_list("pk", flat=True))
        plan._contributor_ids = cached
    return cached


@rules.predicate
def edits_city(user, plan) -> bool:
    return user_roles(user).in_organisation(
        plan.organisation_id, Role.CITY_EDITOR, Role.CITY_COORDINATOR
    )


@rules.predicate
def coordinates_city(user, plan) -> bool:
    return user_roles(user).in_organisation(plan.organisation_id, Role.CITY_COORDINATOR)


@rules.predicate
def is_contributor(user, plan) -> bool:
    return user_roles(user).in_organisation(
        plan.organisation_id, Role.LOCAL_GROUP_MEMBER
    ) and user.pk in contributor_ids(plan)


@rules.predicate
def is_city_member(user, plan) -> bool:
    return user_roles(user).in_organisation(plan.organisation_id, *ORGANISATION_ROLES)


@rules.predicate
def is_network_staff(user, plan) -> bool:
    return user_roles(user).in_network(plan.network_id, Role.NETWORK_COORDINATOR, Role.EXPERT)


@rules.predicate
def is_partner_in_network(user, plan) -> bool:
    """A member of another current partner of the plan's network."""
    return plan.network_id in networks_of_user(user) and (
        plan.network_id in current_partner_network_ids(plan.organisation)
    )


@rules.predicate
def is_shared_with_network(user, plan) -> bool:
    return plan.status in SHARED_WITH_NETWORK


@rules.predicate
def is_published(user, plan) -> bool:
    return plan.is_public


can_edit = is_platform_admin | edits_city | is_contributor
can_view = (
    is_platform_admin
    | is_city_member
    | is_network_staff
    | (is_shared_with_network & is_partner_in_network)
    | is_published
)

rules.add_perm("plans.create_plan", is_platform_admin | edits_organisation)
rules.add_perm("plans.view_plan", can_view)
rules.add_perm("plans.edit_plan", can_edit)
rules.add_perm("plans.change_status", is_platform_admin | edits_city)
rules.add_perm("plans.manage_contributors", is_platform_admin | edits_city)
rules.add_perm("plans.publish_plan", is_platform_admin | coordinates_city)
rules.add_perm("plans.comment_plan", is_platform_admin | is_city_member | is_network_staff)
