"""Shared by the consultation page and export tests: consultations made through the services
(as Botoșani's editor), responses, and reading pages back."""

import datetime as dt

from django.utils import timezone
from lxml import html as lxml_html

from di4c.engagement import services
from di4c.engagement.models import Consultation

BASE = "/organisations/botosani/consultations/"

QUESTIONS = (
    # key, kind, options, required
    ("single", "single", ["Taxe locale", "Certificate", "Parcări"], True),
    ("multiple", "multiple", ["Web", "Mobil", "Ghișeu"], False),
    ("scale", "scale", None, True),
    ("ranking", "ranking", ["A", "B", "C"], False),
    ("short", "short_text", None, False),
    ("long", "long_text", None, False),
)


def window(days_open=1, days_left=10) -> dict:
    now = timezone.now()
    return {
        "opens_at": now - dt.timedelta(days=days_open),
        "closes_at": now + dt.timedelta(days=days_left),
    }


def make_consultation(editor, organisation, *, mode="account", publish=True, **overrides):
    """A consultation with one question of each kind; returns it and its questions by key."""
    consultation = services.consultation_create(
        actor=editor,
        organisation=organisation,
        data={"title": "Servicii digitale în Botoșani", "mode": mode, **window(), **overrides},
    )
    questions = {}
    for key, kind, options, required in QUESTIONS:
        questions[key] = services.question_add(
            actor=editor,
            consultation=consultation,
            data={"kind": kind, "text": f"Întrebarea {key}", "required": required},
            options=options,
        )
    if publish:
        services.consultation_publish(actor=editor, consultation=consultation)
    consultation.refresh_from_db()
    return consultation, questions


def options(question) -> list:
    return list(question.options.order_by("position"))


def answers_for(
    questions, *, single=0, multiple=(0,), scale=4, ranking=(0, 1, 2), short="", long=""
):
    """Answers as the service takes them."""
    return {
        questions["single"].pk: options(questions["single"])[single].pk,
        questions["multiple"].pk: [options(questions["multiple"])[i].pk for i in multiple],
        questions["scale"].pk: scale,
        questions["ranking"].pk: [options(questions["ranking"])[i].pk for i in ranking],
        questions["short"].pk: short,
        questions["long"].pk: long,
    }


def posted_for(
    questions, *, single=0, multiple=(0,), scale="4", ranking=(0, 1, 2), short="", long=""
):
    """The same answers as the browser sends the form."""
    data = {
        f"q{questions['single'].pk}": str(options(questions["single"])[single].pk)
        if single is not None
        else "",
        f"q{questions['multiple'].pk}": [
            str(options(questions["multiple"])[i].pk) for i in multiple
        ],
        f"q{questions['scale'].pk}": scale,
        f"q{questions['short'].pk}": short,
        f"q{questions['long'].pk}": long,
        "website": "",
    }
    ranked = options(questions["ranking"])
    for place, index in enumerate(ranking):
        data[f"q{questions['ranking'].pk}_{place}"] = str(ranked[index].pk)
    return data


def respond(consultation, questions, number: int, **answers):
    """A response of an anonymous browser (no address: no rate limit)."""
    return services.response_submit(
        consultation=consultation,
        answers=answers_for(questions, **answers),
        browser_key=f"browser-{number}",
    )


def parsed(response):
    return lxml_html.fromstring(response.content.decode())


def text_of(response) -> str:
    return " ".join(parsed(response).text_content().split())


def url(consultation, part="") -> str:
    return f"{BASE}{consultation.pk}/{part}"


def errors_of(doc, field: str) -> list[str]:
    return [li.text_content() for li in doc.xpath(f'//ul[@id="id_{field}_error"]/li')]


def question_errors(doc, question) -> list[str]:
    return [li.text_content() for li in doc.xpath(f'//ul[@id="q{question.pk}-errors"]/li')]


def form_errors(doc) -> str:
    return " ".join(
        " ".join(node.text_content().split()) for node in doc.xpath('//*[@id="form-errors"]')
    )


def close(consultation):
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() - dt.timedelta(days=10),
        closes_at=timezone.now() - dt.timedelta(minutes=1),
    )
    consultation.refresh_from_db()


def answer_form(response):
    [form] = [form for form in parsed(response).forms if form.get("class") == "answer-questions"]
    return form
