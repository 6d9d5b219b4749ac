"""Who may do what with maturity assessments: one predicate per verb.

Drafts: the city's own members, and the coordinator and experts of its networks.
Validated results: everyone in those networks (their staff and their partners' members).
Public: only what the city published.
"""

import rules
from django.db.models import Q
from django.utils import timezone

from di4c.accounts.models import ORGANISATION_ROLES, Role
from di4c.accounts.selectors import user_roles
from di4c.maturity.models import Status
from di4c.networks.models import Partnership
from di4c.networks.rules import current_partner_network_ids, is_platform_admin


def networks_of_user(user) -> set[int]:
    """Networks a person belongs to: by a network role, or through a partner organisation."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_di4c_networks", None)
    if cached is None:
        roles = user_roles(user)
        cached = set(roles.network_roles)
        if roles.organisation_roles:
            today = timezone.localdate()
            cached |= set(
                Partnership.objects.filter(
                    Q(left_on__isnull=True) | Q(left_on__gte=today),
                    organisation_id__in=roles.organisation_roles,
                ).values_list("network_id", flat=True)
            )
        user._di4c_networks = cached
    return cached


def _staff_network_ids(user) -> set[int]:
    roles = user_roles(user)
    return {
        network_id
        for network_id, held in roles.network_roles.items()
        if held & {Role.NETWORK_COORDINATOR, Role.EXPERT}
    }


@rules.predicate
def is_city_member(user, assessment) -> bool:
    return user_roles(user).in_organisation(assessment.organisation_id, *ORGANISATION_ROLES)


@rules.predicate
def edits_city(user, obj) -> bool:
    """obj is an assessment or an organisation."""
    organisation_id = getattr(obj, "organisation_id", None) or obj.pk
    return user_roles(user).in_organisation(
        organisation_id, Role.CITY_EDITOR, Role.CITY_COORDINATOR
    )


@rules.predicate
def coordinates_city(user, obj) -> bool:
    organisation_id = getattr(obj, "organisation_id", None) or obj.pk
    return user_roles(user).in_organisation(organisation_id, Role.CITY_COORDINATOR)


@rules.predicate
def is_network_staff_of_city(user, assessment) -> bool:
    return bool(_staff_network_ids(user) & current_partner_network_ids(assessment.organisation))


@rules.predicate
def is_in_a_network_of_city(user, assessment) -> bool:
    return bool(networks_of_user(user) & current_partner_network_ids(assessment.organisation))


@rules.predicate
def is_validated(user, assessment) -> bool:
    return assessment.status == Status.VALIDATED


@rules.predicate
def is_published(user, assessment) -> bool:
    return assessment.status == Status.VALIDATED and assessment.is_public


@rules.predicate
def is_editable(user, assessment) -> bool:
    return assessment.is_editable


@rules.predicate
def is_submitted(user, assessment) -> bool:
    return assessment.status == Status.SUBMITTED


can_view = (
    is_platform_admin
    | is_city_member
    | is_network_staff_of_city
    | (is_validated & is_in_a_network_of_city)
    | is_published
)

rules.add_perm("maturity.view_assessment", can_view)
rules.add_perm("maturity.start_assessment", is_platform_admin | edits_city)
rules.add_perm("maturity.answer_assessment", is_editable & (is_platform_admin | edits_city))
rules.add_perm("maturity.submit_assessment", is_editable & (is_platform_admin | edits_city))
rules.add_perm(
    "maturity.review_assessment", is_submitted & (is_platform_admin | is_network_staff_of_city)
)
rules.add_perm("maturity.publish_assessment", is_platform_admin | coordinates_city)
rules.add_perm("maturity.set_targets", is_platform_admin | edits_city)
