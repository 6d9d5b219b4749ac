"""Pages of the plans app. Thin: parse, call a service or selector, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from di4c.core.forms import add_service_errors
from di4c.core.services import check_view_perm
from di4c.networks import selectors as network_selectors
from di4c.plans import forms, selectors, services
from di4c.plans.models import (
    Action,
    ActionStatus,
    Measurement,
    Objective,
    Plan,
    PlanSnapshot,
    PlanStatus,
    ResultIndicator,
)


def _plan(request, pk, perm="plans.view_plan") -> Plan:
    plan = selectors.plan_detail(pk)
    check_view_perm(request, perm, plan)
    return plan


def _conflict(form, error: services.EditConflict) -> list[dict]:
    """Keep what the user typed, move the form to the version now stored (saving again
    overwrites knowingly) and say what changed meanwhile."""
    form.data = form.data.copy()
    form.data["version"] = error.current.version
    form.add_error(None, str(error))
    return error.changes


def _perms(request, plan) -> dict:
    user = request.user
    return {
        "can_edit": user.has_perm("plans.edit_plan", plan),
        "can_change_status": user.has_perm("plans.change_status", plan),
        "can_publish": user.has_perm("plans.publish_plan", plan),
        "can_comment": user.has_perm("plans.comment_plan", plan),
    }


# --- a city's plans -------------------------------------------------------------------------


def organisation_plans(request, slug):
    organisation = network_selectors.organisation_detail(slug)
    plans = [
        p for p in selectors.plans_of(organisation) if request.user.has_perm("plans.view_plan", p)
    ]
    can_create = request.user.has_perm("plans.create_plan", organisation)
    form = None
    if can_create:
        taken = [p.network_id for p in selectors.plans_of(organisation)]
        networks = (
            network_selectors.Network.objects.filter(partnerships__organisation=organisation)
            .exclude(pk__in=taken)
            .distinct()
        )
        form = forms.PlanCreateForm(
            request.POST or None, networks=networks, languages=settings.LANGUAGES
        )
        if request.method == "POST" and form.is_valid():
            try:
                plan = services.plan_create(
                    actor=request.user, organisation=organisation, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The plan was started, with its baseline."))
                return redirect(plan)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "plans/organisation_plans.html",
        {"organisation": organisation, "plans": plans, "form": form},
    )


def plan_detail(request, pk):
    plan = _plan(request, pk)
    tree = selectors.plan_tree(plan)
    progress = selectors.rollup(tree)
    trends = {i.pk: selectors.indicator_trend(i) for i in tree.indicators()}
    perms = _perms(request, plan)
    members = None
    if request.user.has_perm("plans.manage_contributors", plan):
        members = _local_group(plan)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "tree": tree,
            "progress": progress,
            "trends": trends,
            "budget": selectors.budget(tree),
            "stale_count": sum(1 for a in tree.actions if selectors.is_stale(a, plan)),
            "snapshots": plan.snapshots.select_related("taken_by"),
            "comments": plan.comments.filter(action__isnull=True).select_related("author")[:50],
            "transition_form": forms.TransitionForm(),
            "comment_form": forms.CommentForm(),
            "contributors_form": (
                forms.ContributorsForm(
                    members=members, initial={"contributors": plan.contributors.all()}
                )
                if members is not None
                else None
            ),
            **perms,
        },
    )


def _local_group(plan):
    from di4c.accounts.models import Role, User

    return User.objects.filter(
        memberships__organisation_id=plan.organisation_id,
        memberships__role=Role.LOCAL_GROUP_MEMBER,
    ).order_by("full_name")


@login_required
def plan_edit(request, pk):
    plan = _plan(request, pk, "plans.edit_plan")
    form = forms.PlanForm(request.POST or None, instance=Plan.objects.get(pk=plan.pk))
    changes = None
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                actor=request.user,
                plan=plan,
                data=form.model_data(),
                base_version=form.base_version(),
            )
        except services.EditConflict as error:
            changes = _conflict(form, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect(plan)
    return render(request, "plans/plan_form.html", {"plan": plan, "form": form, "changes": changes})


@login_required
@require_POST
def baseline_refresh(request, pk):
    plan = _plan(request, pk, "plans.edit_plan")
    services.baseline_take(actor=request.user, plan=plan)
    messages.success(request, _("The baseline was taken again from the latest figures."))
    return redirect(plan)


@login_required
@require_POST
def plan_transition(request, pk):
    plan = _plan(request, pk, "plans.change_status")
    form = forms.TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.plan_transition(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The plan is now “%(status)s”; a snapshot of it was kept.")
                % {"status": PlanStatus(form.cleaned_data["status"]).label},
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(plan)


@login_required
@require_POST
def plan_publish(request, pk):
    plan = _plan(request, pk, "plans.publish_plan")
    services.plan_publish(actor=request.user, plan=plan, public=request.POST.get("public") == "1")
    return redirect(plan)


@login_required
@require_POST
def contributors(request, pk):
    plan = _plan(request, pk, "plans.manage_contributors")
    form = forms.ContributorsForm(request.POST, members=_local_group(plan))
    if form.is_valid():
        services.contributors_set(
            actor=request.user, plan=plan, users=form.cleaned_data["contributors"]
        )
        messages.success(request, _("The contributors were saved."))
    else:
        messages.error(request, _("Choose among the city's local group members."))
    return redirect(plan)


@login_required
@require_POST
def comment_add(request, pk):
    plan = _plan(request, pk, "plans.comment_plan")
    action = None
    if request.POST.get("action"):
        action = get_object_or_404(Action, pk=_int(request.POST["action"]), plan=plan)
    try:
        services.comment_add(
            actor=request.user, plan=plan, action=action, text=request.POST.get("text", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your comment was added."))
    return redirect(action or plan)


def _int(value) -> int:
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else 0


def snapshot(request, pk, snapshot_pk):
    plan = _plan(request, pk)
    record = get_object_or_404(PlanSnapshot, pk=snapshot_pk, plan=plan)
    return render(request, "plans/snapshot.html", {"plan": plan, "snapshot": record})


def history(request, pk):
    from di4c.core.selectors import history_with_diffs
    from di4c.plans.models import Funding

    plan = _plan(request, pk, "plans.edit_plan")
    return render(
        request,
        "core/history.html",
        {
            "object": plan,
            "back_url": plan.get_absolute_url(),
            "rows": history_with_diffs(
                (lambda record: _("Plan"), plan.history.all()),
                (
                    lambda record: _("Objective %(code)s") % {"code": record.code},
                    Objective.history.filter(plan_id=plan.pk),
                ),
                (
                    lambda record: _("Action %(code)s") % {"code": record.code},
                    Action.history.filter(plan_id=plan.pk),
                ),
                (
                    lambda record: _("Funding of an action"),
                    Funding.history.filter(action__plan_id=plan.pk),
                ),
                (
                    lambda record: _("Indicator “%(name)s”") % {"name": record.name},
                    ResultIndicator.history.filter(objective__plan_id=plan.pk),
                ),
            ),
        },
    )


# --- objectives and indicators ----------------------------------------------------------------


@login_required
def objective_form(request, pk, objective_pk=None):
    plan = _plan(request, pk, "plans.edit_plan")
    objective = get_object_or_404(Objective, pk=objective_pk, plan=plan) if objective_pk else None
    if request.method == "POST" and "delete" in request.POST and objective:
        try:
            services.objective_delete(actor=request.user, objective=objective)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("plans:objective", pk=plan.pk, objective_pk=objective.pk)
        messages.success(request, _("The objective was deleted."))
        return redirect(plan)
    form = forms.ObjectiveForm(request.POST or None, instance=objective, plan=plan)
    changes = None
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_save(
                actor=request.user,
                plan=plan,
                objective=Objective.objects.get(pk=objective.pk) if objective else None,
                data=form.model_data(),
                base_version=form.base_version(),
            )
        except services.EditConflict as error:
            changes = _conflict(form, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The objective was saved."))
            return redirect(plan)
    return render(
        request,
        "plans/objective_form.html",
        {"plan": plan, "form": form, "objective": objective, "changes": changes},
    )


@login_required
def indicator_form(request, pk, objective_pk, indicator_pk=None):
    plan = _plan(request, pk, "plans.edit_plan")
    objective = get_object_or_404(Objective, pk=objective_pk, plan=plan)
    indicator = (
        get_object_or_404(ResultIndicator, pk=indicator_pk, objective__plan=plan)
        if indicator_pk
        else None
    )
    if request.method == "POST" and "delete" in request.POST and indicator:
        services.indicator_delete(actor=request.user, indicator=indicator)
        messages.success(request, _("The indicator was deleted."))
        return redirect("plans:indicators", pk=plan.pk)
    form = forms.IndicatorForm(request.POST or None, instance=indicator, plan=plan)
    changes = None
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_save(
                actor=request.user,
                objective=objective,
                indicator=ResultIndicator.objects.get(pk=indicator.pk) if indicator else None,
                data=form.model_data(),
                base_version=form.base_version(),
            )
        except services.EditConflict as error:
            changes = _conflict(form, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The indicator was saved."))
            return redirect("plans:indicators", pk=plan.pk)
    return render(
        request,
        "plans/indicator_form.html",
        {
            "plan": plan,
            "objective": objective,
            "indicator": indicator,
            "form": form,
            "changes": changes,
        },
    )


def indicators(request, pk):
    plan = _plan(request, pk)
    tree = selectors.plan_tree(plan, actions=Action.objects.none())
    rows = [
        {
            "objective": objective,
            "indicator": indicator,
            "trend": selectors.indicator_trend(indicator),
            "chart": selectors.indicator_chart(indicator),
        }
        for objective in tree.all_objectives()
        for indicator in objective.indicators.all()
    ]
    return render(
        request,
        "plans/indicators.html",
        {
            "plan": plan,
            "rows": rows,
            "charts": [row["chart"] | {"id": row["indicator"].pk} for row in rows],
            "chart_labels": {
                "measured": _("Measured"),
                "baseline": _("Baseline"),
                "target": _("Target"),
            },
            "measurement_form": forms.MeasurementForm(),
            **_perms(request, plan),
        },
    )


@login_required
@require_POST
def measurement_add(request, pk, indicator_pk):
    plan = _plan(request, pk, "plans.edit_plan")
    indicator = get_object_or_404(ResultIndicator, pk=indicator_pk, objective__plan=plan)
    form = forms.MeasurementForm(request.POST)
    if form.is_valid():
        try:
            services.measurement_add(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The measurement was added."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for message in errors:
                messages.error(request, f"{label}: {message}" if label else message)
    return redirect("plans:indicators", pk=plan.pk)


@login_required
@require_POST
def measurement_delete(request, pk, measurement_pk):
    plan = _plan(request, pk, "plans.edit_plan")
    measurement = get_object_or_404(Measurement, pk=measurement_pk, indicator__objective__plan=plan)
    try:
        services.measurement_delete(actor=request.user, measurement=measurement)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("plans:indicators", pk=plan.pk)


# --- actions ------------------------------------------------------------------------------


def action_table(request, pk):
    plan = _plan(request, pk)
    objective = None
    if request.GET.get("objective"):
        objective = plan.objectives.filter(pk=_int(request.GET["objective"])).first()
    filters = {
        "objective": objective,
        "status": request.GET.get("status")
        if request.GET.get("status") in ActionStatus.values
        else "",
        "department": request.GET.get("department", "")[:200],
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
                ("start", _("Start")),
                ("end", _("End")),
                ("cost", _("Cost, highest first")),
                ("progress", _("Progress, highest first")),
                ("status", _("Status")),
                ("updated", _("Last update, oldest first")),
            ],
            **_perms(request, plan),
        },
    )


@login_required
def action_form(request, pk, action_pk=None):
    plan = _plan(request, pk)
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
        try:
            saved = services.action_save(
                actor=request.user,
                plan=plan,
                action=Action.objects.get(pk=action.pk) if action else None,
                data=form.model_data(),
                base_version=form.base_version(),
                note=form.cleaned_data.get("note", ""),
                **rows,
            )
        except services.EditConflict as error:
            changes = _conflict(form, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
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
            "comments": action.comments.select_related("author")[:50] if action else [],
            "comment_form": forms.CommentForm(),
            **_perms(request, plan),
        },
    )


def timeline(request, pk):
    plan = _plan(request, pk)
    tree = selectors.plan_tree(plan)
    return render(
        request,
        "plans/timeline.html",
        {"plan": plan, "timeline": selectors.timeline(tree), "today": timezone.localdate()},
    )


def budget(request, pk):
    plan = _plan(request, pk)
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
    plan = _plan(request, pk)
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


def _target_plan(request, organisation):
    """The city's plan to add to: the one chosen, or its only one."""
    plans = Plan.objects.filter(organisation=organisation).select_related("organisation")
    chosen = request.POST.get("plan")
    if chosen:
        plans = plans.filter(pk=_int(chosen))
    plans = list(plans[:2])
    if len(plans) != 1:
        return None
    return plans[0]


