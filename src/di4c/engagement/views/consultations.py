"""Pages of a city's consultations: the list, the instance-wide "Take part" page, the
consultation's page (with the questionnaire editor for the city), its form, and publishing,
back to draft and closing. Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from di4c.core.forms import run_service
from di4c.core.markdown import render_markdown
from di4c.core.services import check_view_perm
from di4c.engagement import selectors, services
from di4c.engagement.forms.consultations import ConsultationForm, QuestionForm, mode_explanation
from di4c.engagement.models import ConsultationMode
from di4c.engagement.selectors import consultation_pages
from di4c.engagement.views.consultation_common import (
    STATE_LABELS,
    consultation_facts,
    consultation_for,
    in_city_time_zone,
    organisation_of,
)

PER_PAGE = 50


def ideas_url(slug: str) -> str:
    """The city's ideas page (its pages are built beside these)."""
    try:
        return reverse("engagement:ideas", args=[slug])
    except NoReverseMatch:
        return f"/organisations/{slug}/ideas/"


def _rows(page):
    return [
        {"consultation": item, "state": (state := item.state()), "state_label": STATE_LABELS[state]}
        for item in page
    ]


@in_city_time_zone
def consultation_list(request, slug):
    organisation = organisation_of(slug)
    can_create = request.user.has_perm("engagement.change_consultations", organisation)
    page = Paginator(
        selectors.consultations_of(organisation, include_drafts=can_create).order_by(
            "-opens_at", "pk"
        ),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/consultations/list.html",
        {
            "organisation": organisation,
            "page": page,
            "rows": _rows(page),
            "can_create": can_create,
            "ideas_url": ideas_url(organisation.slug),
        },
    )


def participate(request):
    page = Paginator(selectors.open_consultations(), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "engagement/consultations/participate.html",
        {
            "page": page,
            "rows": [
                {"consultation": item, "ideas_url": ideas_url(item.organisation.slug)}
                for item in page
            ],
        },
    )


def _form(organisation, data=None, initial=None) -> ConsultationForm:
    return ConsultationForm(
        data,
        initial=initial,
        plans=consultation_pages.plans_for_consultation(organisation),
        objectives=consultation_pages.objectives_for_consultation(organisation),
        services=consultation_pages.services_for_consultation(organisation),
    )


@in_city_time_zone
@login_required
def consultation_new(request, slug):
    organisation = organisation_of(slug)
    check_view_perm(request, "engagement.change_consultations", organisation)
    form = _form(organisation, request.POST or None, initial={"mode": ConsultationMode.ACCOUNT})
    if request.method == "POST" and form.is_valid():
        consultation = run_service(
            form,
            lambda: services.consultation_create(
                actor=request.user, organisation=organisation, data=form.consultation_data()
            ),
        )
        if consultation is not None:
            messages.success(
                request, _("The consultation was created as a draft: now add its questions.")
            )
            return redirect("engagement:consultation", slug=slug, pk=consultation.pk)
    return render(
        request,
        "engagement/consultations/form.html",
        {
            "organisation": organisation,
            "form": form,
            "consultation": None,
        },
    )


@in_city_time_zone
@login_required
def consultation_edit(request, slug, pk):
    consultation = consultation_for(request, slug, pk, "engagement.edit_consultation")
    organisation = consultation.organisation
    form = _form(
        organisation, request.POST or None, initial=ConsultationForm.initial_from(consultation)
    )
    if request.method == "POST" and form.is_valid():
        changed = run_service(
            form,
            lambda: services.consultation_update(
                actor=request.user, consultation=consultation, data=form.consultation_data()
            ),
        )
        if changed is not None:
            messages.success(request, _("Saved.") if changed else _("Nothing was changed."))
            return redirect("engagement:consultation", slug=slug, pk=pk)
    return render(
        request,
        "engagement/consultations/form.html",
        {
            "organisation": organisation,
            "form": form,
            "consultation": consultation,
        },
    )


@in_city_time_zone
def consultation_detail(request, slug, pk):
    consultation = consultation_for(request, slug, pk, questions=True)
    facts = consultation_facts(request, consultation)
    user = request.user
    context = {
        **facts,
        "description_html": render_markdown(consultation.description, heading_offset=2),
        "questions": list(consultation.questions.all()),
        "plan_visible": bool(
            consultation.plan and user.has_perm("plans.view_plan", consultation.plan)
        ),
        "ideas_url": ideas_url(slug),
        "mode_help": mode_explanation(consultation.mode),
        "response_count": None,
    }
    if user.has_perm("engagement.view_live_results", consultation):
        context["response_count"] = consultation_pages.response_count(consultation)
    if facts["can_edit"]:
        context["frozen"] = bool(context.get("response_count"))
        context["question_form"] = QuestionForm(auto_id="new_%s")
        context["moderation_counts"] = consultation_pages.moderation_counts(consultation)
    return render(request, "engagement/consultations/detail.html", context)


def _state_change(request, slug, pk, call, done: str):
    consultation = consultation_for(request, slug, pk, "engagement.edit_consultation")
    try:
        call(actor=request.user, consultation=consultation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("engagement:consultation", slug=slug, pk=pk)


@login_required
@require_POST
def consultation_publish(request, slug, pk):
    return _state_change(
        request,
        slug,
        pk,
        services.consultation_publish,
        _("The consultation is published: people can answer it from its opening date."),
    )


@login_required
@require_POST
def consultation_unpublish(request, slug, pk):
    return _state_change(
        request,
        slug,
        pk,
        services.consultation_unpublish,
        _("The consultation is a draft again: only the city sees it."),
    )


@login_required
@require_POST
def consultation_close(request, slug, pk):
    return _state_change(
        request,
        slug,
        pk,
        services.consultation_close_now,
        _("The consultation is closed: no more responses are accepted."),
    )
