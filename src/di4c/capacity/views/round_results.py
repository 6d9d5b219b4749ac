"""A closed round's results, training needs (each can become a plan action), the comparison
with an earlier round, and the XLSX of these aggregates.

Every figure comes from the selectors, which show nothing for an open round and nothing for
a group of fewer than MIN_GROUP_SIZE people (merged into "Other"). These views only lay them
out."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from di4c.capacity import exports, selectors
from di4c.capacity.forms.rounds import ComparisonForm
from di4c.capacity.views.round_common import as_id, round_facts, round_for
from di4c.core.services import check_view_perm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _by_area(competences, cells_of) -> list[dict]:
    """[{area, rows: [{competence, cells}]}] in framework order; `cells_of(competence)` gives
    the row's figures."""
    areas: list[dict] = []
    for competence in competences:
        if not areas or areas[-1]["area"].pk != competence.area_id:
            areas.append({"area": competence.area, "rows": []})
        areas[-1]["rows"].append({"competence": competence, "cells": cells_of(competence)})
    return areas


def _chart(results) -> dict:
    """The figures of the chart (all departments, per competence), as in the table under it."""
    rows = [(c, results.cell(selectors.ALL, c)) for c in results.competences]
    return {
        "labels": [competence.code for competence, _stats in rows],
        "titles": [f"{c.code} {c.display_name}" for c, _stats in rows],
        "level": [float(s.mean_level) if s.mean_level is not None else None for _c, s in rows],
        "target": [float(s.mean_target) if s.mean_target is not None else None for _c, s in rows],
        "level_label": _("Mean level"),
        "target_label": _("Mean target"),
    }


def _other_group(groups):
    return next((group for group in groups if group.key == selectors.OTHER), None)


def _tabs(request, round_, tab: str) -> dict:
    return {**round_facts(request, round_), "current": "rounds", "tab": tab}


@login_required
def results(request, pk):
    round_ = round_for(request, pk)
    summary = selectors.round_results(round_)
    context = {**_tabs(request, round_, "results"), "results": summary}
    if summary.shown:
        groups = summary.groups
        # The by-role figures may be held back as a whole (roles_reason says why).
        role_groups = summary.role_groups if summary.roles_shown else []
        context.update(
            {
                "group_rows": [(g, summary.group_overall(g.key)) for g in groups],
                "role_rows": [(g, summary.group_overall(("role", g.key))) for g in role_groups],
                "department_areas": _by_area(
                    summary.competences, lambda c: [summary.cell(g.key, c) for g in groups]
                ),
                "role_areas": _by_area(
                    summary.competences,
                    lambda c: [summary.cell(("role", g.key), c) for g in role_groups],
                ),
                "all_areas": _by_area(
                    summary.competences, lambda c: summary.cell(selectors.ALL, c)
                ),
                "department_span": 2 * len(groups) + 1,
                "role_span": 2 * len(role_groups) + 1,
                "other": _other_group(groups),
                "other_role": _other_group(role_groups),
                "chart": _chart(summary),
            }
        )
    return render(request, "capacity/round_results.html", context)


def _plan_actions_by_competence(plans) -> dict[int, list]:
    """The plan actions already made from a competence, so that the page says so."""
    from di4c.plans.models import Action

    by_competence: dict[int, list] = {}
    if plans:
        actions = Action.objects.filter(plan__in=plans, source_competence__isnull=False)
        for action in actions.order_by("code"):
            by_competence.setdefault(action.source_competence_id, []).append(action)
    return by_competence


@login_required
def needs(request, pk):
    from di4c.plans.selectors import plans_editable_by

    round_ = round_for(request, pk)
    summary = selectors.round_results(round_)
    ranked = selectors.training_needs(summary)
    plans = plans_editable_by(request.user, round_.organisation) if summary.shown else []
    in_plan = _plan_actions_by_competence(plans)
    return render(
        request,
        "capacity/needs.html",
        {
            **_tabs(request, round_, "needs"),
            "results": summary,
            "needs": [
                {"need": need, "actions": in_plan.get(need.competence.pk, [])} for need in ranked
            ],
            "plans": plans,
            "can_start_plan": request.user.has_perm("plans.create_plan", round_.organisation),
        },
    )


