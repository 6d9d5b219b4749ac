"""A consultation's results (live for the city, in public after closing if the city publishes
them), the moderation of free-text answers, the invitation links and the exports."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from di4c.core.forms import run_service
from di4c.engagement import exports, mail, selectors, services
from di4c.engagement.forms.consultations import SCALE_CHOICES, InvitationForm
from di4c.engagement.models import Answer, ConsultationMode, Moderation, QuestionKind
from di4c.engagement.selectors import consultation_pages
from di4c.engagement.views.consultation_common import (
    consultation_facts,
    consultation_for,
    in_city_time_zone,
)

PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _chart(result) -> dict | None:
    """The figures of one question's bar chart (the same as in its table)."""
    question = result.question
    if question.kind == QuestionKind.SCALE:
        return {
            "id": question.pk,
            "labels": [str(label) for _value, label in SCALE_CHOICES],
            "values": [count for _value, count, _percent in result.scale],
            "label": _("Responses"),
        }
    if question.kind == QuestionKind.RANKING:
        return {
            "id": question.pk,
            "labels": [item.option.label for item in result.options],
            "values": [item.points for item in result.options],
            "label": _("Points"),
        }
    if question.has_options:
        return {
            "id": question.pk,
            "labels": [item.option.label for item in result.options],
            "values": [item.count for item in result.options],
            "label": _("Responses"),
        }
    return None


@in_city_time_zone
def results(request, slug, pk):
    consultation = consultation_for(request, slug, pk, "engagement.view_results")
    facts = consultation_facts(request, consultation)
    # Free-text answers not yet moderated are for those who moderate them.
    city_view = facts["can_edit"]
    summary = selectors.consultation_results(consultation, city_view=city_view)
    charts = [chart for chart in map(_chart, summary.questions) if chart]
    return render(
        request,
        "engagement/consultations/results.html",
        {
            **facts,
            "summary": summary,
            "city_view": city_view,
            "live": facts["state"] != "closed",
            "charts": charts,
            "moderation_labels": dict(Moderation.choices),
        },
    )


def _moderation_state(value) -> str:
    return value if value in Moderation.values else Moderation.PENDING


@in_city_time_zone
@login_required
def moderation(request, slug, pk):
    consultation = consultation_for(request, slug, pk, "engagement.edit_consultation")
    state = _moderation_state(request.GET.get("state"))
    page = Paginator(
        selectors.text_answers_to_moderate(consultation, state=state), PER_PAGE
    ).get_page(request.GET.get("page"))
    counts = consultation_pages.moderation_counts(consultation)
    return render(
        request,
        "engagement/consultations/moderation.html",
        {
            **consultation_facts(request, consultation),
            "page": page,
            "current": state,
            "tabs": [
                {"state": value, "label": label, "count": counts[value]}
                for value, label in Moderation.choices
            ],
        },
    )


@login_required
@require_POST
def moderate(request, slug, pk, answer_pk):
    consultation = consultation_for(request, slug, pk, "engagement.edit_consultation")
    try:
        answer = consultation_pages.answer_to_moderate(consultation, answer_pk)
    except Answer.DoesNotExist:
        raise Http404 from None
    publish = request.POST.get("action") == "publish"
    try:
        services.answer_moderate(actor=request.user, answer=answer, publish=publish)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The answer is published.") if publish else _("The answer is hidden.")
        )
    state = _moderation_state(request.POST.get("state"))
    page = request.POST.get("page", "")
    target = reverse("engagement:consultation_moderation", args=[slug, pk]) + f"?state={state}"
    if page.isdigit():
        target += f"&page={page}"
    return redirect(target)


def _answer_link(slug, pk, token) -> str:
    path = reverse("engagement:consultation_answer_invited", args=[slug, pk, token])
    return settings.SITE_URL.rstrip("/") + path


@in_city_time_zone
@login_required
def invitations(request, slug, pk):
    consultation = consultation_for(request, slug, pk, "engagement.edit_consultation")
    facts = consultation_facts(request, consultation)
    if consultation.mode != ConsultationMode.INVITATION:
        return render(
            request,
            "engagement/consultations/answer_notice.html",
            {
                **facts,
                "title": _("Invitation links"),
                "message": _(
                    "Only a consultation by invitation has invitation links: change who may "
                    "answer in the consultation's settings first."
                ),
            },
        )
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = run_service(
            form,
            lambda: services.invitations_create(
                actor=request.user,
                consultation=consultation,
                emails=form.cleaned_data["emails"],
                count=form.cleaned_data["count"] or 0,
            ),
        )
        if created is not None:
            return _created(request, facts, created)
    return render(
        request,
        "engagement/consultations/invitations.html",
        {
            **facts,
            "form": form,
            "counts": consultation_pages.invitation_counts(facts["consultation"]),
        },
    )


def _created(request, facts, created):
    consultation = facts["consultation"]
    slug, pk = consultation.organisation.slug, consultation.pk
    emailed = [
        (invitation.email, _answer_link(slug, pk, raw))
        for invitation, raw in created
        if invitation.email
    ]
    handed_out = [
        _answer_link(slug, pk, raw) for invitation, raw in created if not invitation.email
    ]
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    if emailed:
        transaction.on_commit(
            lambda: mail.send_consultation_invitations(
                consultation=consultation, links=emailed, language=language
            )
        )
    response = render(
        request,
        "engagement/consultations/invitations_created.html",
        {
            **facts,
            "emailed": [email for email, _link in emailed],
            "links": handed_out,
            "counts": consultation_pages.invitation_counts(consultation),
        },
    )
    # The links are shown this once: not to be kept by browsers or proxies.
    response["Cache-Control"] = "no-store"
    return response


def _download(response, consultation, extension: str):
    response["Content-Disposition"] = (
        f'attachment; filename="consultation-{consultation.pk}-responses.{extension}"'
    )
    response["Cache-Control"] = "no-store"
    return response


@in_city_time_zone
@login_required
def export_csv(request, slug, pk):
    consultation = consultation_for(
        request, slug, pk, "engagement.export_responses", questions=True
    )
    questions = list(consultation.questions.all())
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in exports.csv_lines(consultation, questions)),
        content_type="text/csv; charset=utf-8",
    )
    return _download(response, consultation, "csv")


@in_city_time_zone
@login_required
def export_xlsx(request, slug, pk):
    consultation = consultation_for(
        request, slug, pk, "engagement.export_responses", questions=True
    )
    questions = list(consultation.questions.all())
    response = HttpResponse(exports.xlsx_bytes(consultation, questions), content_type=XLSX)
    return _download(response, consultation, "xlsx")
