"""Sign-in, profile, API tokens, invitations. Thin: parse, call a service, render."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from di4c.accounts import selectors, services
from di4c.accounts.forms import (
    ApiTokenForm,
    EmailAuthenticationForm,
    InvitationAcceptForm,
    InvitationForm,
)
from di4c.accounts.models import NETWORK_ROLES, ORGANISATION_ROLES, ApiToken, Membership, Role
from di4c.core.forms import add_service_errors
from di4c.meetings.selectors import open_tasks_of
from di4c.networks import selectors as network_selectors


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
        },
    )


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
