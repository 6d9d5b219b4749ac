"""The reads of consultations: lists, and the results, counted in the database with a fixed
number of queries whatever the number of responses."""

from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from di4c.engagement.models import (
    Answer,
    Consultation,
    ConsultationInvitation,
    Moderation,
    Option,
    Question,
    QuestionKind,
    Response,
)

TEXTS_SHOWN_PER_QUESTION = 30


def consultations_of(organisation, *, include_drafts: bool) -> QuerySet[Consultation]:
    rows = Consultation.objects.filter(organisation=organisation)
    if not include_drafts:
        rows = rows.filter(is_published=True)
    return rows.select_related("organisation", "plan", "objective", "service").annotate(
        response_count=Count("responses", distinct=True)
    )


def open_consultations(now=None) -> QuerySet[Consultation]:
    """Every consultation open for answers on the instance, the soonest to close first."""
    now = now or timezone.now()
    return (
        Consultation.objects.filter(is_published=True, opens_at__lte=now, closes_at__gt=now)
        .select_related("organisation")
        .order_by("closes_at", "pk")
    )


def consultation_with_questions(pk: int, organisation) -> Consultation:
    return (
        Consultation.objects.select_related("organisation", "plan", "objective", "service")
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.prefetch_related(
                    Prefetch("options", queryset=Option.objects.order_by("position", "pk"))
                ),
            )
        )
        .get(pk=pk, organisation=organisation)
    )


@dataclass
class OptionResult:
    option: Option
    count: int = 0
    percent: float = 0.0
    average_rank: float | None = None
    points: int = 0  # ranking: Borda points, n for a first place down to 1 for the last


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    options: list[OptionResult] = field(default_factory=list)
    scale: list[tuple[int, int, float]] = field(default_factory=list)  # value, count, percent
    scale_average: float | None = None
    texts: list[Answer] = field(default_factory=list)
    text_counts: dict[str, int] = field(default_factory=dict)


@dataclass
class ConsultationResults:
    consultation: Consultation
    responses: int
    questions: list[QuestionResult]
    invitations: int | None = None
    invitations_used: int | None = None


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def consultation_results(consultation: Consultation, *, city_view: bool) -> ConsultationResults:
    """Counts, percentages and averages per question. The city sees every free-text answer
    with its moderation state; the public only the published ones."""
    questions = list(
        consultation.questions.prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("position", "pk"))
        )
    )
    answers = Answer.objects.filter(question__consultation=consultation)
    total = Response.objects.filter(consultation=consultation).count()
    answered = dict(
        answers.values("question")
        .annotate(n=Count("response", distinct=True))
        .values_list("question", "n")
    )
    by_option = {
        row["option"]: row
        for row in answers.filter(option__isnull=False)
        .values("option")
        .annotate(n=Count("pk"), rank_avg=Avg("rank"), rank_sum=Sum("rank"))
    }
    by_scale = {}
    for question_id, value, count in (
        answers.filter(scale__isnull=False)
        .values("question", "scale")
        .annotate(n=Count("pk"))
        .values_list("question", "scale", "n")
    ):
        by_scale[(question_id, value)] = count
    text_counts: dict[int, dict[str, int]] = {}
    for question_id, state, count in (
        answers.exclude(moderation="")
        .values("question", "moderation")
        .annotate(n=Count("pk"))
        .values_list("question", "moderation", "n")
    ):
        text_counts.setdefault(question_id, {})[state] = count
    shown = answers.exclude(moderation="")
    if not city_view:
        shown = shown.filter(moderation=Moderation.PUBLISHED)
    texts: dict[int, list[Answer]] = {}
    for answer in (
        shown.annotate(
            row=Window(RowNumber(), partition_by=F("question"), order_by=[F("pk").desc()])
        )
        .filter(row__lte=TEXTS_SHOWN_PER_QUESTION)
        .order_by("question", "-pk")
    ):
        texts.setdefault(answer.question_id, []).append(answer)

    results = []
    for question in questions:
        result = QuestionResult(question=question, answered=answered.get(question.pk, 0))
        if question.has_options:
            size = len(question.options.all())
            for option in question.options.all():
                row = by_option.get(option.pk, {})
                count = row.get("n", 0)
                option_result = OptionResult(
                    option=option, count=count, percent=_percent(count, result.answered)
                )
                if question.kind == QuestionKind.RANKING and count:
                    option_result.average_rank = round(row["rank_avg"], 2)
                    option_result.points = count * (size + 1) - row["rank_sum"]
                result.options.append(option_result)
            if question.kind == QuestionKind.RANKING:
                result.options.sort(key=lambda item: (-item.points, item.option.position))
        elif question.kind == QuestionKind.SCALE:
            counts = [(value, by_scale.get((question.pk, value), 0)) for value in range(1, 6)]
            given = sum(count for _value, count in counts)
            result.scale = [(value, count, _percent(count, given)) for value, count in counts]
            if given:
                result.scale_average = round(
                    sum(value * count for value, count in counts) / given, 2
                )
        else:
            result.texts = texts.get(question.pk, [])
            result.text_counts = text_counts.get(question.pk, {})
        results.append(result)
    summary = ConsultationResults(consultation=consultation, responses=total, questions=results)
    if city_view and consultation.mode == "invitation":
        links = ConsultationInvitation.objects.filter(consultation=consultation).aggregate(
            total=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False))
        )
        summary.invitations, summary.invitations_used = links["total"], links["used"]
    return summary


def text_answers_to_moderate(consultation: Consultation, *, state: str = Moderation.PENDING):
    """Free-text answers in one moderation state, oldest first, for the moderation page."""
    return (
        Answer.objects.filter(question__consultation=consultation, moderation=state)
        .select_related("question")
        .order_by("pk")
    )
