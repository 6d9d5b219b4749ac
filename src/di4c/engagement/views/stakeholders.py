"""Pages of a city's stakeholder map: the list, a stakeholder's page and form, the personal
data export and erasure, the power/interest matrix and the ecosystem by sector. Thin: parse,
call a service or selector, render."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from di4c.core.forms import add_service_errors
from di4c.core.services import check_view_perm
from di4c.engagement import selectors, services
from di4c.engagement.forms.stakeholders import StakeholderFilterForm, StakeholderForm, score_label
from di4c.engagement.models import Sector, Stakeholder
from di4c.networks import selectors as network_selectors

PER_PAGE = 100
# The four strategies of the power/interest grid, in the order `Matrix.quadrants` counts them.
QUADRANTS = {
    "manage": (
        gettext_lazy("Manage closely"),
        gettext_lazy("High influence, high interest: involve them in the decisions."),
    ),
    "satisfy": (
        gettext_lazy("Keep satisfied"),
        gettext_lazy("High influence, lower interest: consult them and meet their needs."),
    ),
    "inform": (
        gettext_lazy("Keep informed"),
        gettext_lazy("Lower influence, high interest: tell them what happens, hear their ideas."),
    ),
    "monitor": (
        gettext_lazy("Monitor"),
        gettext_lazy("Lower influence, lower interest: watch for changes, little effort."),
    ),
}


def _organisation(request, slug, perm="engagement.view_stakeholders"):
    organisation = network_selectors.organisation_detail(slug)
    check_view_perm(request, perm, organisation)
    return organisation


def _stakeholder(request, slug, pk, perm="engagement.view_stakeholders"):
    organisation = _organisation(request, slug)
    stakeholder = get_object_or_404(
        Stakeholder.objects.select_related("updated_by"), pk=pk, organisation=organisation
    )
    stakeholder.organisation = organisation
    if perm != "engagement.view_stakeholders":
        check_view_perm(request, perm, organisation)
    return organisation, stakeholder


def _permissions(request, organisation) -> dict:
    user = request.user
    return {
        "can_change": user.has_perm("engagement.change_stakeholders", organisation),
        "can_view_contact": user.has_perm("engagement.view_contact_data", organisation),
        "can_export": user.has_perm("engagement.export_personal_data", organisation),
        "can_erase": user.has_perm("engagement.erase_personal_data", organisation),
    }


def _run_service(form, call):
    """The service's result, or None with its ValidationError shown on the form's fields."""
    try:
        return call()
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@login_required
def stakeholder_list(request, slug):
    organisation = _organisation(request, slug)
    filter_form = StakeholderFilterForm(request.GET or None)
    filters = filter_form.filters() if request.GET else {"sector": "", "text": ""}
    page = Paginator(selectors.stakeholders_of(organisation, **filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    counts = selectors.sector_counts(organisation)
    return render(
        request,
        "engagement/stakeholder_list.html",
        {
            "organisation": organisation,
            "filter_form": filter_form,
            "filtered": bool(filters["sector"] or filters["text"]),
            "page": page,
            "sector_counts": [
                {"sector": value, "label": label, "count": counts.get(value, 0)}
                for value, label in Sector.choices
            ],
            "total": sum(counts.values()),
            **_permissions(request, organisation),
        },
    )


@login_required
def stakeholder_new(request, slug):
    organisation = _organisation(request, slug, "engagement.change_stakeholders")
    form = StakeholderForm(request.POST or None, initial={"local_group_role": ""})
    if request.method == "POST" and form.is_valid():
        stakeholder = _run_service(
            form,
            lambda: services.stakeholder_create(
                actor=request.user, organisation=organisation, data=form.stakeholder_data()
            ),
        )
        if stakeholder is not None:
            messages.success(request, _("The stakeholder was added to the map."))
            return redirect("engagement:stakeholder", slug=slug, pk=stakeholder.pk)
    return render(
        request,
        "engagement/stakeholder_form.html",
        {"organisation": organisation, "form": form, "stakeholder": None},
    )


@login_required
def stakeholder_detail(request, slug, pk):
    organisation, stakeholder = _stakeholder(request, slug, pk)
    return render(
        request,
        "engagement/stakeholder_detail.html",
        {
            "organisation": organisation,
            "stakeholder": stakeholder,
            "influence_label": score_label(stakeholder.influence),
            "interest_label": score_label(stakeholder.interest),
            "last_change": {
                "history_date": stakeholder.updated_at,
                "history_user": stakeholder.updated_by,
            },
            **_permissions(request, organisation),
        },
    )


@login_required
def stakeholder_edit(request, slug, pk):
    organisation, stakeholder = _stakeholder(request, slug, pk, "engagement.change_stakeholders")
    if stakeholder.is_erased:
        messages.error(request, _("This record was erased; it can no longer be changed."))
        return redirect("engagement:stakeholder", slug=slug, pk=pk)
    form = StakeholderForm(request.POST or None, initial=StakeholderForm.initial_from(stakeholder))
    if request.method == "POST" and form.is_valid():
        changed = _run_service(
            form,
            lambda: services.stakeholder_update(
                actor=request.user, stakeholder=stakeholder, data=form.stakeholder_data()
            ),
        )
        if changed is not None:
            messages.success(request, _("Saved.") if changed else _("Nothing was changed."))
            return redirect("engagement:stakeholder", slug=slug, pk=pk)
    return render(
        request,
        "engagement/stakeholder_form.html",
        {"organisation": organisation, "form": form, "stakeholder": stakeholder},
    )


@login_required
def stakeholder_export(request, slug, pk):
    _organisation_, stakeholder = _stakeholder(request, slug, pk, "engagement.export_personal_data")
    data = selectors.personal_data_export(stakeholder)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="stakeholder-{stakeholder.pk}.json"'
    # Personal data: not to be kept by browsers or proxies.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def stakeholder_erase(request, slug, pk):
    organisation, stakeholder = _stakeholder(request, slug, pk, "engagement.erase_personal_data")
    if stakeholder.is_erased:
        messages.error(request, _("This record is already erased."))
        return redirect("engagement:stakeholder", slug=slug, pk=pk)
    if request.method == "POST":
        try:
            services.stakeholder_erase(actor=request.user, stakeholder=stakeholder)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Their personal data was erased; the anonymous facts stay on the map."),
            )
        return redirect("engagement:stakeholder", slug=slug, pk=pk)
    return render(
        request,
        "engagement/stakeholder_erase.html",
        {"organisation": organisation, "stakeholder": stakeholder},
    )


@login_required
def matrix(request, slug):
    organisation = _organisation(request, slug)
    power_interest = selectors.power_interest_matrix(organisation)
    counts = power_interest.quadrants
    return render(
        request,
        "engagement/matrix.html",
        {
            "organisation": organisation,
            "rows": [
                {
                    "influence": influence,
                    "cells": [
                        {
                            "interest": interest,
                            "quadrant": (quadrant := selectors.quadrant(influence, interest)),
                            "quadrant_label": QUADRANTS[quadrant][0],
                            "stakeholders": cell,
                        }
                        for interest, cell in zip(selectors.SCALE, cells, strict=True)
                    ],
                }
                for influence, cells in power_interest.rows
            ],
            "scale": selectors.SCALE,
            "quadrants": [
                {"key": key, "label": label, "help": help_text, "count": counts[key]}
                for key, (label, help_text) in QUADRANTS.items()
            ],
            "total": sum(counts.values()),
        },
    )


@login_required
def ecosystem(request, slug):
    organisation = _organisation(request, slug)
    groups = selectors.ecosystem(organisation)
    return render(
        request,
        "engagement/ecosystem.html",
        {
            "organisation": organisation,
            "groups": groups,
            "gaps": [group for group in groups if not group.stakeholders],
            "total": sum(len(group.stakeholders) for group in groups),
        },
    )
