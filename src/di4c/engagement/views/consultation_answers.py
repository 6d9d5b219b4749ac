"""Answering a consultation: the questionnaire built from the questions, one response per
person by the consultation's mode, and the thanks page.

- by account: a visitor is sent to sign in first;
- by invitation: the single-use link carries a token, checked before the form is shown;
- anonymous: the browser gets a random key in a signed cookie when the form is shown, and the
  response is refused if that key has answered already (plus a limit per address).
"""

import secrets
from datetime import timedelta

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from di4c.core.forms import run_service
from di4c.core.ratelimit import client_address
from di4c.engagement import services
from di4c.engagement.forms.consultations import AnswerForm
from di4c.engagement.models import ConsultationMode
from di4c.engagement.services.responses import already_answered, invitation_for
from di4c.engagement.views.consultation_common import (
    consultation_facts,
    consultation_for,
    in_city_time_zone,
)

COOKIE_SALT = "di4c.consultation"
COOKIE_AGE = int(timedelta(days=365).total_seconds())


def cookie_name(consultation) -> str:
    return f"di4c_consultation_{consultation.pk}"


def _remember_browser(request, response, consultation, key: str):
    response.set_signed_cookie(
        cookie_name(consultation),
        key,
        salt=COOKIE_SALT,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


def _notice(request, facts, title: str, message: str, *, status: int = 200):
    return render(
        request,
        "engagement/consultations/answer_notice.html",
        {**facts, "title": title, "message": message},
        status=status,
    )


def _not_open_message(consultation, state: str) -> str:
    if state == "closed":
        return _("This consultation closed on %(date)s: responses are no longer accepted.")
    if state == "scheduled":
        return _("This consultation opens on %(opens)s.")
    return _("This consultation is a draft: it cannot be answered yet.")


@in_city_time_zone
def answer(request, slug, pk, token=""):
    consultation = consultation_for(request, slug, pk, questions=True)
    facts = consultation_facts(request, consultation)
    mode, user, state = consultation.mode, request.user, facts["state"]
    if token and mode != ConsultationMode.INVITATION:
        raise Http404
    preview = False
    if request.method != "POST" and state != "open":
        if not facts["can_edit"] or state == "closed":
            message = _not_open_message(consultation, state) % {
                "date": _local(consultation.closes_at),
                "opens": _local(consultation.opens_at),
            }
            return _notice(request, facts, _("Not open for answers"), message)
        preview = True
    browser_key, new_key = "", ""
    if mode == ConsultationMode.ACCOUNT and not user.is_authenticated and not preview:
        return redirect_to_login(request.get_full_path())
    if mode == ConsultationMode.INVITATION and not preview:
        invitation = invitation_for(consultation, token)
        if not token:
            return _notice(
                request,
                facts,
                _("By invitation only"),
                _(
                    "Only invited people answer this consultation: open the single-use link "
                    "you received."
                ),
            )
        if invitation is None:
            return _notice(
                request,
                facts,
                _("This link is not valid"),
                _("This invitation link is not valid. Check that you copied it whole."),
                status=404,
            )
        if invitation.used_at is not None and request.method != "POST":
            return _notice(
                request,
                facts,
                _("This link has been used"),
                _("This invitation link has already been used: each link answers once."),
            )
    if mode == ConsultationMode.ANONYMOUS:
        browser_key = request.get_signed_cookie(cookie_name(consultation), "", salt=COOKIE_SALT)
        if not browser_key:
            new_key = secrets.token_urlsafe(32)
    if (
        request.method != "POST"
        and not preview
        and already_answered(consultation, user=user, browser_key=browser_key)
    ):
        return _notice(
            request,
            facts,
            _("You have already answered"),
            _("You have already answered this consultation: one response per person. Thank you!"),
        )
    questions = list(consultation.questions.all())
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        stored = run_service(
            form,
            lambda: services.response_submit(
                consultation=consultation,
                answers=form.answers(),
                user=user,
                invitation_token=token,
                browser_key=browser_key,
                address=client_address(request),
            ),
        )
        if stored is not None:
            return redirect("engagement:consultation_thanks", slug=slug, pk=pk)
    response = render(
        request,
        "engagement/consultations/answer.html",
        {**facts, "form": form, "blocks": form.blocks(), "preview": preview},
        status=200,
    )
    if new_key:
        # Given when the form is shown, so that the response sent with it carries it.
        _remember_browser(request, response, consultation, new_key)
    # The page may hold a single-use link: neither kept by caches nor passed on as referrer
    # to other sites. Not "no-referrer": browsers then send the form with "Origin: null",
    # which Django's CSRF check refuses (403).
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def _local(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@in_city_time_zone
def thanks(request, slug, pk):
    consultation = consultation_for(request, slug, pk)
    facts = consultation_facts(request, consultation)
    return render(
        request,
        "engagement/consultations/thanks.html",
        {**facts, "results_later": consultation.results_public and not facts["can_see_results"]},
    )
