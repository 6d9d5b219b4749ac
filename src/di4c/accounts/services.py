"""Writes on accounts: self-registration, invitations into a role, memberships, API tokens,
erasure of one's own account."""

import functools
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, router, transaction
from django.db.models import ProtectedError
from django.db.models.deletion import Collector
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from di4c.accounts import mail
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
from di4c.accounts.tokens import account_confirmation_token
from di4c.core.ratelimit import check_and_record
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


# Self-registration ---------------------------------------------------------------------------


def _is_pending(user: User) -> bool:
    """Registered but never confirmed: inactive and never signed in."""
    return not user.is_active and user.last_login is None


def _confirmation_link(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = account_confirmation_token.make_token(user)
    return mail.absolute_url(reverse("accounts:confirm", args=[uidb64, token]))


def _mail_confirmation_after_commit(user: User, language: str) -> None:
    transaction.on_commit(
        functools.partial(
            mail.send_registration_confirmation,
            email=user.email,
            full_name=user.full_name,
            language=language,
            link=_confirmation_link(user),
        )
    )


@transaction.atomic
def user_register(
    *, full_name: str, email: str, password: str, language: str, address: str
) -> User | None:
    """Create an inactive account and mail the link that confirms its address.

    Whether the address is taken is never told to the visitor: if an account uses it, that
    address gets a mail saying so (with links to sign in and reset the password) and None is
    returned. Registering again before confirming replaces the pending details and sends a new
    link (the old one stops working, as the password changed).
    """
    check_and_record("registration", address=address)
    full_name = " ".join((full_name or "").split())
    email = (email or "").strip().lower()
    errors = {}
    if not full_name:
        errors["full_name"] = _("Enter your name.")
    if language not in {code for code, _name in settings.LANGUAGES}:
        errors["language"] = _("Choose one of the languages offered.")
    if errors:
        raise ValidationError(errors)
    existing = User.objects.select_for_update().filter(email__iexact=email).first()
    if existing is not None and not _is_pending(existing):
        # Hash anyway: the time taken must not tell whether the address has an account.
        User().set_password(password)
        notice = functools.partial(
            mail.send_registration_exists, email=existing.email, language=language
        )
        transaction.on_commit(notice)
        return None
    user = existing or User(email=email, is_active=False)
    user.full_name = full_name
    user.language = language
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.full_clean(exclude=["email"] if existing else None)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Someone registered the same address at the same moment: treat it as taken.
        transaction.on_commit(
            functools.partial(mail.send_registration_exists, email=email, language=language)
        )
        return None
    _mail_confirmation_after_commit(user, language)
    return user


def confirmation_user(uidb64: str, token: str) -> User | None:
    """The pending account a confirmation link is for, or None if the link is not valid."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or user.is_active or not account_confirmation_token.check_token(user, token):
        return None
    return user


@transaction.atomic
def user_confirm(uidb64: str, token: str, password: str) -> User:
    """Activate the account the link is for, once the password chosen at registration is
    typed again; the link then no longer works.

    The password check stops a pre-registration takeover: someone who registers another
    person's address first (with a password of their own) cannot benefit when that person
    later confirms, since confirming needs the password of the latest registration."""
    user = confirmation_user(uidb64, token)
    if user is not None:
        # Two clicks at once: only the first one finds the account still waiting.
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active or not account_confirmation_token.check_token(user, token):
            user = None
    if user is None:
        raise ValidationError(
            _("This link is no longer valid: it was used already or is too old."),
            code="invalid_link",
        )
    if not user.check_password(password or ""):
        raise ValidationError(
            {
                "password": _(
                    "This is not the password chosen when registering with this address. "
                    "Type it again, or register again to choose a new one."
                )
            },
            code="wrong_password",
        )
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


def awaits_confirmation(email: str, password: str) -> bool:
    """Whether these are the e-mail address and password of an account not confirmed yet."""
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=False).first()
    if user is None or not _is_pending(user):
        # Hash anyway, so that the time taken does not tell whether such an account exists.
        User().set_password(password)
        return False
    return user.check_password(password)


# Erasure of one's own account ---------------------------------------------------------------


@transaction.atomic
def user_delete(*, actor, password: str) -> None:
    """Delete the actor's account, once they typed their password again.

    What they posted stays without an author (ideas, comments, service ratings), consultation
    responses keep counting, anonymously; memberships, API tokens, calendar feeds, supports
    and the sign-in records of their address go.
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    if not password or not actor.check_password(password):
        raise ValidationError({"password": _("This is not your password.")})
    if actor.is_superuser:
        raise ValidationError(
            _(
                "A platform administrator's account cannot be deleted here: ask another "
                "administrator to remove it."
            )
        )
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    Invitation.objects.filter(accepted_by=actor).delete()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=actor.email).delete()
    collector = Collector(using=router.db_for_write(User))
    try:
        collector.collect([actor])
    except ProtectedError as error:
        raise ValidationError(
            _(
                "Follow-up tasks of meetings are assigned to you: ask the meeting's organiser "
                "to give them to someone else, then delete your account."
            )
        ) from error
    # What goes with the account (memberships, meeting participations) leaves a "deleted" row
    # in its history; it names no author, as the author is the account being deleted.
    for instances in collector.data.values():
        for instance in instances:
            instance._history_user = None
    collector.delete()
