"""Pages of a plan: overview, lifecycle, objectives and indicators, snapshots, history, and
the public page. Thin: parse, call a service or selector, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from di4c.core.forms import add_service_errors
from di4c.networks import selectors as network_selectors
from di4c.networks.rules import current_partner_network_ids
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
from di4c.plans.views.common import (
    as_id,
    plan_permissions,
    public_language,
    readable_plan,
    save_or_conflict,
)

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
        networks = network_selectors.Network.objects.filter(
            pk__in=current_partner_network_ids(organisation)
        ).exclude(pk__in=taken)
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
    plan = readable_plan(request, pk)
    tree = selectors.plan_tree(plan)
    progress = selectors.rollup(tree)
    trends = {i.pk: selectors.indicator_trend(i) for i in tree.indicators()}
    perms = plan_permissions(request, plan)
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
            # Comments are the working exchange of the city and the network, not public text.
            "comments": (
                plan.comments.filter(action__isnull=True).select_related("author")[:50]
                if perms["can_comment"]
                else []
            ),
            "baseline": selectors.visible_baseline(plan, request.user),
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
    plan = readable_plan(request, pk, "plans.edit_plan")
    form = forms.PlanForm(request.POST or None, instance=Plan.objects.get(pk=plan.pk))
    changes = None
    if request.method == "POST" and form.is_valid():
        saved, changes = save_or_conflict(
            form,
            lambda: services.plan_update(
                actor=request.user,
                plan=plan,
                data=form.model_data(),
                base_version=form.base_version(),
            ),
        )
        if saved is not None:
            messages.success(request, _("The plan was saved."))
            return redirect(plan)
    return render(request, "plans/plan_form.html", {"plan": plan, "form": form, "changes": changes})


@login_required
@require_POST
def baseline_refresh(request, pk):
    plan = readable_plan(request, pk, "plans.edit_plan")
    services.baseline_take(actor=request.user, plan=plan)
    messages.success(request, _("The baseline was taken again from the latest figures."))
    return redirect(plan)


@login_required
@require_POST
def plan_transition(request, pk):
    plan = readable_plan(request, pk, "plans.change_status")
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
    plan = readable_plan(request, pk, "plans.publish_plan")
    public = request.POST.get("public") == "1"
    services.plan_publish(actor=request.user, plan=plan, public=public)
    if public:
        messages.success(request, _("The plan is published: anyone can now read it."))
    else:
        messages.success(request, _("The plan is no longer published."))
    return redirect(plan)


@login_required
@require_POST
def contributors(request, pk):
    plan = readable_plan(request, pk, "plans.manage_contributors")
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
    plan = readable_plan(request, pk, "plans.comment_plan")
    action = None
    if request.POST.get("action"):
        action = get_object_or_404(Action, pk=as_id(request.POST["action"]), plan=plan)
    try:
        services.comment_add(
            actor=request.user, plan=plan, action=action, text=request.POST.get("text", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your comment was added."))
    return redirect(action or plan)


def snapshot(request, pk, snapshot_pk):
    plan = readable_plan(request, pk)
    record = get_object_or_404(PlanSnapshot, pk=snapshot_pk, plan=plan)
    return render(
        request,
        "plans/snapshot.html",
        {"plan": plan, "snapshot": record, "status_labels": dict(ActionStatus.choices)},
    )


def history(request, pk):
    from di4c.core.selectors import history_with_diffs
    from di4c.plans.models import Funding, OutputIndicator, Risk, TestAction

    plan = readable_plan(request, pk, "plans.edit_plan")
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
                (
                    lambda record: _("Measurement of an indicator"),
                    Measurement.history.filter(indicator__objective__plan_id=plan.pk),
                ),
                (
                    lambda record: _("Risk of an action"),
                    Risk.history.filter(action__plan_id=plan.pk),
                ),
                (
                    lambda record: _("Output of an action"),
                    OutputIndicator.history.filter(action__plan_id=plan.pk),
                ),
                (
                    lambda record: _("Small-scale test action"),
                    TestAction.history.filter(action__plan_id=plan.pk),
                ),
            ),
        },
    )


# --- objectives and indicators ----------------------------------------------------------------


@login_required
def objective_form(request, pk, objective_pk=None):
    plan = readable_plan(request, pk, "plans.edit_plan")
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
        saved, changes = save_or_conflict(
            form,
            lambda: services.objective_save(
                actor=request.user,
                plan=plan,
                objective=Objective.objects.get(pk=objective.pk) if objective else None,
                data=form.model_data(),
                base_version=form.base_version(),
            ),
        )
        if saved is not None:
            messages.success(request, _("The objective was saved."))
            return redirect(plan)
    return render(
        request,
        "plans/objective_form.html",
        {"plan": plan, "form": form, "objective": objective, "changes": changes},
    )


@login_required
def indicator_form(request, pk, objective_pk, indicator_pk=None):
    plan = readable_plan(request, pk, "plans.edit_plan")
    objective = get_object_or_404(Objective, pk=objective_pk, plan=plan)
    indicator = (
        # The indicator stays with its objective: the URL cannot move it elsewhere.
        get_object_or_404(ResultIndicator, pk=indicator_pk, objective=objective)
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
        saved, changes = save_or_conflict(
            form,
            lambda: services.indicator_save(
                actor=request.user,
                objective=objective,
                indicator=ResultIndicator.objects.get(pk=indicator.pk) if indicator else None,
                data=form.model_data(),
                base_version=form.base_version(),
            ),
        )
        if saved is not None:
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
    plan = readable_plan(request, pk)
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
                "target": pgettext("indicator value", "Target"),
            },
            "measurement_form": forms.MeasurementForm(),
            **plan_permissions(request, plan),
        },
    )


@login_required
@require_POST
def measurement_add(request, pk, indicator_pk):
    plan = readable_plan(request, pk, "plans.edit_plan")
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
    plan = readable_plan(request, pk, "plans.edit_plan")
    measurement = get_object_or_404(Measurement, pk=measurement_pk, indicator__objective__plan=plan)
    try:
        services.measurement_delete(actor=request.user, measurement=measurement)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The measurement was deleted."))
    return redirect("plans:indicators", pk=plan.pk)


# --- in public ------------------------------------------------------------------------------


def public_plan(request, pk):
    plan = get_object_or_404(
        Plan.objects.select_related("organisation", "network"), pk=pk, is_public=True
    )
    tree = selectors.plan_tree(plan)
    language = public_language(request, plan)
    with translation.override(language):
        response = render(
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
    response["Content-Language"] = language
    return response


def public_plans(request):
    plans = (
        Plan.objects.filter(is_public=True)
        .select_related("organisation", "network")
        .order_by("organisation__name")
    )
    return render(request, "plans/public_plans.html", {"plans": plans})


def network_plans(request, slug):
    from di4c.networks import selectors as network_selectors

    network = network_selectors.network_detail(slug)
    return render(
        request,
        "plans/network_plans.html",
        {"network": network, "summaries": selectors.network_plans(network, request.user)},
    )