@login_required
@require_POST
def from_gap(request, slug):
    from di4c.maturity.models import Assessment, Indicator

    organisation = network_selectors.organisation_detail(slug)
    plan = _target_plan(request, organisation)
    if plan is None:
        messages.error(request, _("Start the city's action plan first, then add the gap to it."))
        return redirect("plans:organisation", slug=slug)
    check_view_perm(request, "plans.edit_plan", plan)
    assessment = get_object_or_404(
        Assessment, pk=_int(request.POST.get("assessment")), organisation=organisation
    )
    indicator = get_object_or_404(
        Indicator, pk=_int(request.POST.get("indicator")), framework=assessment.framework
    )
    if request.POST.get("make") == "objective":
        services.objective_from_gap(
            actor=request.user, plan=plan, assessment=assessment, indicator=indicator
        )
        messages.success(request, _("An objective was added to the plan, with its indicator."))
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

    organisation = network_selectors.organisation_detail(slug)
    plan = _target_plan(request, organisation)
    if plan is None:
        messages.error(request, _("Start the city's action plan first, then add the gap to it."))
        return redirect("plans:organisation", slug=slug)
    check_view_perm(request, "plans.edit_plan", plan)
    service = get_object_or_404(
        PublicService, pk=_int(request.POST.get("service")), organisation=organisation
    )
    action = services.action_from_service(actor=request.user, plan=plan, service=service)
    messages.success(request, _("An action was added to the plan: complete it below."))
    return redirect(action)


