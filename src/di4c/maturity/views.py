"""Pages of the maturity app. Thin: parse, call a service or selector, render."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from di4c.core.services import check_view_perm
from di4c.maturity import exports, selectors, services
from di4c.maturity.models import Framework, Status
from di4c.networks import selectors as network_selectors
from di4c.networks.models import Network


def _visible_assessment(request, pk: int):
    assessment = selectors.assessment_detail(pk)
    check_view_perm(request, "maturity.view_assessment", assessment)
    return assessment


def _context_network(assessment, viewer) -> Network | None:
    """The network the city is compared in: one it is a partner of today and that the viewer
    belongs to (a visitor of published results sees no network figures)."""
    from django.db.models import Q
    from django.utils import timezone

    from di4c.maturity.rules import networks_of_user

    networks = Network.objects.filter(
        Q(partnerships__left_on__isnull=True) | Q(partnerships__left_on__gte=timezone.localdate()),
        partnerships__organisation_id=assessment.organisation_id,
    )
    if not getattr(viewer, "is_superuser", False):
        networks = networks.filter(pk__in=networks_of_user(viewer))
    return networks.order_by("acronym").first()


def framework_detail(request, code, version):
    framework = selectors.framework_detail(code, int(version))
    return render(request, "maturity/framework_detail.html", {"framework": framework})


def organisation_assessments(request, slug):
    organisation = network_selectors.organisation_detail(slug)
    assessments = []
    for assessment in selectors.assessments_of(organisation):
        # One organisation object for all rows: its networks are read once, not per row.
        assessment.organisation = organisation
        if request.user.has_perm("maturity.view_assessment", assessment):
            assessments.append(assessment)
    return render(
        request,
        "maturity/organisation_assessments.html",
        {
            "organisation": organisation,
            "assessments": assessments,
            "frameworks": selectors.latest_frameworks(),
            "can_start": request.user.has_perm("maturity.start_assessment", organisation),
        },
    )


@login_required
@require_POST
def assessment_start(request, slug):
    organisation = network_selectors.organisation_detail(slug)
    framework_id = request.POST.get("framework", "")
    framework = get_object_or_404(Framework, pk=int(framework_id) if framework_id.isdigit() else 0)
    try:
        assessment = services.assessment_start(
            actor=request.user, organisation=organisation, framework=framework
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("maturity:organisation", slug=slug)
    return redirect("maturity:answer", pk=assessment.pk)


@login_required
def assessment_answer(request, pk):
    assessment = _visible_assessment(request, pk)
    can_answer = request.user.has_perm("maturity.answer_assessment", assessment)
    if not can_answer:
        return redirect(assessment)
    answers = selectors.answers_by_indicator(assessment)
    answered, total = selectors.progress(assessment)
    return render(
        request,
        "maturity/assessment_answer.html",
        {
            "assessment": assessment,
            "framework": assessment.framework,
            "answers": answers,
            "answered": answered,
            "total": total,
            "answer_messages": {
                "saved": _("Saved"),
                "pending": _("Saving…"),
                "error": _("Not saved:"),
                "progress": _("%(answered)s of %(total)s indicators answered"),
            },
        },
    )


@login_required
@require_POST
def answer_save(request, pk, code):
    """Saves one answer; called by the page's script on every change, or by its button."""
    assessment = selectors.assessment_detail(pk)
    raw_level = request.POST.get("level", "")
    errors = {}
    level = None
    if raw_level != "":
        try:
            level = int(raw_level)
        except ValueError:
            errors["level"] = [_("Choose one of the levels.")]
    answer = None
    if not errors:
        try:
            answer = services.answer_save(
                actor=request.user,
                assessment=assessment,
                indicator_code=code,
                level=level,
                evidence=request.POST.get("evidence", ""),
                links=request.POST.get("links", ""),
            )
            if request.FILES.get("file"):
                services.evidence_attach(
                    actor=request.user, answer=answer, upload=request.FILES["file"]
                )
        except ValidationError as error:
            errors = error.message_dict
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if wants_json:
        if errors:
            return JsonResponse({"saved": False, "errors": errors}, status=422)
        answered, total = selectors.progress(selectors.assessment_detail(pk))
        return JsonResponse({"saved": True, "answered": answered, "total": total})
    if errors:
        for messages_ in errors.values():
            for message in messages_:
                messages.error(request, f"{code}: {message}")
    else:
        messages.success(request, _("Answer %(code)s saved.") % {"code": code})
    return redirect(f"{assessment_answer_url(pk)}#indicator-{code}")