def _need_of(summary, group_key: str, competence_id: str):
    for need in selectors.training_needs(summary):
        if str(need.group.key) == group_key and str(need.competence.pk) == competence_id:
            return need
    return None


@login_required
@require_POST
def need_action(request, pk):
    """The closed loop: a training need becomes an action of the city's plan (the one chosen,
    or its only one), as a maturity gap does."""
    from di4c.plans import services as plan_services
    from di4c.plans.models import Plan

    round_ = round_for(request, pk)
    plans = Plan.objects.filter(organisation=round_.organisation).select_related("organisation")
    chosen = request.POST.get("plan", "")
    if chosen:
        plans = plans.filter(pk=as_id(chosen))
    plans = list(plans[:2])
    if len(plans) != 1:
        messages.error(request, _("Start the city's action plan first, then add the need to it."))
        return redirect("capacity:round_needs", pk=pk)
    plan = plans[0]
    check_view_perm(request, "plans.edit_plan", plan)
    need = _need_of(
        selectors.round_results(round_),
        request.POST.get("group", ""),
        request.POST.get("competence", ""),
    )
    if need is None:
        messages.error(request, _("This training need is not among the round's results."))
        return redirect("capacity:round_needs", pk=pk)
    try:
        action = plan_services.action_from_training_need(
            actor=request.user, plan=plan, need=need, round_=round_
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("capacity:round_needs", pk=pk)
    messages.success(request, _("An action was added to the plan: complete it below."))
    return redirect(action)


def _earlier_round(round_, value):
    """The round chosen to compare with: one of the comparable rounds, or 404."""
    if not value:
        return None
    before = selectors.comparable_rounds(round_).filter(pk=as_id(value)).first()
    if before is None:
        raise Http404
    return before


@login_required
def comparison(request, pk):
    round_ = round_for(request, pk)
    # Only earlier closed rounds, the latest first (the selector's choice and order).
    candidates = selectors.comparable_rounds(round_)
    form = ComparisonForm(request.GET or None, rounds=candidates)
    context = {**_tabs(request, round_, "comparison"), "form": form, "has_candidates": False}
    if not round_.shows_results:
        context["reason"] = _("Results are shown once the round is closed.")
        return render(request, "capacity/comparison.html", context)
    context["has_candidates"] = candidates.exists()
    before = form.cleaned_data["before"] if form.is_bound and form.is_valid() else None
    if before is not None:
        compared = selectors.compare_rounds(before, round_)
        context["comparison"] = compared
        if compared.shown:
            context["sections"] = [
                {
                    "group": group,
                    "areas": _by_area(
                        compared.competences, lambda c, key=group.key: compared.change(key, c)
                    ),
                }
                # All departments first: the headline, then each group.
                for group in sorted(compared.groups, key=lambda g: g.key != selectors.ALL)
            ]
            context["other"] = _other_group(compared.groups)
    return render(request, "capacity/comparison.html", context)


@login_required
def export(request, pk):
    """The aggregates as an XLSX workbook: results, by role, needs (and the comparison with
    ?before=<round>). Never a row for fewer than MIN_GROUP_SIZE people; nothing for an open
    round."""
    round_ = round_for(request, pk)
    summary = selectors.round_results(round_)
    if not summary.shown:
        messages.error(request, summary.reason)
        return redirect("capacity:round_results", pk=pk)
    before = _earlier_round(round_, request.GET.get("before"))
    compared = selectors.compare_rounds(before, round_) if before is not None else None
    response = HttpResponse(exports.round_xlsx(summary, compared), content_type=XLSX)
    name = slugify(f"{round_.organisation.slug}-skills-{round_.pk}-{round_.title}")[:80]
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
