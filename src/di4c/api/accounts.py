from ninja import Router, Schema

from di4c.accounts.selectors import memberships_of
from di4c.api.auth import token_or_session

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    role: str
    network: str | None
    organisation: str | None


class MeOut(Schema):
    email: str
    full_name: str
    is_platform_admin: bool
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, auth=token_or_session)
def me(request):
    """Who the token or session belongs to, and the roles they hold."""
    user = request.auth
    return {
        "email": user.email,
        "full_name": user.full_name,
        "is_platform_admin": user.is_superuser,
        "memberships": [
            {
                "role": m.role,
                "network": m.network.slug if m.network else None,
                "organisation": m.organisation.slug if m.organisation else None,
            }
            for m in memberships_of(user)
        ],
    }
