"""Reads about people and their roles."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from di4c.accounts.export import user_data_export
from di4c.accounts.models import ApiToken, Invitation, Membership, Role

__all__ = [
    "RoleSet",
    "api_tokens_of",
    "forget_roles",
    "members_of_scope",
    "memberships_of",
    "open_invitations",
    "user_data_export",
    "user_roles",
]


@dataclass(frozen=True)
class RoleSet:
    """All of a person's memberships, read once per request and kept on the user object."""

    network_roles: dict[int, set[str]] = field(default_factory=dict)
    organisation_roles: dict[int, set[str]] = field(default_factory=dict)

    def in_network(self, network_id: int | None, *roles: str) -> bool:
        held = self.network_roles.get(network_id, set())
        return bool(held & set(roles)) if roles else bool(held)

    def in_organisation(self, organisation_id: int | None, *roles: str) -> bool:
        held = self.organisation_roles.get(organisation_id, set())
        return bool(held & set(roles)) if roles else bool(held)

    def coordinated_network_ids(self) -> set[int]:
        return {
            network_id
            for network_id, roles in self.network_roles.items()
            if Role.NETWORK_COORDINATOR in roles
        }


def user_roles(user) -> RoleSet:
    if not getattr(user, "is_authenticated", False):
        return RoleSet()
    cached = getattr(user, "_di4c_roles", None)
    if cached is not None:
        return cached
    roles = RoleSet()
    rows = Membership.objects.filter(user=user).values_list("role", "network_id", "organisation_id")
    for role, network_id, organisation_id in rows:
        if network_id:
            roles.network_roles.setdefault(network_id, set()).add(role)
        if organisation_id:
            roles.organisation_roles.setdefault(organisation_id, set()).add(role)
    user._di4c_roles = roles
    return roles


def forget_roles(user) -> None:
    """Call after a membership of this user changed within the same request."""
    if hasattr(user, "_di4c_roles"):
        del user._di4c_roles


def memberships_of(user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("network", "organisation")
        .order_by("role", "network__acronym", "organisation__name")
    )


def api_tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def members_of_scope(*, network=None, organisation=None) -> QuerySet[Membership]:
    memberships = Membership.objects.select_related("user").order_by("role", "user__full_name")
    if network is not None:
        return memberships.filter(network=network)
    return memberships.filter(organisation=organisation)


def open_invitations(*, network=None, organisation=None) -> QuerySet[Invitation]:
    invitations = Invitation.objects.filter(
        accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")
    if network is not None:
        return invitations.filter(network=network)
    return invitations.filter(organisation=organisation)
