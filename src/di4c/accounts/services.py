"""Writes on accounts: invitations into a role, memberships, API tokens."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from di4c.accounts.models import (
    NETWORK_ROLES,
    ORGANISATION_ROLES,
    ApiToken,
    Invitation,
    Membership,
    Role,
    User,
    hash_token,
    new_token,
)
from di4c.accounts.selectors import forget_roles
from di4c.core.services import require_perm

INVITATION_VALIDITY = timedelta(days=14)


def _check_can_invite(actor, role: str, network, organisation) -> None:
    if (network is None) == (organisation is None):
        raise ValidationError(_("An invitation is into a network or into an organisation."))
    if network is not None:
        require_perm(actor, "networks.invite_to_network", network)
        if role not in NETWORK_ROLES:
            raise ValidationError({"role": _("This role is not a network role.")})
    else:
        if role not in ORGANISATION_ROLES:
            raise ValidationError({"role": _("This role is not a role in an organisation.")})
        if role == Role.CITY_COORDINATOR:
            require_perm(actor, "networks.invite_city_coordinator", organisation)
        else:
            require_perm(actor, "networks.invite_to_organisation", organisation)


@transaction.atomic
def invitation_create(
    *, actor, email: str, role: str, network=None, organisation=None, site_url: str
) -> tuple[Invitation, str]:
    """Invite someone by e-mail into a role; returns the invitation and its one-time token."""
    _check_can_invite(actor, role, network, organisation)
    email = email.strip().lower()
    already = Membership.objects.filter(
        user__email__iexact=email, role=role, network=network, organisation=organisation
    )
    if already.exists():
        raise ValidationError({"email": _("This person already holds this role here.")})
    # A new invitation replaces an open one for the same person and role: one live link.
    Invitation.objects.filter(
        email=email,
        role=role,
        network=network,
        organisation=organisation,
        accepted_at__isnull=True,
    ).delete()
    raw = new_token("inv")
    invitation = Invitation(
        email=email,
        role=role,
        network=network,
        organisation=organisation,
        token_hash=hash_token(raw),
        invited_by=actor,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    invitation.full_clean()
    invitation.save()
    link = site_url.rstrip("/") + reverse("accounts:invitation_accept", args=[raw])
    # The e-mail goes out in the inviter's language; the page it links to lets the invitee switch.
    subject = _("You are invited to di4c as %(role)s of %(scope)s") % {
        "role": invitation.get_role_display(),
        "scope": invitation.scope,
    }
    send_mail(
        # A header must be one line, whatever a name holds.
        subject=" ".join(subject.split()),
        message=_(
            "%(inviter)s invites you to join %(scope)s on di4c as %(role)s.\n\n"
            "Accept the invitation here (valid for 14 days):\n%(link)s\n"
        )
        % {
            "inviter": actor.full_name or actor.email,
            "scope": invitation.scope,
            "role": invitation.get_role_display(),
            "link": link,
        },
        from_email=None,
        recipient_list=[email],
    )
    return invitation, raw


def invitation_by_token(raw: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("network", "organisation", "invited_by")
        .filter(token_hash=hash_token(raw))
        .first()
    )


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: User | None = None, full_name: str = "", password: str = ""
) -> Membership:
    """Turn an open invitation into a membership, creating the account when there is none."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("This invitation has expired or was already used."))
    # The inviter must still be allowed to give this role (they may have lost theirs).
    try:
        _check_can_invite(
            invitation.invited_by, invitation.role, invitation.network, invitation.organisation
        )
    except PermissionDenied as error:
        raise ValidationError(
            _("This invitation is no longer valid: ask for a new one.")
        ) from error
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(_("An account with this e-mail exists: sign in first."))
        user = User(
            email=invitation.email, full_name=full_name, language=translation.get_language()
        )
        user.set_password(password)
        user.full_clean()
        user.save()
    elif user.email.lower() != invitation.email.lower():
        raise PermissionDenied(_("This invitation was sent to another e-mail address."))
    membership, _created = Membership.objects.get_or_create(
        user=user,
        role=invitation.role,
        network=invitation.network,
        organisation=invitation.organisation,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    forget_roles(user)
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    if membership.network_id:
        require_perm(actor, "networks.invite_to_network", membership.network)
    else:
        require_perm(actor, "networks.invite_to_organisation", membership.organisation)
    membership._history_user = actor
    membership.delete()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal token; the raw value is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. 'reporting script'.")})
    raw = new_token("di4c")
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw), prefix=raw[:10])
    return token, raw


def api_token_revoke(*, user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise PermissionDenied(_("This token belongs to someone else."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])


def api_token_authenticate(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # One write a minute at most: the token list shows "last used", not an access log.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
