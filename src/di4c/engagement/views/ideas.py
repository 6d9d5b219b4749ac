"""Pages of a city's ideas: the public list, posting and correcting an idea, and the idea's
page with its journey, comments, support and the city's tools. The POST-only actions of the
idea page are in `idea_actions.py`. Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from di4c.core.forms import run_service
from di4c.core.markdown import render_markdown
from di4c.core.ratelimit import client_address
from di4c.core.services import check_view_perm
from di4c.engagement import selectors, services
from di4c.engagement.forms.ideas import (
    AnswerForm,
    CommentForm,
    FlagForm,
    HideForm,
    IdeaFilterForm,
    IdeaForm,
)
from di4c.engagement.models import Idea, IdeaStatus
from di4c.engagement.selectors import participation
from di4c.engagement.views.consultation_common import organisation_of

PER_PAGE = 25


def is_moderator(request, organisation) -> bool:
    return request.user.has_perm("engagement.moderate", organisation)


def register_url() -> str:
    """The sign-up page (built by the accounts app; a plain path until it is wired)."""
    try:
        return reverse("accounts:register")
    except NoReverseMatch:
        return "/accounts/register/"


def visible_idea(request, organisation, pk) -> tuple[Idea, bool]:
    """The idea as this visitor may see it (404 if hidden from them), and whether they moderate
    the city's ideas."""
    moderator = is_moderator(request, organisation)
    try:
        idea = selectors.idea_page(pk, organisation, user=request.user, moderator=moderator)
    except Idea.DoesNotExist:
        raise Http404 from None
    return idea, moderator


def report_form(comment_pk=None, data=None) -> FlagForm:
    key = f"c{comment_pk}" if comment_pk else "idea"
    return FlagForm(data, initial={"comment": comment_pk}, auto_id=f"id_report_{key}_%s")


def hide_form(comment_pk=None, data=None, next_url="") -> HideForm:
    key = f"c{comment_pk}" if comment_pk else "idea"
    return HideForm(
        data, initial={"comment": comment_pk, "next": next_url}, auto_id=f"id_hide_{key}_%s"
    )


def idea_list(request, slug):
    organisation = organisation_of(slug)
    moderator = is_moderator(request, organisation)
    filter_form = IdeaFilterForm(request.GET or None)
    filters = filter_form.filters() if request.GET else {"status": "", "sort": "new"}
    hidden_only = moderator and request.GET.get("hidden") == "1"
    rows = participation.listed_ideas(
        organisation, user=request.user, moderator=moderator, hidden=hidden_only, **filters
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    counts = selectors.status_counts(organisation)
    return render(
        request,
        "engagement/ideas/idea_list.html",
        {
            "organisation": organisation,
            "filter_form": filter_form,
            "filters": filters,
            "filtered": bool(filters["status"] or hidden_only),
            "hidden_only": hidden_only,
            "page": page,
            "status_counts": [
                {"status": value, "label": label, "count": counts.get(value, 0)}
                for value, label in IdeaStatus.choices
            ],
            "total": sum(counts.values()),
            "moderator": moderator,
            "register_url": register_url(),
        },
    )


def _form_choices(request, organisation) -> dict:
    return {
        "plans": participation.plan_choices(organisation, request.user),
        "services": participation.service_choices(organisation, request.user),
    }


@login_required
def idea_new(request, slug):
    organisation = organisation_of(slug)
    check_view_perm(request, "engagement.post_idea")
    form = IdeaForm(request.POST or None, **_form_choices(request, organisation))
    if request.method == "POST" and form.is_valid():
        idea = run_service(
            form,
            lambda: services.idea_post(
                actor=request.user,
                organisation=organisation,
                data=form.idea_data(),
                address=client_address(request),
            ),
        )
        if idea is not None:
            messages.success(
                request, _("Thank you: your idea is published. The city will answer it.")
            )
            return redirect(idea)
    return render(
        request,
        "engagement/ideas/idea_form.html",
        {"organisation": organisation, "form": form, "idea": None},
    )


@login_required
def idea_edit(request, slug, pk):
    organisation = organisation_of(slug)
    idea, _moderator = visible_idea(request, organisation, pk)
    if idea.author_id != request.user.pk:
        raise PermissionDenied
    if idea.status != IdeaStatus.NEW:
        messages.error(request, _("The city has answered this idea: it can no longer be changed."))
        return redirect(idea)
    form = IdeaForm(
        request.POST or None,
        initial=IdeaForm.initial_from(idea),
        **_form_choices(request, organisation),
    )
    if request.method == "POST" and form.is_valid():
        changed = run_service(
            form, lambda: services.idea_edit(actor=request.user, idea=idea, data=form.idea_data())
        )
        if changed is not None:
            messages.success(request, _("Saved.") if changed else _("Nothing was changed."))
            return redirect(idea)
    return render(
        request,
        "engagement/ideas/idea_form.html",
        {"organisation": organisation, "form": form, "idea": idea},
    )


def idea_detail(request, slug, pk):
    organisation = organisation_of(slug)
    idea, moderator = visible_idea(request, organisation, pk)
    return render_idea(request, organisation, idea, moderator)


def render_idea(request, organisation, idea, moderator, *, bound=None, status=200):
    """The idea's page; `bound` holds a form sent back with errors, under the key of the
    place it belongs to ("comment", "answer", "report-idea", "report-c<pk>", "hide-idea",
    "hide-c<pk>")."""
    bound = bound or {}
    user = request.user
    signed_in = user.is_authenticated
    can_answer = user.has_perm("engagement.answer_idea", idea)
    comments = list(idea.comments.all())
    flags = getattr(idea, "open_flag_list", [])
    for comment in comments:
        comment.body_html = render_markdown(comment.body, heading_offset=3)
        comment.is_own = signed_in and comment.author_id == user.pk
        comment.report_form = bound.get(f"report-c{comment.pk}") or report_form(comment.pk)
        if moderator:
            comment.hide_form = bound.get(f"hide-c{comment.pk}") or hide_form(comment.pk)
            comment.open_flags = [flag for flag in flags if flag.comment_id == comment.pk]
    is_author = signed_in and idea.author_id == user.pk
    context = {
        "organisation": organisation,
        "idea": idea,
        "body_html": render_markdown(idea.body, heading_offset=2),
        "journey": list(idea.status_changes.all()),
        "comments": comments,
        "moderator": moderator,
        "is_author": is_author,
        "can_edit": is_author and idea.status == IdeaStatus.NEW,
        "can_support": user.has_perm("engagement.support_idea", idea),
        "can_comment": user.has_perm("engagement.comment_idea", idea),
        "can_flag": user.has_perm("engagement.flag_content", idea),
        "can_answer": can_answer,
        "comment_form": bound.get("comment") or CommentForm(auto_id="id_comment_%s"),
        "report_form": bound.get("report-idea") or report_form(),
        "register_url": register_url(),
    }
    if moderator:
        context["hide_form"] = bound.get("hide-idea") or hide_form()
        context["idea_flags"] = [flag for flag in flags if flag.comment_id is None]
    if can_answer:
        context["answer_form"] = bound.get("answer") or AnswerForm(
            initial=AnswerForm.initial_from(idea),
            actions=participation.action_choices(organisation),
            auto_id="id_answer_%s",
        )
    return render(request, "engagement/ideas/idea_detail.html", context, status=status)
