"""The demo's consultations of Botoșani (data/demo_botosani_participation.yaml): questions from
the data file, responses generated with a fixed seed so that every load gives the same results.

The city editor creates, publishes and moderates through the engagement services. Responses to
a small consultation are stored by `response_submit`, as a respondent's form would be; those of
a large one are written in bulk (storing them one by one would take seconds), with the very
rows the service builds from a form (`_answers_for`: the same checks, one row per chosen option,
ranks for a ranking, free texts waiting for moderation). A consultation that has closed cannot
be published, so a closed one is created open, answered, and then dated back to when it ran (as
the meetings and stakeholder demos date theirs back).
"""

import datetime as dt
import hashlib
import random

from django.utils import timezone

from di4c.engagement import services
from di4c.engagement.models import Answer, Consultation, Question, QuestionKind, Response
from di4c.engagement.services.responses import _answers_for, question_field

# Up to this many responses go one by one through `response_submit`; more are written in bulk.
SUBMITTED_ONE_BY_ONE = 50


def day_at(days_ago: float, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A local time on the day `days_ago` days before today (negative: ahead)."""
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def load_consultation(row: dict, *, editor, organisation, plan, respondents) -> Consultation | None:
    """Create one consultation with its responses; None if the city already has it."""
    if Consultation.objects.filter(organisation=organisation, title=row["title"]).exists():
        return None
    now = timezone.now()
    opens_at = day_at(row["opens_days_ago"], 9)
    if "closes_days_ago" in row:
        closes_at = day_at(row["closes_days_ago"], 23, 59)
    else:
        closes_at = day_at(-row["closes_in_days"], 23, 59)
    objective = (
        plan.objectives.filter(code=row["objective"]).first() if "objective" in row else None
    )
    consultation = services.consultation_create(
        actor=editor,
        organisation=organisation,
        data={
            "title": row["title"],
            "description": row["description"].strip(),
            "mode": row["mode"],
            "opens_at": opens_at,
            # Open while it is answered; a closed one gets its real closing date afterwards.
            "closes_at": max(closes_at, now + dt.timedelta(days=1)),
            "results_public": row.get("results_public", False),
            "plan": plan,
            "objective": objective,
        },
    )
    questions = []
    for question_row in row["questions"]:
        question = services.question_add(
            actor=editor,
            consultation=consultation,
            data={
                "kind": question_row["kind"],
                "text": question_row["text"],
                "help_text": question_row.get("help_text", ""),
                "required": question_row.get("required", True),
            },
            options=question_row.get("options"),
        )
        questions.append((question, list(question.options.order_by("position")), question_row))
    services.consultation_publish(actor=editor, consultation=consultation)

    count = row["responses"]
    rng = random.Random(f"demo-consultation-{row['title']}")
    texts = _spread_texts(rng, questions, count)
    ends = min(closes_at, now.replace(second=0, microsecond=0) - dt.timedelta(hours=1))
    times = sorted(_submission_time(rng, opens_at, ends) for _index in range(count))
    forms = []
    for index in range(count):
        answers = _answers(rng, questions, texts.get(index, {}))
        if row["mode"] == "account":
            who = {"user": respondents[index]}
        else:  # what a browser's signed cookie would carry: one key per respondent
            key = hashlib.sha256(f"demo:{row['title']}:{index}".encode()).hexdigest()
            who = {"browser_key": key}
        forms.append((answers, who))
    if count <= SUBMITTED_ONE_BY_ONE:
        responses = [
            services.response_submit(consultation=consultation, answers=answers, **who)
            for answers, who in forms
        ]
        for response, submitted_at in zip(responses, times, strict=True):
            response.submitted_at = submitted_at
        Response.objects.bulk_update(responses, ["submitted_at"])
    else:
        _store_in_bulk(consultation, forms, times)

    _moderate(editor, questions, closes_at if closes_at < now else now, rng)
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=closes_at,
        created_at=opens_at - dt.timedelta(days=6),
        updated_at=min(now, closes_at + dt.timedelta(days=2)),
    )
    consultation.refresh_from_db()
    return consultation


def _store_in_bulk(consultation: Consultation, forms: list, times: list) -> None:
    """The responses as `response_submit` stores them, written with two inserts."""
    questions = list(Question.objects.filter(consultation=consultation).prefetch_related("options"))
    responses = [
        Response(consultation=consultation, mode=consultation.mode, submitted_at=when, **who)
        for (_answers, who), when in zip(forms, times, strict=True)
    ]
    Response.objects.bulk_create(responses)
    rows = []
    for response, (answers, _who) in zip(responses, forms, strict=True):
        for question in questions:
            built = _answers_for(question, answers.get(question_field(question)), response)
            if question.required and not built:
                raise ValueError(f"The demo left out the required question {question.pk}.")
            rows.extend(built)
    Answer.objects.bulk_create(rows, batch_size=2000)


def _spread_texts(rng, questions, count) -> dict[int, dict[int, str]]:
    """Each free text of the data file, given once, by a respondent drawn at random."""
    texts: dict[int, dict[int, str]] = {}
    for question, _options, question_row in questions:
        if question.kind not in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
            continue
        given = [" ".join(text.split()) for text in question_row.get("answers", [])]
        given += [" ".join(text.split()) for text in question_row.get("hidden", [])]
        for index, text in zip(rng.sample(range(count), len(given)), given, strict=True):
            texts.setdefault(index, {})[question.pk] = text
    return texts


def _submission_time(rng, opens_at: dt.datetime, ends: dt.datetime) -> dt.datetime:
    """Most people answer in the first days (the launch) and the rest over the whole period,
    in the day or evening."""
    span = (ends - opens_at).total_seconds()
    share = min(rng.expovariate(5.0), 1.0) if rng.random() < 0.6 else rng.random()
    moment = opens_at + dt.timedelta(seconds=share * span)
    local = timezone.localtime(moment)
    local = local.replace(hour=rng.randint(7, 22), minute=rng.randint(0, 59), second=0)
    if local < opens_at:  # before the opening hour on the first day
        local = opens_at + dt.timedelta(minutes=rng.randint(10, 600))
    return min(local, ends)


def _answers(rng, questions, texts: dict[int, str]) -> dict[str, object]:
    answers: dict[str, object] = {}
    for question, options, question_row in questions:
        field = question_field(question)
        kind = question.kind
        if kind == QuestionKind.SINGLE:
            answers[field] = rng.choices(options, weights=question_row["weights"])[0].pk
        elif kind == QuestionKind.MULTIPLE:
            shares = question_row["shares"]
            ticked = [
                o.pk for o, share in zip(options, shares, strict=True) if rng.random() < share
            ]
            if not ticked:  # everyone ticks something: the likeliest, mostly
                ticked = [rng.choices(options, weights=shares)[0].pk]
            answers[field] = ticked
        elif kind == QuestionKind.SCALE:
            answers[field] = rng.choices(range(1, 6), weights=question_row["weights"])[0]
        elif kind == QuestionKind.RANKING:
            answers[field] = _ranking(rng, options, question_row["weights"])
        elif question.pk in texts:
            answers[field] = texts[question.pk]
    return answers


def _ranking(rng, options, weights) -> list[int]:
    """A full ranking: each place drawn among the options left, by their weights."""
    left = list(zip(options, weights, strict=True))
    order = []
    while left:
        index = rng.choices(range(len(left)), weights=[weight for _o, weight in left])[0]
        order.append(left.pop(index)[0].pk)
    return order


def _moderate(editor, questions, after: dt.datetime, rng) -> None:
    """The city publishes the first free texts of the data file and hides those it lists."""
    now = timezone.now()
    for question, _options, question_row in questions:
        if question.kind not in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
            continue
        published = {
            " ".join(text.split())
            for text in question_row.get("answers", [])[: question_row.get("published", 0)]
        }
        hidden = {" ".join(text.split()) for text in question_row.get("hidden", [])}
        for answer in Answer.objects.filter(question=question).order_by("pk"):
            if answer.text not in published | hidden:
                continue
            services.answer_moderate(actor=editor, answer=answer, publish=answer.text in published)
            when = min(after + dt.timedelta(hours=rng.randint(2, 96)), now)
            Answer.objects.filter(pk=answer.pk).update(moderated_at=when)
