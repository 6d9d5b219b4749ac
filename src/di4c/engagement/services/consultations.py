"""Writes on consultations: preparing the questionnaire, publishing, invitations, moderation.

The questionnaire is frozen once the first response is in: changing a question under people
who already answered would make the results meaningless.
"""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from di4c.accounts.models import hash_token
from di4c.core.services import assign_fields, require_perm, validated_save
from di4c.engagement.models import (
    Answer,
    Consultation,
    ConsultationInvitation,
    ConsultationMode,
    Moderation,
    Option,
    Question,
)
from di4c.engagement.models.consultations import CHOICE_KINDS, OPTION_MAX

CONSULTATION_FIELDS = (
    "title",
    "description",
    "mode",
    "opens_at",
    "closes_at",
    "results_public",
    "plan",
    "objective",
    "service",
)
QUESTION_FIELDS = ("kind", "text", "help_text", "required")
MAX_OPTIONS = 30
MAX_QUESTIONS = 100
MAX_INVITATIONS_AT_ONCE = 2000


def _locked(consultation: Consultation) -> Consultation:
    return (
        Consultation.objects.select_for_update()
        .select_related("organisation")
        .get(pk=consultation.pk)
    )


def _refuse_if_answered(consultation: Consultation) -> None:
    if consultation.responses.exists():
        raise ValidationError(
            _("People have already answered: the questions can no longer be changed.")
        )


@transaction.atomic
def consultation_create(*, actor, organisation, data: dict) -> Consultation:
    require_perm(actor, "engagement.change_consultations", organisation)
    consultation = Consultation(organisation=organisation, created_by=actor)
    assign_fields(consultation, data, CONSULTATION_FIELDS)
    validated_save(consultation)
    return consultation


@transaction.atomic
def consultation_update(*, actor, consultation: Consultation, data: dict) -> list[str]:
    consultation = _locked(consultation)
    require_perm(actor, "engagement.edit_consultation", consultation)
    changed = assign_fields(consultation, data, CONSULTATION_FIELDS)
    if "mode" in changed:
        _refuse_if_answered(consultation)
    if changed:
        validated_save(consultation)
    return changed


@transaction.atomic
def consultation_publish(*, actor, consultation: Consultation) -> Consultation:
    """Show the consultation (it opens for answers on its opening date)."""
    consultation = _locked(consultation)
    require_perm(actor, "engagement.edit_consultation", consultation)
    questions = list(consultation.questions.prefetch_related("options"))
    if not questions:
        raise ValidationError(_("Add at least one question before publishing."))
    for question in questions:
        if question.has_options and len(question.options.all()) < 2:
            raise ValidationError(
                _("The question “%(question)s” needs at least two options.")
                % {"question": question.text}
            )
    if consultation.closes_at <= timezone.now():
        raise ValidationError(
            {"closes_at": _("The closing date has passed: choose a later one to publish.")}
        )
    consultation.is_published = True
    consultation.save(update_fields=["is_published", "updated_at"])
    return consultation


@transaction.atomic
def consultation_unpublish(*, actor, consultation: Consultation) -> Consultation:
    """Back to draft; refused once people have answered (their answers must stay findable)."""
    consultation = _locked(consultation)
    require_perm(actor, "engagement.edit_consultation", consultation)
    _refuse_if_answered(consultation)
    consultation.is_published = False
    consultation.save(update_fields=["is_published", "updated_at"])
    return consultation


@transaction.atomic
def consultation_close_now(*, actor, consultation: Consultation) -> Consultation:
    consultation = _locked(consultation)
    require_perm(actor, "engagement.edit_consultation", consultation)
    now = timezone.now()
    if consultation.closes_at <= now:
        raise ValidationError(_("The consultation is already closed."))
    # A consultation not open yet is closed before it ever opens (the model wants the
    # opening strictly before the closing).
    consultation.opens_at = min(consultation.opens_at, now - timedelta(seconds=1))
    consultation.closes_at = now
    consultation.save(update_fields=["opens_at", "closes_at", "updated_at"])
    return consultation


def _clean_options(kind: str, options: list[str] | None) -> list[str]:
    labels = [label.strip() for label in (options or []) if label and label.strip()]
    if kind not in CHOICE_KINDS:
        if labels:
            raise ValidationError({"options": _("Only choice and ranking questions have options.")})
        return []
    errors = []
    if len(labels) < 2:
        errors.append(_("Give at least two options, one per line."))
    if len(labels) > MAX_OPTIONS:
        errors.append(_("Give at most %(count)s options.") % {"count": MAX_OPTIONS})
    if len({label.casefold() for label in labels}) != len(labels):
        errors.append(_("Each option must be different."))
    too_long = [label for label in labels if len(label) > OPTION_MAX]
    if too_long:
        errors.append(
            _("An option has at most %(count)s characters: “%(option)s…”.")
            % {"count": OPTION_MAX, "option": too_long[0][:40]}
        )
    if any("\n" in label or "\r" in label for label in labels):
        errors.append(_("An option is one line."))
    if errors:
        raise ValidationError({"options": errors})
    return labels


