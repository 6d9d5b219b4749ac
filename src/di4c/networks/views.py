"""Pages of programmes, networks and organisations. Thin: parse, call a service or selector,
render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from di4c.accounts import selectors as account_selectors
from di4c.core.forms import add_service_errors
from di4c.core.selectors import history_with_diffs, last_change
from di4c.core.services import check_view_perm
from di4c.networks import selectors, services
from di4c.networks.forms import (
    NetworkForm,
    OrganisationCreateForm,
    OrganisationForm,
    PartnershipCreateForm,
    PartnershipForm,
    PhaseFormSet,
)
from di4c.networks.models import Partnership, Phase


def programme_detail(request, slug):
    programme = selectors.programme_detail(slug)
    return render(
        request,
        "networks/programme_detail.html",
        {"programme": programme, "last_change": last_change(programme)},
    )


def network_detail(request, slug):
    network = selectors.network_detail(slug)
    current, former = selectors.partners_in_order(network)
    return render(
        request,
        "networks/network_detail.html",
        {
            "network": network,
            "timeline": selectors.phase_timeline(list(network.phases.all())),
            "partners": current,
            "former_partners": former,
            "last_change": last_change(network),
            "can_edit": request.user.has_perm("networks.change_network", network),
        },
    )


def _phase_rows(formset) -> list[dict]:
    rows = []
    for form in formset.forms:
        if not form.has_changed() and not form.cleaned_data.get("id"):
            continue
        if form.cleaned_data.get("DELETE"):
            continue
        data = {key: form.cleaned_data.get(key) for key in ("number", "name", "starts_on")}
        data["ends_on"] = form.cleaned_data.get("ends_on")
        data["name"] = data["name"] or ""
        if form.cleaned_data.get("id"):
            data["id"] = form.cleaned_data["id"]
        rows.append(data)
    return rows


@login_required
def network_edit(request, slug):
    network = selectors.network_detail(slug)
    check_view_perm(request, "networks.change_network", network)
    phases = list(network.phases.all())
    if request.method == "POST":
        form = NetworkForm(request.POST, instance=network)
        formset = PhaseFormSet(request.POST, prefix="phases")
        if form.is_valid() and formset.is_valid():
            data = {name: form.cleaned_data[name] for name in NetworkForm.Meta.fields}
            data.update(form.translations())
            try:
                services.network_update(
                    actor=request.user,
                    network=selectors.network_detail(slug),
                    data=data,
                    phases=_phase_rows(formset),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The network was saved."))
                return redirect(network)
    else:
        form = NetworkForm(instance=network)
        formset = PhaseFormSet(
            prefix="phases",
            initial=[
                {
                    "id": phase.pk,
                    "number": phase.number,
                    "name": phase.name,
                    "starts_on": phase.starts_on,
                    "ends_on": phase.ends_on,
                }
                for phase in phases
            ],
        )
    return render(
        request,
        "networks/network_edit.html",
        {"network": network, "form": form, "formset": formset},
    )


@login_required
def network_history(request, slug):
    network = selectors.network_detail(slug)
    check_view_perm(request, "networks.view_network_history", network)
    return render(
        request,
        "core/history.html",
        {
            "object": network,
            "rows": history_with_diffs(
                (lambda record: network.acronym, network.history.all()),
                (
                    lambda record: record.instance.label,
                    Phase.history.filter(network_id=network.pk),
                ),
                (
                    lambda record: record.organisation.display_name,
                    Partnership.history.filter(network_id=network.pk).select_related(
                        "organisation"
                    ),
                ),
            ),
            "back_url": network.get_absolute_url(),
        },
    )


@login_required
def network_members(request, slug):
    network = selectors.network_detail(slug)
    check_view_perm(request, "networks.invite_to_network", network)
    return render(
        request,
        "networks/members.html",
        {
            "scope": network,
            "memberships": account_selectors.members_of_scope(network=network),
            "invitations": account_selectors.open_invitations(network=network),
            "invite_url_name": "accounts:invite_to_network",
            "can_remove": True,
        },
    )


@login_required
def partnership_add(request, slug):
    network = selectors.network_detail(slug)
    check_view_perm(request, "networks.manage_partnerships", network)
    form = PartnershipCreateForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in PartnershipForm.Meta.fields}
        data.update(form.translations())
        try:
            services.partnership_create(
                actor=request.user,
                network=network,
                organisation=form.cleaned_data["organisation"],
                data=data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The partner was added."))
            return redirect(network)
    return render(request, "networks/partnership_form.html", {"network": network, "form": form})


@login_required
def partnership_edit(request, slug, pk):
    network = selectors.network_detail(slug)
    partnership = get_object_or_404(
        Partnership.objects.select_related("organisation"), pk=pk, network=network
    )
    check_view_perm(request, "networks.manage_partnerships", network)
    form = PartnershipForm(request.POST or None, instance=partnership)
    if request.method == "POST" and "delete" in request.POST:
        services.partnership_delete(actor=request.user, partnership=partnership)
        messages.success(request, _("The partnership was removed."))
        return redirect(network)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in PartnershipForm.Meta.fields}
        data.update(form.translations())
        try:
            services.partnership_update(
                actor=request.user,
                partnership=Partnership.objects.get(pk=partnership.pk),
                data=data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The partnership was saved."))
            return redirect(network)
    return render(
        request,
        "networks/partnership_form.html",
        {"network": network, "form": form, "partnership": partnership},
    )


def organisation_list(request):
    page = Paginator(selectors.organisations_list(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "networks/organisation_list.html",
        {
            "page": page,
            "can_add": request.user.has_perm("networks.add_organisation"),
        },
    )


def organisation_detail(request, slug):
    organisation = selectors.organisation_detail(slug)
    return render(
        request,
        "networks/organisation_detail.html",
        {
            "organisation": organisation,
            "partnerships": list(organisation.partnerships.all()),
            "last_change": last_change(organisation),
            "can_edit": request.user.has_perm("networks.change_organisation", organisation),
            "can_invite": _can_invite_to(request.user, organisation),
        },
    )


@login_required
def organisation_create(request):
    check_view_perm(request, "networks.add_organisation")
    form = OrganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in OrganisationCreateForm.Meta.fields}
        data.update(form.translations())
        try:
            organisation = services.organisation_create(actor=request.user, data=data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organisation was created."))
            return redirect(organisation)
    return render(request, "networks/organisation_form.html", {"form": form})


@login_required
def organisation_edit(request, slug):
    organisation = selectors.organisation_detail(slug)
    check_view_perm(request, "networks.change_organisation", organisation)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in OrganisationForm.Meta.fields}
        data.update(form.translations())
        try:
            services.organisation_update(
                actor=request.user, organisation=selectors.organisation_detail(slug), data=data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organisation was saved."))
            return redirect(organisation)
    return render(
        request,
        "networks/organisation_form.html",
        {"form": form, "organisation": organisation},
    )


@login_required
def organisation_history(request, slug):
    organisation = selectors.organisation_detail(slug)
    check_view_perm(request, "networks.view_organisation_history", organisation)
    return render(
        request,
        "core/history.html",
        {
            "object": organisation,
            "rows": history_with_diffs(
                (lambda record: organisation.display_name, organisation.history.all())
            ),
            "back_url": organisation.get_absolute_url(),
        },
    )


def _can_invite_to(user, organisation) -> bool:
    return user.has_perm("networks.invite_to_organisation", organisation) or user.has_perm(
        "networks.invite_city_coordinator", organisation
    )


@login_required
def organisation_members(request, slug):
    organisation = selectors.organisation_detail(slug)
    if not _can_invite_to(request.user, organisation):
        raise PermissionDenied
    return render(
        request,
        "networks/members.html",
        {
            "scope": organisation,
            "memberships": account_selectors.members_of_scope(organisation=organisation),
            "invitations": account_selectors.open_invitations(organisation=organisation),
            "invite_url_name": "accounts:invite_to_organisation",
            "can_remove": request.user.has_perm("networks.invite_to_organisation", organisation),
        },
    )
