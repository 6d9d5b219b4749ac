"""What people do on an idea's page (support, comment, report) and what the city does there
(answer, hide, show again), each a POST that calls one service and goes back to the page, or
shows the page again with the form's errors and what was typed. And the moderators' queue of
reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from di4c.core.forms import run_service
from di4c.core.ratelimit import client_address
from di4c.core.services import check_view_perm
from di4c.engagement import selectors, services
from di4c.engagement.forms.ideas import AnswerForm, CommentForm
from di4c.engagement.models import Flag
from di4c.engagement.selectors import participation
from di4c.engagement.views.ideas import (
    hide_form,
    organisation_of,
    render_idea,
    report_form,
    visible_idea,
)


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        raise Http404 from None


def _comment_of(idea, comment_pk):
    """One of the idea's comments the visitor sees, or None for the idea itself."""
    if comment_pk is None:
        return None
    for comment in idea.comments.all():
        if comment.pk == comment_pk:
            return comment
    raise Http404


def _back(request, idea, anchor=""):
    """To a safe `next` (the moderation queue), else to the idea's page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(idea.get_absolute_url() + anchor)


@require_POST
@login_required
def idea_support(request, slug, pk):
    idea, _moderator = visible_idea(request, organisation_of(slug), pk)
    if "withdraw" in request.POST:
        removed = services.idea_unsupport(actor=request.user, idea=idea)
        if removed:
            messages.success(request, _("Your support was withdrawn."))
    elif services.idea_support(actor=request.user, idea=idea):
        messages.success(request, _("Thank you: you support this idea."))
    else:
        messages.info(request, _("You already support this idea."))
    return _back(request, idea, "#support")


@require_POST
@login_required
def idea_comment(request, slug, pk):
    organisation = organisation_of(slug)
    idea, moderator = visible_idea(request, organisation, pk)
    check_view_perm(request, "engagement.comment_idea", idea)
    form = CommentForm(request.POST, auto_id="id_comment_%s")
    if form.is_valid():
        comment = run_service(
            form,
            lambda: services.comment_post(
                actor=request.user,
                idea=idea,
                body=form.cleaned_data["body"],
                address=client_address(request),
            ),
        )
        if comment is not None:
            messages.success(request, _("Your comment is published."))
            return _back(request, idea, f"#comment-{comment.pk}")
    return render_idea(request, organisation, idea, moderator, bound={"comment": form})


@require_POST
@login_required
def idea_flag(request, slug, pk):
    organisation = organisation_of(slug)
    idea, moderator = visible_idea(request, organisation, pk)
    comment_pk = _int_or_none(request.POST.get("comment"))
    comment = _comment_of(idea, comment_pk)
    form = report_form(comment_pk, request.POST)
    if form.is_valid():
        flag = run_service(
            form,
            lambda: services.flag_create(
                actor=request.user,
                idea=idea,
                comment=comment,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            ),
        )
        if flag is not None:
            messages.success(request, _("Thank you: the report was sent to the city's moderators."))
            return _back(request, idea, f"#comment-{comment.pk}" if comment else "")
    key = f"report-c{comment_pk}" if comment_pk else "report-idea"
    return render_idea(request, organisation, idea, moderator, bound={key: form})


@require_POST
@login_required
def idea_answer(request, slug, pk):
    organisation = organisation_of(slug)
    idea, moderator = visible_idea(request, organisation, pk)
    check_view_perm(request, "engagement.answer_idea", idea)
    form = AnswerForm(
        request.POST, actions=participation.action_choices(organisation), auto_id="id_answer_%s"
    )
    if form.is_valid():
        answered = run_service(
            form,
            lambda: services.idea_answer(
                actor=request.user,
                idea=idea,
                status=form.cleaned_data["status"],
                answer=form.cleaned_data["answer"],
                action=form.cleaned_data["action"],
            ),
        )
        if answered is not None:
            messages.success(request, _("The answer is published; the author is told by e-mail."))
            return redirect(idea.get_absolute_url() + "#journey")
    return render_idea(request, organisation, idea, moderator, bound={"answer": form})


@require_POST
@login_required
def idea_hide(request, slug, pk):
    organisation = organisation_of(slug)
    idea, moderator = visible_idea(request, organisation, pk)
    check_view_perm(request, "engagement.moderate_idea", idea)
    comment_pk = _int_or_none(request.POST.get("comment"))
    comment = _comment_of(idea, comment_pk)
    form = hide_form(comment_pk, request.POST)
    if form.is_valid():
        done = run_service(
            form,
            lambda: (
                services.content_hide(
                    actor=request.user,
                    idea=idea,
                    comment=comment,
                    reason=form.cleaned_data["reason"],
                )
                or True
            ),
        )
        if done:
            messages.success(
                request,
                _("The comment is hidden; its author is told why.")
                if comment
                else _("The idea is hidden; its author is told why."),
            )
            return _back(request, idea, f"#comment-{comment.pk}" if comment else "")
    key = f"hide-c{comment_pk}" if comment_pk else "hide-idea"
    return render_idea(request, organisation, idea, moderator, bound={key: form})


@require_POST
@login_required
def idea_show(request, slug, pk):
    organisation = organisation_of(slug)
    idea, _moderator = visible_idea(request, organisation, pk)
    check_view_perm(request, "engagement.moderate_idea", idea)
    comment = _comment_of(idea, _int_or_none(request.POST.get("comment")))
    services.content_show(actor=request.user, idea=idea, comment=comment)
    messages.success(
        request,
        _("The comment is shown again.") if comment else _("The idea is shown again."),
    )
    return _back(request, idea, f"#comment-{comment.pk}" if comment else "")


@require_POST
@login_required
def flag_dismiss(request, slug, pk):
    organisation = organisation_of(slug)
    check_view_perm(request, "engagement.moderate", organisation)
    try:
        flag = participation.open_flag(organisation, pk)
    except Flag.DoesNotExist:
        raise Http404 from None
    try:
        services.flag_dismiss(actor=request.user, flag=flag)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report is dismissed; the content stays as it is."))
    return redirect("engagement:idea_moderation", slug=slug)


@login_required
def idea_moderation(request, slug):
    organisation = organisation_of(slug)
    check_view_perm(request, "engagement.moderate", organisation)
    queue = selectors.moderation_queue(organisation)
    here = reverse("engagement:idea_moderation", args=[slug])
    for flag in queue.flags:
        flag.hide_form = hide_form(flag.comment_id, next_url=here)
        flag.hide_form.auto_id = f"id_hide_f{flag.pk}_%s"
        flag.target_hidden = (flag.comment or flag.idea).is_hidden
    return render(
        request,
        "engagement/ideas/moderation.html",
        {"organisation": organisation, "queue": queue},
    )
