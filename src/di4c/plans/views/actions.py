"""Pages of a plan's actions: the table, the action form, timeline, budget, risks, the closed
loop from gaps and services, documents and the import. Thin: parse, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from di4c.core.services import check_view_perm
from di4c.networks import selectors as network_selectors
from di4c.plans import forms, selectors, services
from di4c.plans.models import (
    Action,
    ActionStatus,
    Plan,
)
from di4c.plans.views.common import as_id, plan_permissions, readable_plan, save_or_conflict
from di4c.portal.selectors.practices import practices_inspiring
from di4c.portal.services import action_inspiration_set

# --- actions ------------------------------------------------------------------------------


def action_table(request, pk):
    plan = readable_plan(request, pk)
    objective = None
    if request.GET.get("objective"):
        objective = plan.objectives.filter(pk=as_id(request.GET["objective"])).first()
    filters = {
        "objective": objective,
        "status": request.GET.get("status")
        if request.GET.get("status") in ActionStatus.values
        else "",
        "department": request.GET.get("department", "")[:200].replace("\x00", ""),
        "q": request.GET.get("q", "")[:200].replace("\x00", ""),
        "unsecured": request.GET.get("unsecured") == "1",
        "sort": request.GET.get("sort", "code"),
    }
    actions = list(selectors.action_table(plan, filters))
    now = timezone.now()
    for action in actions:
        action.stale = selectors.is_stale(action, plan, now)
    return render(
        request,
        "plans/action_table.html",
        {
            "plan": plan,
            "actions": actions,
            "filters": filters,
            "objectives": plan.objectives.order_by("position", "code"),
            "statuses": ActionStatus.choices,
            "sort_labels": [
                ("code", _("Code")),
                ("title", _("Title")),
                ("objective", _("Objective")),
                ("start", _("Start date")),
                ("end", _("End date")),
                ("cost", _("Cost, highest first")),
                ("progress", _("Progress, highest first")),
                ("status", _("Status")),
                ("updated", _("Last update, oldest first")),
            ],
            **plan_permissions(request, plan),
        },
    )


def action_form(request, pk, action_pk=None):
    """The action's page: a form for those who edit the plan, read-only for its other readers."""
    plan = readable_plan(request, pk)
    action = get_object_or_404(Action, pk=action_pk, plan=plan) if action_pk else None
    can_edit = request.user.has_perm("plans.edit_plan", plan)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    if action is None and not can_edit:
        raise PermissionDenied
    if request.method == "POST" and "delete" in request.POST and action:
        services.action_delete(actor=request.user, action=action)
        messages.success(request, _("The action was deleted."))
        return redirect("plans:actions", pk=plan.pk)
    form = forms.ActionForm(request.POST or None, instance=action, plan=plan)
    formsets = forms.child_formsets(request.POST or None, action=action)
    changes = None
    if (
        request.method == "POST"
        and form.is_valid()
        and all(formset.is_valid() for formset in formsets.values())
    ):
        rows = forms.child_rows(formsets)

        @transaction.atomic
        def save():
            saved = services.action_save(
                actor=request.user,
                plan=plan,
                action=Action.objects.get(pk=action.pk) if action else None,
                data=form.model_data(),
                base_version=form.base_version(),
                note=form.cleaned_data.get("note", ""),
                **rows,
            )
            action_inspiration_set(
                actor=request.user, action=saved, practices=form.cleaned_data["inspired_by"]
            )
            return saved

        saved, changes = save_or_conflict(form, save)
        if saved is not None:
            messages.success(request, _("The action was saved."))
            return redirect(saved)
    return render(
        request,
        "plans/action_form.html",
        {
            "plan": plan,
            "action": action,
            "form": form,
            "formsets": formsets,
            "changes": changes,
            "stale": bool(action and selectors.is_stale(action, plan)),
            "status_changes": action.status_changes.select_related("changed_by")[:20]
            if action
            else [],
            "comments": (
                action.comments.select_related("author")[:50]
                if action and request.user.has_perm("plans.comment_plan", plan)
                else []
            ),
            "comment_form": forms.CommentForm(),
            "inspired_by": practices_inspiring(action) if action else [],
            **plan_permissions(request, plan),
        },
    )


def timeline(request, pk):
    plan = readable_plan(request, pk)
    tree = selectors.plan_tree(plan)
    return render(
        request,
        "plans/timeline.html",
        {"plan": plan, "timeline": selectors.timeline(tree), "today": timezone.localdate()},
    )


def budget(request, pk):
    plan = readable_plan(request, pk)
    tree = selectors.plan_tree(plan)
    summary = selectors.budget(tree)
    return render(
        request,
        "plans/budget.html",
        {
            "plan": plan,
            "budget": summary,
            "chart": {
                "years": [row["year"] for row in summary.by_year],
                "cost": [float(row["cost"]) for row in summary.by_year],
                "secured": [float(row["secured"]) for row in summary.by_year],
                "labels": {"cost": _("Estimated cost"), "secured": _("Secured")},
            },
        },
    )


def risks(request, pk):
    plan = readable_plan(request, pk)
    tree = selectors.plan_tree(plan)
    return render(
        request,
        "plans/risks.html",
        {
            "plan": plan,
            "matrix": selectors.risk_matrix(tree),
            "risks": selectors.all_risks(tree),
        },
    )


# --- the closed loop ---------------------------------------------------------------------------


