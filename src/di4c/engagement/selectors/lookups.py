"""Lookups by id for the REST API (pages find things under their city's slug instead).

Each lookup brings what the permission rules then read (the city and its partnerships), so that
asking a permission costs no further query; None when nothing has that id.
"""

from django.db.models import Count, Prefetch, QuerySet

from di4c.engagement.models import Answer, Comment, Consultation, Flag, Idea, Option, Question
from di4c.networks.models import Organisation
from di4c.services.models import PublicService

CITY = "organisation__partnerships"


def city(slug: str) -> Organisation | None:
    """A city with what the rules read of it (its networks)."""
    return Organisation.objects.prefetch_related("partnerships").filter(slug=slug).first()


def consultation(pk: int) -> Consultation | None:
    return (
        Consultation.objects.select_related("organisation")
        .prefetch_related(CITY)
        .filter(pk=pk)
        .first()
    )


def consultation_with_questions(pk: int) -> Consultation | None:
    """The consultation, its questions in order and their options in order."""
    return (
        Consultation.objects.select_related("organisation", "plan", "objective", "service")
        .prefetch_related(
            CITY,
            Prefetch(
                "questions",
                queryset=Question.objects.order_by("position", "pk").prefetch_related(
                    Prefetch("options", queryset=Option.objects.order_by("position", "pk"))
                ),
            ),
        )
        .annotate(response_count=Count("responses", distinct=True))
        .filter(pk=pk)
        .first()
    )


def question_of(consultation: Consultation, pk: int) -> Question | None:
    question = (
        Question.objects.prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("position", "pk"))
        )
        .filter(consultation=consultation, pk=pk)
        .first()
    )
    if question is not None:
        question.consultation = consultation  # its city is read once
    return question


def answer_of(consultation: Consultation, pk: int) -> Answer | None:
    return (
        Answer.objects.select_related("question")
        .filter(question__consultation=consultation, pk=pk)
        .first()
    )


def open_consultations_counted(queryset: QuerySet[Consultation]) -> QuerySet[Consultation]:
    """The open consultations of the instance, each with its number of responses and what the
    rules read of its city."""
    return queryset.prefetch_related(CITY).annotate(
        response_count=Count("responses", distinct=True)
    )


def idea(pk: int) -> Idea | None:
    """An idea whatever its visibility (the caller asks engagement.view_idea)."""
    return Idea.objects.select_related("organisation").prefetch_related(CITY).filter(pk=pk).first()


def comment_of(idea: Idea, pk: int) -> Comment | None:
    comment = Comment.objects.filter(idea=idea, pk=pk).first()
    if comment is not None:
        comment.idea = idea
    return comment


def flag(pk: int) -> Flag | None:
    return (
        Flag.objects.select_related("idea__organisation", "comment__author", "idea__author")
        .prefetch_related("idea__organisation__partnerships")
        .filter(pk=pk)
        .first()
    )


def service(pk: int) -> PublicService | None:
    return (
        PublicService.objects.select_related("organisation__index_publication")
        .prefetch_related(CITY)
        .filter(pk=pk)
        .first()
    )