# --- documents ----------------------------------------------------------------------------

DOCUMENTS = {
    "docx": (
        "plan_docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "plan.docx",
    ),
    "pdf": ("plan_pdf", "application/pdf", "plan.pdf"),
    "actions": (
        "actions_xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "actions.xlsx",
    ),
    "budget": (
        "budget_xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "budget.xlsx",
    ),
}


def document(request, pk, kind):
    from di4c.plans import exports

    plan = _plan(request, pk)
    function, content_type, suffix = DOCUMENTS[kind]
    response = HttpResponse(getattr(exports, function)(plan), content_type=content_type)
    name = f"{plan.organisation.slug}-{plan.network.slug}-{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- in public ------------------------------------------------------------------------------


def public_plan(request, pk):
    plan = get_object_or_404(
        Plan.objects.select_related("organisation", "network"), pk=pk, is_public=True
    )
    tree = selectors.plan_tree(plan)
    return render(
        request,
        "plans/public_plan.html",
        {
            "plan": plan,
            "tree": tree,
            "progress": selectors.rollup(tree),
            "trends": {i.pk: selectors.indicator_trend(i) for i in tree.indicators()},
            "changes": selectors.status_changes(plan, limit=20),
        },
    )


def public_plans(request):
    plans = (
        Plan.objects.filter(is_public=True)
        .select_related("organisation", "network")
        .order_by("organisation__name")
    )
    return render(request, "plans/public_plans.html", {"plans": plans})


# --- import --------------------------------------------------------------------------------

IMPORT_SESSION_KEY = "di4c_plans_import"


@login_required
def import_actions(request, pk):
    """Step 1: upload; step 2: the preview lists every bad row; step 3: import."""
    from di4c.plans import imports

    plan = _plan(request, pk, "plans.edit_plan")
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    rows = None
    if request.method == "POST" and "confirm" in request.POST:
        raw_rows = request.session.get(IMPORT_SESSION_KEY, {}).get(str(plan.pk))
        if raw_rows is None:
            messages.error(request, _("Upload the file again: the preview has expired."))
            return redirect("plans:import", pk=plan.pk)
        rows = imports.check(plan, raw_rows)
        try:
            result = imports.apply(
                actor=request.user,
                plan=plan,
                rows=rows,
                only_valid=request.POST.get("confirm") == "valid",
            )
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
            request.session[IMPORT_SESSION_KEY] = {str(plan.pk): raw_rows}
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
