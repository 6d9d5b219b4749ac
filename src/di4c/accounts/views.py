"""Sign-in, registration, profile, API tokens, invitations, one's own data. Thin: parse, call a
service or selector, render."""

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from di4c.accounts import selectors, services
from di4c.accounts.forms import (
    AccountDeleteForm,
    ApiTokenForm,
    EmailAuthenticationForm,
    InvitationAcceptForm,
    InvitationForm,
    RegistrationForm,
)
from di4c.accounts.models import NETWORK_ROLES, ORGANISATION_ROLES, ApiToken, Membership, Role
from di4c.core.forms import add_service_errors
from di4c.core.ratelimit import client_address
from di4c.meetings.selectors import open_tasks_of
from di4c.networks import selectors as network_selectors

# The session key that lets the "check your mailbox" page name the address typed.
REGISTERED_EMAIL_KEY = "di4c_registered_email"
# What a newly signed-in user with no role is pointed at (the engagement pages).
PARTICIPATE_URL_NAME = "engagement:participate"


def participate_url() -> str | None:
    try:
        return reverse(PARTICIPATE_URL_NAME)
    except NoReverseMatch:
        return None


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
def profile(request):
    token_form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and token_form.is_valid():
        try:
            _token, new_token = services.api_token_create(
                user=request.user, name=token_form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_service_errors(token_form, error)
        else:
            token_form = ApiTokenForm()
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": selectors.memberships_of(request.user),
            "open_tasks": open_tasks_of(request.user),
            "tokens": selectors.api_tokens_of(request.user),
            "token_form": token_form,
            "new_token": new_token,
            "participate_url": participate_url(),
        },
    )


@sensitive_post_parameters("password", "password_confirm")
@never_cache
def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_register(
                full_name=data["full_name"],
                email=data["email"],
                password=data["password"],
                language=data["language"],
                address=client_address(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[REGISTERED_EMAIL_KEY] = data["email"]
            return redirect("accounts:register_sent")
    return render(request, "accounts/register.html", {"form": form})


def register_sent(request):
    return render(
        request,
        "accounts/register_sent.html",
        {"email": request.session.get(REGISTERED_EMAIL_KEY, "")},
    )


@never_cache
def confirm(request, uidb64, token):
    """The link in the mail. Opening it shows a button: mail scanners that open every link
    (to check it) must not use up the single-use link before the person clicks it."""
    user = services.confirmation_user(uidb64, token)
    password_errors = []
    if request.method == "POST" and user is not None:
        try:
            user = services.user_confirm(uidb64, token, request.POST.get("password", ""))
        except ValidationError as error:
            if getattr(error, "error_dict", None) and "password" in error.error_dict:
                password_errors = error.message_dict["password"]
            else:
                user = None
        else:
            request.session.pop(REGISTERED_EMAIL_KEY, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Welcome, %(name)s! Your e-mail address is confirmed and you are signed in. "
                    "You can now answer consultations, post and support ideas and rate services "
                    "in every city of this platform."
                )
                % {"name": user.get_short_name()},
            )
            return redirect(participate_url() or reverse("home"))
    if user is None:
        return render(request, "accounts/confirm_invalid.html", status=404)
    return render(
        request,
        "accounts/confirm.html",
        {"pending_user": user, "password_errors": password_errors},
        status=400 if password_errors else 200,
    )


@login_required
@require_GET
def data_export(request):
    data = selectors.user_data_export(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-di4c-data.json"'
    # Personal data: not to be kept by browsers or proxies.
    response["Cache-Control"] = "no-store"
    return response


@sensitive_post_parameters("password")
@login_required
def account_delete(request):
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_delete(actor=request.user, password=form.cleaned_data["password"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            logout(request)
            messages.success(request, _("Your account was deleted. Thank you for taking part."))
            return redirect("home")
    return render(request, "accounts/account_delete.html", {"form": form})


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk)
    services.api_token_revoke(user=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:profile")


def _invite(request, *, network=None, organisation=None):
    scope = network or organisation
    if network is not None:
        if not request.user.has_perm("networks.invite_to_network", network):
            raise PermissionDenied
        roles = NETWORK_ROLES
    elif request.user.has_perm("networks.invite_to_organisation", organisation):
        roles = ORGANISATION_ROLES
    elif request.user.has_perm("networks.invite_city_coordinator", organisation):
        roles = (Role.CITY_COORDINATOR,)
    else:
        raise PermissionDenied
    form = InvitationForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _raw = services.invitation_create(
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                network=network,
                organisation=organisation,
                site_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("An invitation was sent to %(email)s.") % {"email": invitation.email}
            )
            members_url = (
                reverse("networks:network_members", args=[network.slug])
                if network
                else reverse("networks:organisation_members", args=[organisation.slug])
            )
            return redirect(members_url)
    return render(request, "accounts/invite.html", {"form": form, "scope": scope})


@login_required
def invite_to_network(request, slug):
    return _invite(request, network=network_selectors.network_detail(slug))


@login_required
def invite_to_organisation(request, slug):
    return _invite(request, organisation=network_selectors.organisation_detail(slug))


@login_required
@require_POST
def membership_remove(request, pk):
    membership = get_object_or_404(
        Membership.objects.select_related("network", "organisation", "user"), pk=pk
    )
    services.membership_remove(actor=request.user, membership=membership)
    messages.success(
        request, _("%(person)s no longer holds this role.") % {"person": membership.user}
    )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = membership.scope.get_absolute_url()
    return redirect(next_url)


def invitation_accept(request, token):
    invitation = services.invitation_by_token(token)
    if invitation is None or not invitation.is_open:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                services.invitation_accept(invitation=invitation, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            else:
                messages.success(request, _("Welcome! Your new role is active."))
                return redirect(invitation.scope.get_absolute_url())
    else:
        form = InvitationAcceptForm(request.POST or None, email=invitation.email)
        if request.method == "POST" and form.is_valid():
            try:
                membership = services.invitation_accept(
                    invitation=invitation,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Welcome! Your account and role are ready."))
                return redirect(invitation.scope.get_absolute_url())
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}
    )
