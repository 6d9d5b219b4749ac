"""Answering a consultation: one response per person, by the consultation's mode.

The checks a person can fail (closed, already answered, an option that is not offered, a
missing required answer) come back as a ValidationError naming the question, so the form is
shown again with everything typed. The database's unique constraints settle races: of two
requests from the same person at the same moment, one is stored and the other is refused.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from di4c.accounts.models import hash_token
from di4c.core.ratelimit import check_and_record
from di4c.engagement.models import (
    Answer,
    Consultation,
    ConsultationInvitation,
    ConsultationMode,
    Moderation,
    QuestionKind,
    Response,
)


def question_field(question) -> str:
    """The name of a question's field in forms and error dictionaries."""
    return f"q{question.pk}"


def already_answered(consultation: Consultation, *, user=None, browser_key: str = "") -> bool:
    if consultation.mode == ConsultationMode.ACCOUNT and user is not None:
        if not user.is_authenticated:
            return False
        return Response.objects.filter(consultation=consultation, user=user).exists()
    if consultation.mode == ConsultationMode.ANONYMOUS and browser_key:
        return Response.objects.filter(consultation=consultation, browser_key=browser_key).exists()
    return False


def invitation_for(consultation: Consultation, token: str) -> ConsultationInvitation | None:
    if not token:
        return None
    return ConsultationInvitation.objects.filter(
        consultation=consultation, token_hash=hash_token(token)
    ).first()


def _refuse_unless_open(consultation: Consultation) -> None:
    now = timezone.now()
    if not consultation.is_published or now < consultation.opens_at:
        raise ValidationError(_("This consultation is not open yet."), code="not_open")
    if now >= consultation.closes_at:
        raise ValidationError(
            _("This consultation closed on %(date)s: responses are no longer accepted.")
            % {"date": timezone.localtime(consultation.closes_at).strftime("%d.%m.%Y %H:%M")},
            code="closed",
        )


def _as_ids(value) -> list[int]:
    items = value if isinstance(value, list | tuple) else [value]
    ids = []
    for item in items:
        if item in (None, ""):
            continue
        try:
            ids.append(int(item))
        except (TypeError, ValueError) as error:
            raise ValueError(item) from error
    return ids


def _answers_for(question, value, response) -> list[Answer]:
    """The Answer rows for one question's value, or a ValidationError message."""
    offered = {option.pk for option in question.options.all()}
    kind = question.kind
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        text = (value or "").strip() if isinstance(value, str) else ""
        if value not in (None, "") and not isinstance(value, str):
            raise ValidationError(_("Give a text."))
        if "\x00" in text:
            raise ValidationError(_("The text contains a NUL character; remove it."))
        if len(text) > question.text_limit:
            raise ValidationError(
                _("At most %(limit)s characters (you typed %(count)s).")
                % {"limit": question.text_limit, "count": len(text)}
            )
        if kind == QuestionKind.SHORT_TEXT and ("\n" in text or "\r" in text):
            raise ValidationError(_("A short answer is one line."))
        if not text:
            return []
        return [
            Answer(response=response, question=question, text=text, moderation=Moderation.PENDING)
        ]
    if kind == QuestionKind.SCALE:
        if value in (None, ""):
            return []
        try:
            scale = int(value)
        except (TypeError, ValueError):
            scale = 0
        if not 1 <= scale <= 5 or isinstance(value, bool):
            raise ValidationError(_("Choose a value from 1 to 5."))
        return [Answer(response=response, question=question, scale=scale)]
    try:
        chosen = _as_ids(value)
    except ValueError:
        raise ValidationError(_("That choice is not among the options.")) from None
    if any(option_id not in offered for option_id in chosen):
        raise ValidationError(_("That choice is not among the options."))
    if len(set(chosen)) != len(chosen):
        raise ValidationError(_("Each option can be chosen only once."))
    if kind == QuestionKind.SINGLE and len(chosen) > 1:
        raise ValidationError(_("Choose only one option."))
    if kind == QuestionKind.RANKING:
        if chosen and len(chosen) != len(offered):
            raise ValidationError(_("Rank every option, each with a different place."))
        return [
            Answer(response=response, question=question, option_id=option_id, rank=rank)
            for rank, option_id in enumerate(chosen, start=1)
        ]
    return [
        Answer(response=response, question=question, option_id=option_id) for option_id in chosen
    ]


def _build_answers(consultation: Consultation, answers: dict, response: Response) -> list[Answer]:
    questions = list(consultation.questions.prefetch_related("options"))
    by_field = {question_field(question): question for question in questions}
    unknown = [key for key in answers if f"q{key}" not in by_field and key not in by_field]
    errors: dict[str, list[str]] = {}
    if unknown:
        errors["__all__"] = [
            _("An answer was given to a question that is not in this consultation.")
        ]
    rows: list[Answer] = []
    for question in questions:
        field = question_field(question)
        value = answers.get(question.pk, answers.get(field, answers.get(str(question.pk))))
        try:
            built = _answers_for(question, value, response)
        except ValidationError as error:
            errors[field] = error.messages
            continue
        if not built and question.required:
            errors[field] = [_("This question needs an answer.")]
        rows.extend(built)
    if errors:
        raise ValidationError(errors)
    return rows


def response_submit(
    *,
    consultation: Consultation,
    answers: dict,
    user=None,
    invitation_token: str = "",
    browser_key: str = "",
    address: str = "",
) -> Response:
    """Store one person's response, after checking the consultation is open, that this person
    has not answered yet (by the consultation's mode), and every answer."""
    with transaction.atomic():
        # Locked: the questionnaire cannot change under a response being stored (the city's
        # question edits lock the consultation too and refuse once a response exists).
        consultation = (
            Consultation.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=consultation.pk)
        )
        _refuse_unless_open(consultation)
        response = Response(consultation=consultation, mode=consultation.mode)
        invitation = None
        if consultation.mode == ConsultationMode.ACCOUNT:
            if user is None or not user.is_authenticated:
                raise ValidationError(_("Sign in to answer this consultation."), code="sign_in")
            response.user = user
        elif consultation.mode == ConsultationMode.INVITATION:
            invitation = (
                ConsultationInvitation.objects.select_for_update()
                .filter(consultation=consultation, token_hash=hash_token(invitation_token or ""))
                .first()
            )
            if invitation is None:
                raise ValidationError(
                    _("This consultation is by invitation: use the link you received."),
                    code="invitation",
                )
            if invitation.used_at is not None:
                raise ValidationError(
                    _("This invitation link has already been used: each link answers once."),
                    code="already_answered",
                )
            response.invitation = invitation
        else:
            if not browser_key:
                raise ValidationError(
                    _("Your browser must accept cookies to answer this consultation."),
                    code="cookie",
                )
            response.browser_key = browser_key
        if already_answered(consultation, user=user, browser_key=browser_key):
            raise ValidationError(
                _("You have already answered this consultation: one response per person."),
                code="already_answered",
            )
        rows = _build_answers(consultation, answers, response)
        if consultation.mode == ConsultationMode.ANONYMOUS:
            check_and_record("response", address=address)
        try:
            with transaction.atomic():
                response.save()
                Answer.objects.bulk_create(rows)
        except IntegrityError:
            raise ValidationError(
                _("You have already answered this consultation: one response per person."),
                code="already_answered",
            ) from None
        if invitation is not None:
            invitation.used_at = response.submitted_at
            invitation.save(update_fields=["used_at"])
    return response
