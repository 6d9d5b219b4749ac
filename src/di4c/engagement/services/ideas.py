"""Writes on ideas: posting, comments, support, reports, moderation and the city's answers.

Posting is open to every confirmed account (the same account for every city), limited per
account and per address. The city's answers and hidings reach the author by e-mail after the
commit, and each answer is kept as a step of the idea's public journey.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from di4c.core.ratelimit import check_and_record
from di4c.core.services import assign_fields, require_perm, validated_save
from di4c.engagement import mail
from di4c.engagement.models import (
    Comment,
    Flag,
    Idea,
    IdeaStatus,
    IdeaStatusChange,
    Support,
)

IDEA_FIELDS = ("title", "body", "plan", "service")


def _locked_idea(idea: Idea) -> Idea:
    return Idea.objects.select_for_update().select_related("organisation").get(pk=idea.pk)


@transaction.atomic
def idea_post(*, actor, organisation, data: dict, address: str = "") -> Idea:
    require_perm(actor, "engagement.post_idea")
    idea = Idea(organisation=organisation, author=actor)
    assign_fields(idea, data, IDEA_FIELDS)
    idea.full_clean()
    check_and_record("idea", user=actor, address=address)
    idea.save()
    return idea


@transaction.atomic
def idea_edit(*, actor, idea: Idea, data: dict) -> list[str]:
    """The author may correct an idea until the city has answered it."""
    idea = _locked_idea(idea)
    if idea.author_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("You do not have permission to do this."))
    if idea.status != IdeaStatus.NEW:
        raise ValidationError(_("The city has answered this idea: it can no longer be changed."))
    changed = assign_fields(idea, data, IDEA_FIELDS)
    if changed:
        validated_save(idea)
    return changed


@transaction.atomic
def comment_post(*, actor, idea: Idea, body: str, address: str = "") -> Comment:
    idea = Idea.objects.select_related("organisation").get(pk=idea.pk)
    require_perm(actor, "engagement.comment_idea", idea)
    comment = Comment(idea=idea, author=actor)
    assign_fields(comment, {"body": (body or "").strip()}, ["body"])
    comment.full_clean()
    check_and_record("comment", user=actor, address=address)
    comment.save()
    return comment


def idea_support(*, actor, idea: Idea) -> bool:
    """Support an idea; True if this added a support, False if the person had already."""
    require_perm(actor, "engagement.support_idea", idea)
    try:
        with transaction.atomic():
            Support.objects.create(idea=idea, user=actor)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def idea_unsupport(*, actor, idea: Idea) -> bool:
    require_perm(actor, "engagement.support_idea", idea)
    deleted, _rows = Support.objects.filter(idea=idea, user=actor).delete()
    return bool(deleted)


@transaction.atomic
def flag_create(
    *, actor, idea: Idea, comment: Comment | None = None, reason: str, note: str = ""
) -> Flag:
    require_perm(actor, "engagement.flag_content", idea)
    if comment is not None and comment.idea_id != idea.pk:
        raise ValidationError(_("This comment does not belong to this idea."))
    flag = Flag(idea=idea, comment=comment, reporter=actor)
    assign_fields(flag, {"reason": reason, "note": (note or "").strip()}, ["reason", "note"])
    flag.full_clean(validate_constraints=False)
    check_and_record("flag", user=actor)
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError:
        raise ValidationError(_("You have already reported this.")) from None
    return flag


def _resolve_flags(*, actor, idea: Idea, comment: Comment | None, upheld: bool) -> int:
    flags = Flag.objects.filter(idea=idea, resolved_at__isnull=True)
    flags = flags.filter(comment=comment) if comment else flags.filter(comment__isnull=True)
    return flags.update(resolved_at=timezone.now(), resolved_by=actor, upheld=upheld)


@transaction.atomic
def content_hide(*, actor, idea: Idea, comment: Comment | None = None, reason: str) -> None:
    """Hide an idea or one of its comments; the author sees it still, with the reason."""
    idea = _locked_idea(idea)
    require_perm(actor, "engagement.moderate_idea", idea)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason the author will read.")})
    target = idea if comment is None else Comment.objects.select_for_update().get(pk=comment.pk)
    if comment is not None and target.idea_id != idea.pk:
        raise ValidationError(_("This comment does not belong to this idea."))
    target.hidden_reason = reason
    target.hidden_at = timezone.now()
    target.hidden_by = actor
    target.full_clean(validate_constraints=False)
    target.save(update_fields=["hidden_reason", "hidden_at", "hidden_by"])
    _resolve_flags(actor=actor, idea=idea, comment=comment, upheld=True)
    hidden_comment = target if comment is not None else None  # with its reason, as saved
    transaction.on_commit(lambda: mail.send_content_hidden(idea=idea, comment=hidden_comment))


@transaction.atomic
def content_show(*, actor, idea: Idea, comment: Comment | None = None) -> None:
    idea = _locked_idea(idea)
    require_perm(actor, "engagement.moderate_idea", idea)
    target = idea if comment is None else Comment.objects.select_for_update().get(pk=comment.pk)
    if comment is not None and target.idea_id != idea.pk:
        raise ValidationError(_("This comment does not belong to this idea."))
    target.hidden_reason = ""
    target.hidden_at = None
    target.hidden_by = None
    target.save(update_fields=["hidden_reason", "hidden_at", "hidden_by"])


@transaction.atomic
def flag_dismiss(*, actor, flag: Flag) -> None:
    """The report was not founded: the content stays as it is."""
    flag = Flag.objects.select_for_update().select_related("idea__organisation").get(pk=flag.pk)
    require_perm(actor, "engagement.moderate_idea", flag.idea)
    if flag.resolved_at is not None:
        raise ValidationError(_("This report has already been handled."))
    _resolve_flags(actor=actor, idea=flag.idea, comment=flag.comment, upheld=False)


@transaction.atomic
def idea_answer(*, actor, idea: Idea, status: str, answer: str = "", action=None) -> Idea:
    """The city's answer: a status (accepted names the action the idea became; not retained
    says why), kept as a step of the journey and mailed to the author."""
    idea = _locked_idea(idea)
    require_perm(actor, "engagement.answer_idea", idea)
    if status == IdeaStatus.NEW:
        raise ValidationError({"status": _("Choose the city's answer.")})
    if status == IdeaStatus.UNDER_REVIEW or status == IdeaStatus.NOT_RETAINED:
        action = None
    assign_fields(
        idea,
        {"status": status, "answer": (answer or "").strip(), "action": action},
        ["status", "answer", "action"],
    )
    validated_save(idea)
    IdeaStatusChange.objects.create(
        idea=idea, status=idea.status, answer=idea.answer, action=idea.action, changed_by=actor
    )
    transaction.on_commit(lambda: mail.send_idea_answered(idea=idea))
    return idea
