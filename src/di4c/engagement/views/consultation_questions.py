"""The questionnaire editor of a consultation (the city's side): add, change, delete and move
questions. Refused by the services once people have answered."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from di4c.core.forms import run_service
from di4c.engagement import services
from di4c.engagement.forms.consultations import QuestionForm
from di4c.engagement.models import Question
from di4c.engagement.selectors import consultation_pages
from di4c.engagement.views.consultation_common import (
    consultation_for,
    in_city_time_zone,
)


def _question(request, slug, pk, question_pk):
    consultation = consultation_for(request, slug, pk, "engagement.edit_consultation")
    try:
        return consultation, consultation_pages.question_of(consultation, question_pk)
    except Question.DoesNotExist:
        raise Http404 from None


def _back(slug, pk, question_pk=None):
    response = redirect("engagement:consultation", slug=slug, pk=pk)
    if question_pk:
        response["Location"] += f"#question-{question_pk}"
    return response


@in_city_time_zone
@login_required
def question_new(request, slug, pk):
    consultation = consultation_for(request, slug, pk, "engagement.edit_consultation")
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        question = run_service(
            form,
            lambda: services.question_add(
                actor=request.user,
                consultation=consultation,
                data=form.question_data(),
                options=form.option_labels(),
            ),
        )
        if question is not None:
            messages.success(request, _("The question was added."))
            return _back(slug, pk, question.pk)
    return render(
        request,
        "engagement/consultations/question_form.html",
        {"organisation": consultation.organisation, "consultation": consultation, "form": form},
    )


@in_city_time_zone
@login_required
def question_edit(request, slug, pk, question_pk):
    consultation, question = _question(request, slug, pk, question_pk)
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_from(question))
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.question_update(
                actor=request.user,
                question=question,
                data=form.question_data(),
                options=form.option_labels(),
            ),
        )
        if saved is not None:
            messages.success(request, _("The question was saved."))
            return _back(slug, pk, question.pk)
    return render(
        request,
        "engagement/consultations/question_form.html",
        {
            "organisation": consultation.organisation,
            "consultation": consultation,
            "question": question,
            "form": form,
        },
    )


def _run(request, call, done: str) -> bool:
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, done)
    return True


@login_required
@require_POST
def question_delete(request, slug, pk, question_pk):
    _consultation, question = _question(request, slug, pk, question_pk)
    _run(
        request,
        lambda: services.question_delete(actor=request.user, question=question),
        _("The question “%(question)s” was deleted.") % {"question": question.text},
    )
    return _back(slug, pk)


@login_required
@require_POST
def question_move(request, slug, pk, question_pk):
    _consultation, question = _question(request, slug, pk, question_pk)
    up = request.POST.get("direction") == "up"
    _run(
        request,
        lambda: services.question_move(
            actor=request.user, question=question, offset=-1 if up else 1
        ),
        _("The question was moved up.") if up else _("The question was moved down."),
    )
    return _back(slug, pk, question.pk)