def assessment_answer_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("maturity:answer", args=[pk])


@login_required
@require_POST
def assessment_submit(request, pk):
    assessment = selectors.assessment_detail(pk)
    try:
        services.assessment_submit(actor=request.user, assessment=assessment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("maturity:answer", pk=pk)
    messages.success(request, _("The assessment was submitted for validation."))
    return redirect(assessment)


@login_required
@require_POST
def assessment_review(request, pk):
    assessment = selectors.assessment_detail(pk)
    try:
        if request.POST.get("decision") == "validate":
            services.assessment_validate(
                actor=request.user, assessment=assessment, comment=request.POST.get("comment", "")
            )
            messages.success(request, _("The assessment was validated."))
        else:
            comments = {
                key.removeprefix("comment-"): value
                for key, value in request.POST.items()
                if key.startswith("comment-")
            }
            services.assessment_return(
                actor=request.user,
                assessment=assessment,
                comment=request.POST.get("comment", ""),
                comments=comments,
            )
            messages.success(request, _("The assessment was sent back to the city."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(assessment)


@login_required
@require_POST
def assessment_publish(request, pk):
    assessment = selectors.assessment_detail(pk)
    try:
        services.assessment_publish(
            actor=request.user, assessment=assessment, public=request.POST.get("public") == "1"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(assessment)


def _result_context(request, assessment) -> dict:
    from di4c.portal.selectors.practices import gap_sections

    network = _context_network(assessment, request.user)
    bench = selectors.network_benchmark(network, assessment.framework) if network else None
    labels = selectors.peer_labels(bench, network, request.user) if bench else {}
    band, band_stats = selectors.band_summary(assessment)
    previous = selectors.previous_validated(assessment)
    previous_scores = (
        {s.dimension.code: s.score for s in previous.dimension_scores.all()} if previous else {}
    )
    scores = {s.dimension_id: s.score for s in assessment.dimension_scores.all()}
    gaps = selectors.gap_analysis(assessment, bench, labels) if bench else []
    rows = []
    for dimension in assessment.framework.dimensions.all():
        stats = bench.stats_for(dimension.code) if bench else None
        in_band = band_stats.get(dimension.code) or selectors.Summary()
        score = scores.get(dimension.pk)
        before = previous_scores.get(dimension.code)
        rows.append(
            {
                "dimension": dimension,
                "score": score,
                "change": (score - before) if score is not None and before is not None else None,
                "stats": stats,
                "rank": stats.rank_for(score, assessment.organisation_id) if stats else None,
                "band_stats": in_band,
                "band_rank": in_band.rank,
            }
        )
    return {
        "network": network,
        "bench": bench,
        "band": selectors.band_label(band),
        "previous": previous,
        "overall_change": (
            assessment.overall_score - previous.overall_score
            if previous
            and assessment.overall_score is not None
            and previous.overall_score is not None
            else None
        ),
        "rows": rows,
        "gaps": gaps,
        # The good-practice library: practices of the cities strongest where the gaps are.
        "gap_practices": gap_sections(assessment, gaps, labels),
        "chart": {
            "labels": [row["dimension"].display_name for row in rows],
            "city": [float(row["score"]) if row["score"] is not None else None for row in rows],
            "median": [
                float(row["stats"].median)
                if row["stats"] and row["stats"].median is not None
                else None
                for row in rows
            ],
            "city_label": assessment.organisation.display_name,
            "median_label": _("Network median") if bench else "",
        },
    }


def assessment_detail(request, pk):
    assessment = _visible_assessment(request, pk)
    context = {
        "assessment": assessment,
        "framework": assessment.framework,
        "answers": selectors.answers_by_indicator(assessment),
        "can_answer": request.user.has_perm("maturity.answer_assessment", assessment),
        "can_review": request.user.has_perm("maturity.review_assessment", assessment),
        "can_publish": request.user.has_perm("maturity.publish_assessment", assessment),
    }
    context["answered"], context["total"] = selectors.progress(assessment)
    if assessment.status in (Status.SUBMITTED, Status.VALIDATED):
        context.update(_result_context(request, assessment))
    if assessment.status == Status.VALIDATED:
        # The closed loop: a gap can become an action or objective of the city's plan.
        from di4c.plans.selectors import actions_from_sources, plans_editable_by

        context["gap_plans"] = plans_editable_by(request.user, assessment.organisation)
        context["gap_actions"] = actions_from_sources(context["gap_plans"])[0]
        context["can_start_plan"] = request.user.has_perm(
            "plans.create_plan", assessment.organisation
        )
    return render(request, "maturity/assessment_detail.html", context)


def assessment_export(request, pk, fmt):
    assessment = _visible_assessment(request, pk)
    network = _context_network(assessment, request.user)
    bench = selectors.network_benchmark(network, assessment.framework) if network else None
    name = slugify(f"{assessment.organisation.slug}-{assessment.framework.code}-{assessment.pk}")
    if fmt == "xlsx":
        response = HttpResponse(
            exports.assessment_xlsx(assessment, bench),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(
            exports.assessment_csv(assessment, bench), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_POST
def target_set(request, pk):
    assessment = _visible_assessment(request, pk)
    try:
        value = Decimal(request.POST.get("target", ""))
    except InvalidOperation:
        messages.error(request, _("The target must be a number from 0 to 100."))
        return redirect(assessment)
    try:
        services.target_set(
            actor=request.user,
            organisation=assessment.organisation,
            framework_code=assessment.framework.code,
            dimension_code=request.POST.get("dimension", ""),
            target_score=value,
        )
    except ValidationError as error:
        if "dimension" in getattr(error, "error_dict", {}):
            messages.error(request, " ".join(error.message_dict["dimension"]))
        else:
            messages.error(request, _("The target must be a number from 0 to 100."))
    return redirect(f"{assessment.get_absolute_url()}#gaps")


def network_maturity(request, slug):
    network = network_selectors.network_detail(slug)
    if not request.user.is_authenticated or not (
        request.user.is_superuser or network.pk in _networks_of(request.user)
    ):
        raise PermissionDenied
    framework = selectors.framework_for_network(network, request.GET.get("framework"))
    bench = selectors.network_benchmark(network, framework) if framework else None
    labels = selectors.peer_labels(bench, network, request.user) if bench else {}
    table = []
    if bench:
        for organisation_id, assessment in sorted(
            bench.assessments.items(), key=lambda i: labels[i[0]]
        ):
            table.append(
                {
                    "label": labels[organisation_id],
                    # No link to an anonymised peer: the page would give its name away.
                    "assessment": (
                        assessment
                        if labels[organisation_id] == assessment.organisation.display_name
                        else None
                    ),
                    "scores": [stats.scores.get(organisation_id) for stats in bench.dimensions],
                    "overall": bench.overall.get(organisation_id),
                }
            )
    return render(
        request,
        "maturity/network_maturity.html",
        {
            "network": network,
            "framework": framework,
            "bench": bench,
            "table": table,
            "weak_spots": selectors.weak_spots(network, bench) if bench else [],
            "frameworks": list(selectors.frameworks_used_in(network)),
        },
    )


def _networks_of(user):
    from di4c.maturity.rules import networks_of_user

    return networks_of_user(user)


def evidence_download(request, pk):
    """Evidence files are as private as their assessment: served only after the check."""
    from django.http import FileResponse

    from di4c.maturity.models import EvidenceFile

    evidence = get_object_or_404(EvidenceFile.objects.select_related("answer__assessment"), pk=pk)
    check_view_perm(request, "maturity.view_assessment", evidence.answer.assessment)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name)
