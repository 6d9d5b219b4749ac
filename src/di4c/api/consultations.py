"""API of consultations: a city's surveys of citizens and businesses.

Reads follow engagement.view_consultation (a draft is a 404 to those who may not see it) and
the results engagement.view_results (live to the city and its networks; to the public once
closed, if the city publishes them). The city's editors prepare, publish and close a
consultation through engagement.services, which check the role (403). Answers are stored by
the same service as the web form, with its checks: one response per person by the
consultation's mode, every answer among what is offered, nothing after the closing date."""

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from di4c.api.auth import token_or_session
from di4c.api.engagement_schemas import (
    ConsultationDetailOut,
    ConsultationIn,
    ConsultationPageOut,
    ConsultationPatch,
    InvitationsIn,
    InvitationsOut,
    ModerationIn,
    ModerationOut,
    PageIn,
    QuestionIn,
    QuestionOut,
    QuestionPatch,
    ResponseIn,
    ResponseOut,
    ResultsOut,
    by_id,
    found,
    page_of,
    readable_city,
    readable_consultation,
    related,
)
from di4c.api.maturity import ErrorOut, optional_auth
from di4c.api.meeting_schemas import aware, fields_renamed, zone_named
from di4c.api.plan_schemas import READ, WRITE, check_id
from di4c.core.ratelimit import client_address
from di4c.engagement import mail, selectors, services
from di4c.engagement.models import Consultation, ConsultationMode
from di4c.engagement.models.consultations import CHOICE_KINDS
from di4c.engagement.selectors import consultation_pages, lookups
from di4c.meetings.timezones import time_zone_of_country

router = Router(tags=["consultations"])

