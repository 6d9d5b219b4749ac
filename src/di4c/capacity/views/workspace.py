"""The city's capacity workspace: the dashboard, the skills framework, and the setup
(departments, staff roles and the target-profile grid). Thin: parse, call a service or
selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from di4c.capacity import selectors, services
from di4c.capacity.forms.setup import DepartmentForm, RoleForm, TargetGridForm
from di4c.capacity.frameworks import current_framework
from di4c.capacity.models import Competence, Department, StaffRole
from di4c.capacity.views.round_common import MANAGE, facts, organisation_for
from di4c.core.forms import run_service

TOP_NEEDS = 5


@login_required
def dashboard(request, slug):
    organisation = organisation_for(request, slug)
    figures = selectors.dashboard(organisation)
    results = figures.results
    needs = selectors.training_needs(results) if results is not None else []
    return render(
        request,
        "capacity/workspace_dashboard.html",
        {
            **facts(request, organisation),
            "figures": figures,
            "results": results,
            "needs": needs[:TOP_NEEDS],
            "need_count": len(needs),
            "current": "dashboard",
        },
    )


@login_required
def framework(request, slug):
    organisation = organisation_for(request, slug)
    skills = current_framework()
    competences = list(
        Competence.objects.filter(framework=skills).select_related("area").order_by("position")
    )
    areas: list = []
    for competence in competences:
        if not areas or areas[-1]["area"].pk != competence.area_id:
            areas.append({"area": competence.area, "competences": []})
        areas[-1]["competences"].append(competence)
    return render(
        request,
        "capacity/workspace_framework.html",
        {
            **facts(request, organisation),
            "framework": skills,
            "areas": areas,
            "current": "framework",
        },
    )


# --- setup: departments and roles -------------------------------------------------------------


@login_required
def setup(request, slug):
    organisation = organisation_for(request, slug, MANAGE)
    departments = list(Department.objects.filter(organisation=organisation).order_by("name"))
    roles = list(StaffRole.objects.filter(organisation=organisation).order_by("position", "name"))
    return render(
        request,
        "capacity/setup.html",
        {
            **facts(request, organisation),
            "departments": departments,
            "staff_total": sum(d.staff_count or 0 for d in departments),
            "roles": roles,
            "department_form": DepartmentForm(auto_id="new-department-%s"),
            "role_form": RoleForm(auto_id="new-role-%s", initial={"position": len(roles)}),
            "current": "setup",
        },
    )


def _department(organisation, pk) -> Department:
    return get_object_or_404(Department, pk=pk, organisation=organisation)


def _role(organisation, pk) -> StaffRole:
    return get_object_or_404(StaffRole, pk=pk, organisation=organisation)


@login_required
def department_form(request, slug, pk=None):
    """Add a department (pk None) or change one."""
    organisation = organisation_for(request, slug, MANAGE)
    department = _department(organisation, pk) if pk is not None else None
    initial = DepartmentForm.initial_from(department) if department else None
    form = DepartmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.department_save(
                actor=request.user,
                organisation=organisation,
                data=form.department_data(),
                department=department,
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _("The department “%(name)s” is saved.") % {"name": saved.name},
            )
            return redirect("capacity:setup", slug=slug)
    return render(
        request,
        "capacity/setup_department.html",
        {**facts(request, organisation), "form": form, "department": department},
    )


def _delete(request, slug, pk, delete, edit_url: str, done: str):
    """Run a delete service; its refusal goes back to the edit page as a message."""
    try:
        delete()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(edit_url, slug=slug, pk=pk)
    messages.success(request, done)
    return redirect("capacity:setup", slug=slug)


@login_required
@require_POST
def department_delete(request, slug, pk):
    department = _department(organisation_for(request, slug, MANAGE), pk)
    return _delete(
        request,
        slug,
        pk,
        lambda: services.department_delete(actor=request.user, department=department),
        "capacity:department_edit",
        _("The department “%(name)s” is deleted.") % {"name": department},
    )


@login_required
def role_form(request, slug, pk=None):
    """Add a staff role (pk None) or change one."""
    organisation = organisation_for(request, slug, MANAGE)
    role = _role(organisation, pk) if pk is not None else None
    initial = RoleForm.initial_from(role) if role else None
    form = RoleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.role_save(
                actor=request.user, organisation=organisation, data=form.role_data(), role=role
            ),
        )
        if saved is not None:
            messages.success(request, _("The role “%(name)s” is saved.") % {"name": saved.name})
            return redirect("capacity:setup", slug=slug)
    return render(
        request,
        "capacity/setup_role.html",
        {**facts(request, organisation), "form": form, "role": role},
    )


@login_required
@require_POST
def role_delete(request, slug, pk):
    role = _role(organisation_for(request, slug, MANAGE), pk)
    return _delete(
        request,
        slug,
        pk,
        lambda: services.role_delete(actor=request.user, role=role),
        "capacity:role_edit",
        _("The role “%(name)s” is deleted.") % {"name": role},
    )


@login_required
@require_POST
def roles_suggested(request, slug):
    organisation = organisation_for(request, slug, MANAGE)
    try:
        added = services.roles_from_framework(
            actor=request.user, organisation=organisation, framework=current_framework()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("capacity:setup", slug=slug)
    if added:
        messages.success(
            request,
            ngettext(
                "%(count)s suggested role was added with its target profile.",
                "%(count)s suggested roles were added with their target profiles.",
                len(added),
            )
            % {"count": len(added)},
        )
    else:
        messages.info(request, _("The city already has every suggested role."))
    return redirect("capacity:setup", slug=slug)


# --- setup: the target-profile grid -----------------------------------------------------------


@login_required
def targets(request, slug):
    organisation = organisation_for(request, slug, MANAGE)
    skills = current_framework()
    roles = StaffRole.objects.filter(organisation=organisation).order_by("position", "name")
    competences = (
        Competence.objects.filter(framework=skills).select_related("area").order_by("position")
    )
    form = TargetGridForm(
        request.POST or None,
        roles=roles,
        competences=competences,
        targets=selectors.targets_of(organisation, skills),
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.targets_save(
                actor=request.user,
                organisation=organisation,
                framework=skills,
                targets=form.targets(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                ngettext(
                    "The target profiles are saved (%(count)s level changed).",
                    "The target profiles are saved (%(count)s levels changed).",
                    changed,
                )
                % {"count": changed},
            )
            return redirect("capacity:targets", slug=slug)
    return render(
        request,
        "capacity/setup_targets.html",
        {**facts(request, organisation), "form": form, "framework": skills, "current": "setup"},
    )