def _plan_to_add_to(request, slug):
    """The city's plan a gap or service goes into (the one chosen, or its only one), checked
    for the editor's role; None, with a message, when the city has none yet."""
    organisation = network_selectors.organisation_detail(slug)
    plans = Plan.objects.filter(organisation=organisation).select_related("organisation")
    chosen = request.POST.get("plan")
    if chosen:
        plans = plans.filter(pk=as_id(chosen))
    plans = list(plans[:2])
    if len(plans) != 1:
        messages.error(request, _("Start the city's action plan first, then add the gap to it."))
        return organisation, None
    check_view_perm(request, "plans.edit_plan", plans[0])
    return organisation, plans[0]


@login_required
@require_POST
def from_gap(request, slug):
    from di4c.maturity.models import Assessment, Indicator

    organisation, plan = _plan_to_add_to(request, slug)
    if plan is None:
        return redirect("plans:organisation", slug=slug)
    assessment = get_object_or_404(
        Assessment, pk=as_id(request.POST.get("assessment")), organisation=organisation
    )
    indicator = get_object_or_404(
        Indicator, pk=as_id(request.POST.get("indicator")), framework=assessment.framework
    )
    if request.POST.get("make") == "objective":
        objective = services.objective_from_gap(
            actor=request.user, plan=plan, assessment=assessment, indicator=indicator
        )
        if objective.was_created:
            messages.success(request, _("An objective was added to the plan, with its indicator."))
        else:
            messages.info(
                request,
                _("The plan already has an objective for this dimension: %(objective)s.")
                % {"objective": objective},
            )
        return redirect(plan)
    action = services.action_from_gap(
        actor=request.user, plan=plan, assessment=assessment, indicator=indicator
    )
    messages.success(request, _("An action was added to the plan: complete it below."))
    return redirect(action)


@login_required
@require_POST
def from_service(request, slug):
    from di4c.services.models import PublicService

    organisation, plan = _plan_to_add_to(request, slug)
    if plan is None:
        return redirect("plans:organisation", slug=slug)
    service = get_object_or_404(
        PublicService, pk=as_id(request.POST.get("service")), organisation=organisation
    )
    action = services.action_from_service(actor=request.user, plan=plan, service=service)
    messages.success(request, _("An action was added to the plan: complete it below."))
    return redirect(action)


# --- documents ----------------------------------------------------------------------------


def document(request, pk, kind):
    from di4c.plans import downloads, exports

    plan = readable_plan(request, pk)
    try:
        return downloads.download(plan, kind, request.user)
    except exports.PdfUnavailable as error:
        return render(
            request, "plans/document_unavailable.html", {"plan": plan, "reason": error}, status=503
        )


# --- import --------------------------------------------------------------------------------

# The session keeps, by plan, the rows of the file previewed and the version of each action
# the preview matched: {"rows": [...], "versions": imports.previewed_versions(...)}.
IMPORT_SESSION_KEY = "di4c_plans_import"


@login_required
def import_actions(request, pk):
    """Step 1: upload; step 2: the preview lists every bad row; step 3: import, unless an
    action the preview matched was changed since (the user would overwrite it unseen)."""
    from di4c.plans import imports

    plan = readable_plan(request, pk, "plans.edit_plan")
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    rows = None
    if request.method == "POST" and "confirm" in request.POST:
        preview = request.session.get(IMPORT_SESSION_KEY, {}).get(str(plan.pk))
        if not isinstance(preview, dict) or "rows" not in preview or "versions" not in preview:
            messages.error(request, _("Upload the file again: the preview has expired."))
            return redirect("plans:import", pk=plan.pk)
        rows = imports.check(plan, preview["rows"])
        try:
            result = imports.apply(
                actor=request.user,
                plan=plan,
                rows=rows,
                only_valid=request.POST.get("confirm") == "valid",
                previewed=preview["versions"],
            )
        except imports.ImportConflict as error:
            # What the user saw is no longer the plan: the preview goes, the file comes again.
            request.session.pop(IMPORT_SESSION_KEY, None)
            messages.error(request, " ".join(error.messages))
            return redirect("plans:import", pk=plan.pk)
        except ValidationError as error:
            # The plan changed between the preview and the import (e.g. a code now taken).
            messages.error(request, " ".join(error.messages))
        except ValueError:
            messages.error(
                request, _("The file still has bad rows: fix them, or import only the valid rows.")
            )
        else:
            request.session.pop(IMPORT_SESSION_KEY, None)
            messages.success(
                request,
                _(
                    "Imported: %(created)s actions added, %(updated)s updated, %(unchanged)s "
                    "unchanged; %(skipped)s rows skipped."
                )
                % result,
            )
            return redirect("plans:actions", pk=plan.pk)
    elif request.method == "POST" and form.is_valid():
        try:
            raw_rows = imports.read_rows(form.cleaned_data["file"])
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            rows = imports.check(plan, raw_rows)
            request.session[IMPORT_SESSION_KEY] = {
                str(plan.pk): {"rows": raw_rows, "versions": imports.previewed_versions(rows)}
            }
    bad = [row for row in rows if not row.ok] if rows is not None else []
    return render(
        request,
        "plans/import.html",
        {
            "plan": plan,
            "form": form,
            "rows": rows,
            "bad": bad,
            "good_count": (len(rows) - len(bad)) if rows is not None else 0,
            "columns": imports.DOCUMENTED_COLUMNS,
        },
    )