ANSWER = {
    201: ResponseOut,
    401: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


def _detail(pk: int) -> Consultation:
    """The consultation as it now is (after a write: read again, whole)."""
    return lookups.consultation_with_questions(pk)


def _data(organisation, data: dict) -> dict:
    """The input made into what the services take: relations by id, times with their zone."""
    # Only this city's plans, objectives and services: ids of other cities tell nothing.
    relations = {
        "plan": consultation_pages.plans_for_consultation(organisation),
        "objective": consultation_pages.objectives_for_consultation(organisation),
        "service": consultation_pages.services_for_consultation(organisation),
    }
    for name, queryset in relations.items():
        if f"{name}_id" in data:
            data[name] = related(queryset, data.pop(f"{name}_id"), f"{name}_id")
    zone = zone_named(time_zone_of_country(organisation.country.code))
    for name in ("opens_at", "closes_at"):
        if data.get(name) is not None:
            data[name] = aware(data[name], zone, name)
    return data


def _renamed():
    return fields_renamed(plan="plan_id", objective="objective_id", service="service_id")


def _editable(request, pk: int) -> Consultation:
    consultation = readable_consultation(request, pk)
    if not request.user.has_perm("engagement.edit_consultation", consultation):
        raise PermissionDenied(_("You do not have permission to do this."))
    return consultation


# --- lists and reading --------------------------------------------------------------------------


@router.get(
    "/organisations/{slug}/consultations",
    response={200: ConsultationPageOut, **READ},
    auth=optional_auth,
)
def list_consultations(request, slug: str, page: Query[PageIn]):
    """The city's consultations, the latest opening first: the published ones, and the drafts
    too for those who may prepare them (its editors and coordinators)."""
    organisation = readable_city(slug)
    drafts = request.user.has_perm("engagement.change_consultations", organisation)
    rows, count = page_of(selectors.consultations_of(organisation, include_drafts=drafts), page)
    for row in rows:
        row.organisation = organisation  # its networks are read once, not per row
    return {"items": rows, "count": count}


@router.get(
    "/consultations/open", response={200: ConsultationPageOut, 422: ErrorOut}, auth=optional_auth
)
def list_open_consultations(request, page: Query[PageIn]):
    """Every consultation of the instance open for answers now, the soonest to close first."""
    rows, count = page_of(lookups.open_consultations_counted(selectors.open_consultations()), page)
    return {"items": rows, "count": count}


@router.get(
    "/consultations/{pk}", response={200: ConsultationDetailOut, **READ}, auth=optional_auth
)
def get_consultation(request, pk: int):
    """The consultation with its questions and their options (the option ids are what an
    answer gives)."""
    return readable_consultation(request, pk, with_questions=True)


# --- preparing ----------------------------------------------------------------------------------


@router.post(
    "/organisations/{slug}/consultations",
    response={201: ConsultationDetailOut, **WRITE},
    auth=token_or_session,
)
def create_consultation(request, slug: str, payload: ConsultationIn):
    """Prepare a consultation (a draft, seen by the city only until it is published)."""
    organisation = readable_city(slug)
    if not request.user.has_perm("engagement.change_consultations", organisation):
        raise PermissionDenied(_("You do not have permission to do this."))
    data = _data(organisation, payload.dict())
    with _renamed():
        consultation = services.consultation_create(
            actor=request.auth, organisation=organisation, data=data
        )
    return Status(201, _detail(consultation.pk))


@router.patch(
    "/consultations/{pk}", response={200: ConsultationDetailOut, **WRITE}, auth=token_or_session
)
def patch_consultation(request, pk: int, payload: ConsultationPatch):
    """Change the fields given. Who may answer (mode) is fixed once people have answered."""
    consultation = _editable(request, pk)
    data = _data(consultation.organisation, payload.dict(exclude_unset=True))
    with _renamed():
        services.consultation_update(actor=request.auth, consultation=consultation, data=data)
    return _detail(pk)


@router.post(
    "/consultations/{pk}/questions", response={201: QuestionOut, **WRITE}, auth=token_or_session
)
def add_question(request, pk: int, payload: QuestionIn):
    """Add a question at the end. Refused (422) once people have answered."""
    consultation = readable_consultation(request, pk)
    data = payload.dict()
    options = data.pop("options")
    question = services.question_add(
        actor=request.auth, consultation=consultation, data=data, options=options
    )
    return Status(201, lookups.question_of(consultation, question.pk))


def _question(request, pk: int, question_id: int):
    consultation = readable_consultation(request, pk)
    check_id(question_id)
    return found(lookups.question_of(consultation, question_id))


@router.patch(
    "/consultations/{pk}/questions/{question_id}",
    response={200: QuestionOut, **WRITE},
    auth=token_or_session,
)
def patch_question(request, pk: int, question_id: int, payload: QuestionPatch):
    """Change the fields given; `options`, when given, replaces every option."""
    question = _question(request, pk, question_id)
    data = payload.dict(exclude_unset=True)
    options = data.pop("options", None)
    if options is None:
        kind = data.get("kind") or question.kind
        keep = kind in CHOICE_KINDS
        options = [option.label for option in question.options.all()] if keep else []
    services.question_update(actor=request.auth, question=question, data=data, options=options)
    return lookups.question_of(question.consultation, question.pk)


@router.delete(
    "/consultations/{pk}/questions/{question_id}",
    response={204: None, **WRITE},
    auth=token_or_session,
)
def delete_question(request, pk: int, question_id: int):
    question = _question(request, pk, question_id)
    services.question_delete(actor=request.auth, question=question)
    return Status(204, None)


@router.post(
    "/consultations/{pk}/publish",
    response={200: ConsultationDetailOut, **WRITE},
    auth=token_or_session,
)
def publish_consultation(request, pk: int):
    """Show the consultation: it opens for answers on its opening date. Needs a question, two
    options per choice question and a closing date to come."""
    consultation = readable_consultation(request, pk)
    services.consultation_publish(actor=request.auth, consultation=consultation)
    return _detail(pk)


@router.post(
    "/consultations/{pk}/close",
    response={200: ConsultationDetailOut, **WRITE},
    auth=token_or_session,
)
def close_consultation(request, pk: int):
    """Close the consultation now: no more answers."""
    consultation = readable_consultation(request, pk)
    services.consultation_close_now(actor=request.auth, consultation=consultation)
    return _detail(pk)


def _answer_link(consultation: Consultation, token: str) -> str | None:
    try:
        path = reverse(
            "engagement:consultation_answer_invited",
            args=[consultation.organisation.slug, consultation.pk, token],
        )
    except NoReverseMatch:  # the pages are not wired (yet)
        return None
    return settings.SITE_URL.rstrip("/") + path


@router.post(
    "/consultations/{pk}/invitations",
    response={201: InvitationsOut, **WRITE},
    auth=token_or_session,
)
def create_invitations(request, pk: int, payload: InvitationsIn, response: HttpResponse):
    """Single-use links for a consultation by invitation: one mailed to each address given, and
    `count` more returned here to hand out. A link's secret is not stored: it is shown in this
    answer only (the mailed ones only to the person invited)."""
    consultation = readable_consultation(request, pk)
    with fields_renamed(email="emails"):
        created = services.invitations_create(
            actor=request.auth,
            consultation=consultation,
            emails=payload.emails,
            count=payload.count,
        )
    emailed = [
        (invitation.email, _answer_link(consultation, raw))
        for invitation, raw in created
        if invitation.email
    ]
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    if emailed and all(link for _email, link in emailed):
        transaction.on_commit(
            lambda: mail.send_consultation_invitations(
                consultation=consultation, links=emailed, language=language
            )
        )
    links = [
        {
            "id": invitation.pk,
            "email": invitation.email,
            "mailed": bool(invitation.email),
            "token": None if invitation.email else raw,
            "url": None if invitation.email else _answer_link(consultation, raw),
        }
        for invitation, raw in created
    ]
    response["Cache-Control"] = "no-store"  # the secrets are shown this once
    return Status(201, {"links": links})


# --- answering ----------------------------------------------------------------------------------


def _respondent_key(key: str) -> str:
    """The key a client keeps, stored hashed (apart from the web form's cookie keys)."""
    return "api-" + hashlib.sha256(key.encode()).hexdigest()[:60]


@router.post("/consultations/{pk}/responses", response=ANSWER, auth=optional_auth)
def submit_response(request, pk: int, payload: ResponseIn):
    """Answer the consultation, once per person, by its mode:

    - `account`: with a personal token (Authorization: Bearer); one response per account.
    - `invitation`: with `invitation_token`, the secret of a single-use link.
    - `anonymous`: the API has no cookie, so the client sends a `respondent_key` it generated
      (16 to 64 random characters, kept to prove it answered); one response per key, and
      responses are limited per address (429 beyond the limit).

    A second response is a 409; a closed consultation, a missing required answer or a choice
    that is not offered is a 422 naming the question (`q<question id>`)."""
    consultation = readable_consultation(request, pk)
    user = request.auth if request.auth is not True else None
    browser_key = ""
    if consultation.mode == ConsultationMode.ACCOUNT and user is None:
        return Status(401, {"detail": _("Sign in to answer this consultation.")})
    if consultation.mode == ConsultationMode.ANONYMOUS and consultation.is_open():
        if not payload.respondent_key:
            raise ValidationError(
                {"respondent_key": _("Give the random key that identifies your response.")}
            )
        browser_key = _respondent_key(payload.respondent_key)
    try:
        response = services.response_submit(
            consultation=consultation,
            answers=payload.answers,
            user=user if consultation.mode == ConsultationMode.ACCOUNT else None,
            invitation_token=payload.invitation_token,
            browser_key=browser_key,
            address=client_address(request),
        )
    except ValidationError as error:
        code = getattr(error, "code", None)
        if code == "already_answered":
            return Status(409, {"detail": error.messages[0]})
        if code == "invitation":
            raise ValidationError({"invitation_token": error.messages}) from error
        raise
    return Status(
        201,
        {
            "consultation": consultation.pk,
            "mode": response.mode,
            "submitted_at": response.submitted_at,
        },
    )


# --- results and moderation ---------------------------------------------------------------------


def _results_out(results, *, city_view: bool) -> dict:
    consultation = results.consultation
    questions = []
    for item in results.questions:
        question = item.question
        questions.append(
            {
                "id": question.pk,
                "kind": question.kind,
                "text": question.text,
                "answered": item.answered,
                "options": [
                    {
                        "id": option.option.pk,
                        "label": option.option.label,
                        "count": option.count,
                        "percent": option.percent,
                        "average_rank": option.average_rank,
                        "points": option.points if question.kind == "ranking" else None,
                    }
                    for option in item.options
                ],
                "scale": [
                    {"value": value, "count": count, "percent": percent}
                    for value, count, percent in item.scale
                ],
                "scale_average": item.scale_average,
                "texts": [
                    {
                        "id": answer.pk,
                        "text": answer.text,
                        "moderation": answer.moderation if city_view else None,
                    }
                    for answer in item.texts
                ],
                "text_counts": item.text_counts if city_view and question.is_text else None,
            }
        )
    return {
        "consultation": consultation.pk,
        "mode": consultation.mode,
        "mode_label": str(ConsultationMode(consultation.mode).label),
        "state": consultation.state(),
        "city_view": city_view,
        "responses": results.responses,
        "invitations": results.invitations,
        "invitations_used": results.invitations_used,
        "questions": questions,
    }


@router.get("/consultations/{pk}/results", response={200: ResultsOut, **READ}, auth=optional_auth)
def consultation_results(request, pk: int):
    """Counts, percentages, ranking points and scale averages per question. Live to the city
    and its networks, with every free-text answer and its moderation state; to the public once
    closed if the city publishes them, with the free-text answers it has published."""
    consultation = readable_consultation(request, pk)
    if not request.user.has_perm("engagement.view_results", consultation):
        raise PermissionDenied(_("The results of this consultation are not public."))
    # Unmoderated free text is for the city's editors only, as on the results page.
    city_view = request.user.has_perm("engagement.edit_consultation", consultation)
    results = selectors.consultation_results(consultation, city_view=city_view)
    return _results_out(results, city_view=city_view)


@router.post(
    "/consultations/{pk}/answers/{answer_id}/moderation",
    response={200: ModerationOut, **WRITE},
    auth=token_or_session,
)
def moderate_answer(request, pk: int, answer_id: int, payload: ModerationIn):
    """Publish a free-text answer in the public results, or hide it."""
    consultation = readable_consultation(request, pk)
    answer = by_id(lambda answer_pk: lookups.answer_of(consultation, answer_pk), answer_id)
    answer = services.answer_moderate(actor=request.auth, answer=answer, publish=payload.publish)
    return {"id": answer.pk, "question": answer.question_id, "moderation": answer.moderation}
