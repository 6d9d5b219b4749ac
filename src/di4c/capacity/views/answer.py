"""Answering a self-assessment round, and the pages around it.

Two ways in, by the round's access:
- a single-use link (`/skills/<token>/`), anonymous: the link gives the city, the round and
  the department; it is refused once used;
- signed in (`answer_round`), for the city's own staff, who also choose their department;
  an account answers a round once.

A submission is counted into tallies and forgotten (models/rounds.py): nothing here keeps,
shows or logs what one person answered. After a submission the browser is sent to a thanks
page (POST-redirect-GET), so that going back or reloading does not send it again.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from di4c.capacity import services
from di4c.capacity.forms.answer import SelfAssessmentForm
from di4c.capacity.models import (
    MIN_GROUP_SIZE,
    Access,
    Department,
    Round,
    RoundParticipation,
    RoundStatus,
    StaffRole,
)
from di4c.core.services import check_view_perm

# About how long one competence takes to read and rate, for the time the intro announces.
SECONDS_PER_COMPETENCE = 20


def _private(response):
    """A page that may carry a single-use link in its address: kept by no cache, its address
    passed to no other site, and not indexed. Not "no-referrer": browsers then send forms
    with "Origin: null", which the CSRF check refuses."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _date(day) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _notice(request, round_, title: str, message: str, *, status: int = 200, extra: str = ""):
    return _private(
        render(
            request,
            "capacity/answer_notice.html",
            {
                "round": round_,
                "organisation": round_.organisation,
                "title": title,
                "message": message,
                "extra": extra,
            },
            status=status,
        )
    )


def _used_link(request, round_):
    return _notice(
        request,
        round_,
        _("This link has already been used"),
        _(
            "Each link counts the answers of one person, once, and this one has been used. "
            "If you have just sent your answers, they are counted: thank you."
        ),
        extra=_(
            "If you have not answered yourself, ask the person who gave you the link for a new one."
        ),
        status=410,
    )


def _not_accepting(request, round_):
    """The notice for a round that takes no answers today, or None when it does."""
    if round_.is_accepting:
        return None
    today = timezone.localdate()
    if round_.status == RoundStatus.CLOSED or today > round_.closes_on:
        return _notice(
            request,
            round_,
            _("This self-assessment is closed"),
            _("This self-assessment closed on %(date)s: answers are no longer taken.")
            % {"date": _date(round_.closes_on)},
        )
    if round_.status == RoundStatus.OPEN:
        message = _("This self-assessment opens on %(date)s. Come back then.") % {
            "date": _date(round_.opens_on)
        }
    else:
        message = _("This self-assessment is not open yet. Come back when the city opens it.")
    return _notice(request, round_, _("Not open yet"), message)


def _form(request, round_, departments=None) -> SelfAssessmentForm:
    roles = list(StaffRole.objects.filter(organisation=round_.organisation_id))
    return SelfAssessmentForm(
        request.POST if request.method == "POST" else None,
        competences=services.round_competences(round_),
        roles=roles,
        departments=departments,
    )


def _answer_page(request, round_, form, *, department=None, via_link: bool):
    count = len(form.competences)
    minutes = max(1, round(count * SECONDS_PER_COMPETENCE / 60))
    return _private(
        render(
            request,
            "capacity/answer.html",
            {
                "round": round_,
                "organisation": round_.organisation,
                "department": department,
                "via_link": via_link,
                "form": form,
                "blocks": form.area_blocks(),
                "error_summary": form.error_summary(),
                "answered": form.answered_count(),
                "competence_count": count,
                "minutes": minutes,
                "min_group_size": MIN_GROUP_SIZE,
                "closes_on": round_.closes_on,
                "answer_texts": {
                    "progress": _("%(answered)s of %(total)s competences answered"),
                },
            },
        )
    )


def answer_link(request, token):
    link = services.link_for(token)
    if link is None:
        raise Http404
    round_ = link.round
    if link.is_used:
        return _used_link(request, round_)
    refused = _not_accepting(request, round_)
    if refused is not None:
        return refused
    form = _form(request, round_)
    if request.method == "POST" and form.is_valid():
        try:
            services.self_assessment_submit(
                round_=round_, role=form.role_code(), levels=form.levels(), token=token
            )
        except ValidationError as error:
            # The link was used between showing the form and sending it (another tab).
            if "token" in getattr(error, "error_dict", {}):
                return _used_link(request, round_)
            form.add_submission_errors(error)
        else:
            return redirect("capacity:answer_link_thanks", token=token)
    return _answer_page(request, round_, form, department=link.department, via_link=True)


def answer_link_thanks(request, token):
    link = services.link_for(token)
    if link is None:
        raise Http404
    if not link.is_used:
        return redirect("capacity:answer_link", token=token)
    return _thanks(request, link.round)


def _thanks(request, round_):
    return _private(
        render(
            request,
            "capacity/answer_thanks.html",
            {
                "round": round_,
                "organisation": round_.organisation,
                "min_group_size": MIN_GROUP_SIZE,
            },
        )
    )


def _staff_round(request, pk) -> Round:
    """A round answered by signing in, if the visitor is one of the city's staff (403 if not;
    404 for a round answered through links)."""
    round_ = get_object_or_404(
        Round.objects.select_related("organisation", "framework"), pk=pk, access=Access.ACCOUNTS
    )
    check_view_perm(request, "capacity.answer_round", round_.organisation)
    return round_


@login_required
def answer_round(request, pk):
    round_ = _staff_round(request, pk)
    if RoundParticipation.objects.filter(round=round_, user=request.user).exists():
        return _notice(
            request,
            round_,
            _("You have already answered"),
            _("You have already answered this self-assessment: each person answers once."),
            extra=_("Your answers were counted without your name. Thank you!"),
        )
    refused = _not_accepting(request, round_)
    if refused is not None:
        return refused
    departments = list(Department.objects.filter(organisation=round_.organisation_id))
    form = _form(request, round_, departments)
    if request.method == "POST" and form.is_valid():
        try:
            services.self_assessment_submit(
                round_=round_,
                role=form.role_code(),
                levels=form.levels(),
                user=request.user,
                department=form.chosen_department(),
            )
        except ValidationError as error:
            form.add_submission_errors(error)
        else:
            return redirect("capacity:answer_round_thanks", pk=round_.pk)
    return _answer_page(request, round_, form, via_link=False)


@login_required
def answer_round_thanks(request, pk):
    round_ = _staff_round(request, pk)
    if not RoundParticipation.objects.filter(round=round_, user=request.user).exists():
        return redirect("capacity:answer_round", pk=round_.pk)
    return _thanks(request, round_)