@transaction.atomic
def question_add(
    *, actor, consultation: Consultation, data: dict, options: list[str] | None = None
) -> Question:
    consultation = _locked(consultation)
    require_perm(actor, "engagement.edit_consultation", consultation)
    _refuse_if_answered(consultation)
    if consultation.questions.count() >= MAX_QUESTIONS:
        raise ValidationError(
            _("A consultation has at most %(count)s questions.") % {"count": MAX_QUESTIONS}
        )
    last = consultation.questions.aggregate(last=Max("position"))["last"]
    question = Question(consultation=consultation, position=(last or 0) + 1)
    assign_fields(question, data, QUESTION_FIELDS)
    labels = _clean_options(question.kind, options)
    validated_save(question)
    Option.objects.bulk_create(
        Option(question=question, position=index, label=label)
        for index, label in enumerate(labels, start=1)
    )
    return question


@transaction.atomic
def question_update(
    *, actor, question: Question, data: dict, options: list[str] | None = None
) -> Question:
    consultation = _locked(question.consultation)
    require_perm(actor, "engagement.edit_consultation", consultation)
    _refuse_if_answered(consultation)
    question = Question.objects.select_for_update().get(pk=question.pk)
    assign_fields(question, data, QUESTION_FIELDS)
    labels = _clean_options(question.kind, options)
    validated_save(question)
    # Options are replaced as a whole: nobody has answered, so nothing points at them.
    question.options.all().delete()
    Option.objects.bulk_create(
        Option(question=question, position=index, label=label)
        for index, label in enumerate(labels, start=1)
    )
    return question


@transaction.atomic
def question_delete(*, actor, question: Question) -> None:
    consultation = _locked(question.consultation)
    require_perm(actor, "engagement.edit_consultation", consultation)
    _refuse_if_answered(consultation)
    question.delete()


@transaction.atomic
def question_move(*, actor, question: Question, offset: int) -> None:
    """Move a question up (-1) or down (+1) in the questionnaire."""
    consultation = _locked(question.consultation)
    require_perm(actor, "engagement.edit_consultation", consultation)
    _refuse_if_answered(consultation)
    ordered = list(consultation.questions.order_by("position", "pk"))
    index = next(i for i, item in enumerate(ordered) if item.pk == question.pk)
    target = index + (1 if offset > 0 else -1)
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    Question.objects.bulk_update(ordered, ["position"])


@transaction.atomic
def invitations_create(
    *, actor, consultation: Consultation, emails: list[str] = (), count: int = 0
) -> list[tuple[ConsultationInvitation, str]]:
    """Create single-use links: one per e-mail address (mailed by the caller after commit)
    and `count` more to hand out. Returns each invitation with its link token, which is not
    stored and cannot be shown again."""
    consultation = _locked(consultation)
    require_perm(actor, "engagement.edit_consultation", consultation)
    if consultation.mode != ConsultationMode.INVITATION:
        raise ValidationError(_("Only a consultation by invitation has invitation links."))
    if consultation.has_closed():
        raise ValidationError(_("The consultation has closed."))
    addresses = list(dict.fromkeys(email.strip().lower() for email in emails if email.strip()))
    if count < 0 or len(addresses) + count > MAX_INVITATIONS_AT_ONCE:
        raise ValidationError(
            _("Create at most %(count)s links at once.") % {"count": MAX_INVITATIONS_AT_ONCE}
        )
    if not addresses and not count:
        raise ValidationError(_("Give e-mail addresses or a number of links to create."))
    created = []
    for email in addresses + [""] * count:
        raw = secrets.token_urlsafe(24)
        invitation = ConsultationInvitation(
            consultation=consultation, email=email, token_hash=hash_token(raw)
        )
        invitation.full_clean(exclude=["consultation", "token_hash"])
        created.append((invitation, raw))
    ConsultationInvitation.objects.bulk_create([invitation for invitation, _raw in created])
    return created


@transaction.atomic
def answer_moderate(*, actor, answer: Answer, publish: bool) -> Answer:
    """Publish or hide one free-text answer: only published ones appear in public results."""
    answer = (
        Answer.objects.select_for_update()
        .select_related("question__consultation__organisation")
        .get(pk=answer.pk)
    )
    require_perm(actor, "engagement.edit_consultation", answer.question.consultation)
    if not answer.question.is_text:
        raise ValidationError(_("Only free-text answers are moderated."))
    answer.moderation = Moderation.PUBLISHED if publish else Moderation.HIDDEN
    answer.moderated_at = timezone.now()
    answer.moderated_by = actor
    answer.save(update_fields=["moderation", "moderated_at", "moderated_by"])
    return answer
