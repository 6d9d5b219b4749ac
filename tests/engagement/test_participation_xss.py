"""Every text citizens type and others read, against the known XSS payloads: an idea, a
comment, a consultation's description, a published free-text answer in the public results and
a published service-rating comment. The page as a browser gets it must hold no script beyond
the app's own, no event-handler attribute and no javascript:, vbscript: or data: address."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from di4c.accounts.models import User
from di4c.engagement import services
from di4c.engagement.models import Answer, Consultation
from di4c.services.models import IndexPublication, PublicService
from tests.core.test_markdown import XSS_PAYLOADS, elements, url_scheme

pytestmark = pytest.mark.django_db

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "background"}


def danger(html: str) -> tuple[set, list]:
    """The page's scripts (by their address or first characters) and every unsafe attribute."""
    scripts, unsafe = set(), []
    for tag, attrs in elements(html):
        if tag == "script":
            scripts.add(attrs.get("src", "inline"))
        for name, value in attrs.items():
            if name.startswith("on"):
                unsafe.append((tag, name, value))
            if name in URL_ATTRIBUTES and url_scheme(value) in {"javascript", "vbscript", "data"}:
                unsafe.append((tag, name, value))
    return scripts, unsafe


def check(url: str, baseline_scripts: set, client: Client) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    scripts, unsafe = danger(html)
    assert unsafe == [], url
    assert scripts <= baseline_scripts, (url, scripts - baseline_scripts)


def one_line(payload: str) -> str:
    """The payload as a title may be typed: one line, no control characters."""
    return re.sub(r"[\x00-\x1f\x7f]+", " ", payload).strip()[:150] or "x"


@pytest.fixture
def author():
    return User.objects.create_user("xss@example.org", "x", full_name="Tester")


@pytest.fixture
def no_limits(settings):
    settings.DI4C_RATE_LIMITS = {}


def test_ideas_and_comments(botosani, author, no_limits):
    visitor = Client()
    first = services.idea_post(
        actor=author, organisation=botosani, data={"title": "Baseline", "body": "Plain text."}
    )
    baseline, _ = danger(visitor.get(first.get_absolute_url()).content.decode())
    for payload in XSS_PAYLOADS:
        idea = services.idea_post(
            actor=author,
            organisation=botosani,
            data={"title": one_line(payload), "body": payload.replace("\x00", "")},
        )
        services.comment_post(actor=author, idea=idea, body=payload.replace("\x00", "")[:1000])
        check(idea.get_absolute_url(), baseline, visitor)
    check(reverse("engagement:ideas", args=[botosani.slug]), baseline, visitor)


def test_consultation_description_and_public_text_answers(botosani, demo_user, no_limits):
    editor = demo_user("botosani-editor")
    now = timezone.now()
    consultation = services.consultation_create(
        actor=editor,
        organisation=botosani,
        data={
            "title": "XSS",
            "description": "\n\n".join(XSS_PAYLOADS),
            "mode": "account",
            "opens_at": now - dt.timedelta(days=1),
            "closes_at": now + dt.timedelta(days=1),
            "results_public": True,
        },
    )
    question = services.question_add(
        actor=editor,
        consultation=consultation,
        data={"kind": "long_text", "text": "<script>alert(1)</script>?", "required": True},
    )
    services.consultation_publish(actor=editor, consultation=consultation)
    for n, payload in enumerate(XSS_PAYLOADS):
        person = User.objects.create_user(f"r{n}@example.org", "x", full_name=f"R {n}")
        services.response_submit(
            consultation=consultation, answers={question.pk: payload}, user=person
        )
    for answer in Answer.objects.filter(question=question):
        services.answer_moderate(actor=editor, answer=answer, publish=True)
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=now - dt.timedelta(hours=1))
    visitor = Client()
    baseline_page = visitor.get(reverse("engagement:consultations", args=[botosani.slug]))
    baseline, _ = danger(baseline_page.content.decode())
    # The results page draws charts with the app's own script files, which are allowed.
    results_url = reverse("engagement:consultation_results", args=[botosani.slug, consultation.pk])
    results_scripts, _ = danger(visitor.get(results_url).content.decode())
    own = {src for src in results_scripts if src.startswith("/static/")}
    check(consultation.get_absolute_url(), baseline | own, visitor)
    check(results_url, baseline | own, visitor)
    shown = visitor.get(results_url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown  # shown as text, not dropped


def test_published_rating_comments(botosani, demo_user, no_limits):
    IndexPublication.objects.update_or_create(organisation=botosani, defaults={"is_public": True})
    service = PublicService.objects.filter(organisation=botosani).first()
    editor = demo_user("botosani-editor")
    visitor = Client()
    url = reverse("engagement:service_feedback", args=[botosani.slug, service.pk])
    baseline, _ = danger(visitor.get(url).content.decode())
    for n, payload in enumerate(XSS_PAYLOADS):
        person = User.objects.create_user(f"s{n}@example.org", "x", full_name=f"S {n}")
        rating = services.service_rate(
            actor=person, service=service, rating=1 + n % 5, comment=payload
        )
        services.rating_comment_publish(actor=editor, rating=rating, publish=True)
    check(url, baseline, visitor)
