"""Pages of the public-services app. Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from di4c.core.forms import add_service_errors
from di4c.core.services import check_view_perm
from di4c.networks import selectors as network_selectors
from di4c.plans.selectors import actions_from_sources, plans_editable_by
from di4c.services import exports, imports, selectors, services
from di4c.services.forms import ImportForm, ServiceForm, YearForm
from di4c.services.models import PublicService, ReferenceService

IMPORT_SESSION_KEY = "di4c_services_import"


def _organisation(request, slug, perm):
    organisation = network_selectors.organisation_detail(slug)
    check_view_perm(request, perm, organisation)
    return organisation


def catalogue(request, slug):
    organisation = _organisation(request, slug, "services.view_index")
    years = selectors.index_by_year(organisation)
    latest = years[-1] if years else None
    can_edit = request.user.has_perm("services.edit_catalogue", organisation)
    sees_catalogue = request.user.has_perm("services.view_catalogue", organisation)
    return render(
        request,
        "services/catalogue.html",
        {
            "organisation": organisation,
            "services": selectors.catalogue(organisation) if sees_catalogue else None,
            "sees_catalogue": sees_catalogue,
            "years": years,
            "latest": latest,
            "gains": (
                selectors.biggest_gains(organisation, latest.year)
                if latest and sees_catalogue
                else []
            ),
            "can_edit": can_edit,
            "can_publish": request.user.has_perm("services.publish_index", organisation),
            "is_public": getattr(
                getattr(organisation, "index_publication", None), "is_public", False
            ),
            "references": selectors.references_not_adopted(organisation) if can_edit else [],
            # The closed loop: a busy offline service can become an action of the city's plan.
            "gap_plans": (gap_plans := plans_editable_by(request.user, organisation)),
            "gap_actions": actions_from_sources(gap_plans)[1],
            "chart": {
                "levels": latest.levels if latest else [],
                "level_labels": [_("Level %(n)s") % {"n": n} for n in range(5)],
                "years": [y.year for y in years],
                "online_share": [float(y.online_share or 0) for y in years],
                "uptake": [float(y.uptake) if y.uptake is not None else None for y in years],
                "labels": {
                    "services": _("Services"),
                    "online_share": _("Services online (%)"),
                    "uptake": _("Requests made online (%)"),
                },
            },
        },
    )


@login_required
@require_POST
def adopt(request, slug):
    organisation = _organisation(request, slug, "services.edit_catalogue")
    ids = [int(pk) for pk in request.POST.getlist("reference") if pk.isascii() and pk.isdigit()]
    added = services.catalogue_adopt(
        actor=request.user,
        organisation=organisation,
        references=ReferenceService.objects.filter(pk__in=ids),
    )
    messages.success(
        request, _("%(count)s services were added to the catalogue.") % {"count": len(added)}
    )
    return redirect("services:catalogue", slug=slug)


def _service_fields(form) -> dict:
    data = {name: form.cleaned_data[name] for name in ServiceForm.Meta.fields}
    data.update(form.translations())
    return data


@login_required
def service_create(request, slug):
    organisation = _organisation(request, slug, "services.edit_catalogue")
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_save(
                actor=request.user, organisation=organisation, data=_service_fields(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The service was added."))
            return redirect(service)
    return render(
        request, "services/service_form.html", {"organisation": organisation, "form": form}
    )


@login_required
def service_edit(request, slug, pk):
    organisation = _organisation(request, slug, "services.edit_catalogue")
    service = get_object_or_404(PublicService, pk=pk, organisation=organisation)
    form = ServiceForm(request.POST or None, instance=service)
    year_form = YearForm()
    if request.method == "POST" and "delete" in request.POST:
        services.service_delete(actor=request.user, service=service)
        messages.success(request, _("The service was removed from the catalogue."))
        return redirect("services:catalogue", slug=slug)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_save(
                actor=request.user,
                organisation=organisation,
                service=PublicService.objects.get(pk=service.pk),
                data=_service_fields(form),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The service was saved."))
            return redirect(service)
    return render(
        request,
        "services/service_form.html",
        {
            "organisation": organisation,
            "form": form,
            "service": service,
            "year_form": year_form,
            "years": service.years.order_by("-year"),
        },
    )


@login_required
@require_POST
def year_save(request, slug, pk):
    organisation = _organisation(request, slug, "services.edit_catalogue")
    service = get_object_or_404(PublicService, pk=pk, organisation=organisation)
    form = YearForm(request.POST)
    if form.is_valid():
        try:
            services.year_save(actor=request.user, service=service, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The figures were saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(service)


@login_required
def import_file(request, slug):
    """Step 1: upload; step 2: the preview lists every bad row; step 3: import."""
    organisation = _organisation(request, slug, "services.edit_catalogue")
    form = ImportForm(request.POST or None, request.FILES or None)
    rows = None
    if request.method == "POST" and "confirm" in request.POST:
        raw_rows = request.session.get(IMPORT_SESSION_KEY, {}).get(str(organisation.pk))
        if raw_rows is None:
            messages.error(request, _("Upload the file again: the preview has expired."))
            return redirect("services:import", slug=slug)
        rows = imports.check(organisation, raw_rows)
        only_valid = request.POST.get("confirm") == "valid"
        try:
            result = imports.apply(
                actor=request.user, organisation=organisation, rows=rows, only_valid=only_valid
            )
        except ValueError:
            messages.error(
                request, _("The file still has bad rows: fix them, or import only the valid rows.")
            )
        else:
            request.session.pop(IMPORT_SESSION_KEY, None)
            messages.success(
                request,
                _(
                    "Imported: %(created)s services added, %(updated)s updated, %(years)s yearly "
                    "figures; %(skipped)s rows skipped."
                )
                % result,
            )
            return redirect("services:catalogue", slug=slug)
    elif request.method == "POST" and form.is_valid():
        try:
            raw_rows = imports.read_rows(form.cleaned_data["file"])
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            rows = imports.check(organisation, raw_rows)
            request.session[IMPORT_SESSION_KEY] = {str(organisation.pk): raw_rows}
    bad = [row for row in rows if not row.ok] if rows is not None else []
    return render(
        request,
        "services/import.html",
        {
            "organisation": organisation,
            "form": form,
            "rows": rows,
            "bad": bad,
            "good_count": (len(rows) - len(bad)) if rows is not None else 0,
            "columns": imports.DOCUMENTED_COLUMNS,
        },
    )


def export(request, slug, what, fmt):
    perm = "services.view_catalogue" if what == "catalogue" else "services.view_index"
    organisation = _organisation(request, slug, perm)
    if what == "catalogue":
        content = exports.catalogue_rows(organisation)
    else:
        content = exports.index_rows(organisation)
    name = f"{organisation.slug}-{what}"
    if fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(content, title=what),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exports.to_csv(content), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_POST
def publish(request, slug):
    organisation = network_selectors.organisation_detail(slug)
    services.index_publish(
        actor=request.user, organisation=organisation, public=request.POST.get("public") == "1"
    )
    return redirect("services:catalogue", slug=slug)


def network_services(request, slug):
    from di4c.maturity.rules import networks_of_user

    network = network_selectors.network_detail(slug)
    if not request.user.is_authenticated or not (
        request.user.is_superuser or network.pk in networks_of_user(request.user)
    ):
        raise PermissionDenied
    partners, rows = selectors.network_comparison(network)
    return render(
        request,
        "services/network_services.html",
        {"network": network, "partners": partners, "rows": rows},
    )
