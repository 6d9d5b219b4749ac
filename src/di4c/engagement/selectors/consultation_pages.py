"""Reads the consultation pages need beside the lead's selectors: the choices of the
consultation form (this city's plans, objectives and services), one question or free-text
answer of a consultation, and the small counts the pages show."""

from django.db.models import Count, Q, QuerySet

from di4c.engagement.models import (
    Answer,
    Consultation,
    ConsultationInvitation,
    Moderation,
    Question,
    Response,
)
from di4c.plans.models import Objective, Plan
from di4c.services.models import PublicService


def consultation_of(organisation, pk: int) -> Consultation:
    """One consultation of this city, without its questions; raises Consultation.DoesNotExist
    for another city's."""
    return Consultation.objects.select_related("organisation", "plan", "objective", "service").get(
        pk=pk, organisation=organisation
    )


def plans_for_consultation(organisation) -> QuerySet[Plan]:
    return Plan.objects.filter(organisation=organisation).order_by("title", "pk")


def objectives_for_consultation(organisation) -> QuerySet[Objective]:
    return (
        Objective.objects.filter(plan__organisation=organisation)
        .select_related("plan")
        .order_by("plan__title", "plan_id", "code", "pk")
    )


def services_for_consultation(organisation) -> QuerySet[PublicService]:
    return PublicService.objects.filter(organisation=organisation).order_by("name", "pk")


def question_of(consultation: Consultation, pk: int) -> Question:
    """One question of this consultation with its options; raises Question.DoesNotExist."""
    question = Question.objects.prefetch_related("options").get(pk=pk, consultation=consultation)
    question.consultation = consultation
    return question


def answer_to_moderate(consultation: Consultation, pk: int) -> Answer:
    """One free-text answer of this consultation; raises Answer.DoesNotExist otherwise."""
    return Answer.objects.select_related("question").get(
        pk=pk, question__consultation=consultation, question__kind__in=["short_text", "long_text"]
    )


def response_count(consultation: Consultation) -> int:
    return Response.objects.filter(consultation=consultation).count()


def moderation_counts(consultation: Consultation) -> dict[str, int]:
    """Free-text answers per moderation state: {"pending": 3, "published": 10, "hidden": 1}."""
    counts = dict.fromkeys(Moderation.values, 0)
    for state, count in (
        Answer.objects.filter(question__consultation=consultation)
        .exclude(moderation="")
        .values("moderation")
        .annotate(n=Count("pk"))
        .values_list("moderation", "n")
    ):
        counts[state] = count
    return counts


def invitation_counts(consultation: Consultation) -> dict[str, int]:
    """Single-use links created and used, in all and those sent by e-mail."""
    return ConsultationInvitation.objects.filter(consultation=consultation).aggregate(
        created=Count("pk"),
        used=Count("pk", filter=Q(used_at__isnull=False)),
        by_email=Count("pk", filter=~Q(email="")),
        by_email_used=Count("pk", filter=~Q(email="") & Q(used_at__isnull=False)),
    )


def responses_in_chunks(consultation: Consultation, *, size: int = 2000):
    """Every response as (pk, submitted_at, [(question_id, option_id, rank, scale, text), …]),
    read `size` responses at a time (two queries per chunk, by the primary key: no server-side
    cursor, constant memory). Plain tuples, not model instances: an export of 100,000
    responses takes seconds, not minutes. Nothing names the respondent."""
    last = 0
    while True:
        chunk = list(
            Response.objects.filter(consultation=consultation, pk__gt=last)
            .order_by("pk")
            .values_list("pk", "submitted_at")[:size]
        )
        if not chunk:
            return
        answers: dict[int, list[tuple]] = {}
        for response_id, *answer in (
            Answer.objects.filter(response_id__in=[pk for pk, _at in chunk])
            .order_by("response_id", "question_id", "rank", "pk")
            .values_list("response_id", "question_id", "option_id", "rank", "scale", "text")
        ):
            answers.setdefault(response_id, []).append(tuple(answer))
        for pk, submitted_at in chunk:
            yield pk, submitted_at, answers.get(pk, [])
        last = chunk[-1][0]
