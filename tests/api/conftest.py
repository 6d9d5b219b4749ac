"""Fixtures of the engagement API tests (a module's own fixture of the same name wins)."""

import datetime as dt

import pytest
from django.utils import timezone

from di4c.accounts.services import api_token_create
from di4c.engagement import services
from di4c.engagement.models import Consultation
from tests.api.consultation_api_helpers import API, QUESTIONS


@pytest.fixture
def openapi(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def token_for(demo_user):
    """Authorization headers with a personal token of a demo account (by its e-mail prefix) or
    of a user."""

    def make(who) -> dict:
        user = demo_user(who) if isinstance(who, str) else who
        _token, raw = api_token_create(user=user, name="tests")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


@pytest.fixture
def editor(token_for):
    return token_for("botosani-editor")


@pytest.fixture
def people(demo, django_user_model, token_for):
    """Citizens with a token each, to answer one response per account."""
    made = []

    def make(count: int) -> list[dict]:
        tokens = []
        for _ in range(count):
            made.append(len(made))
            user = django_user_model.objects.create_user(
                f"person-{made[-1]}@example.org", "x", full_name=f"Person {made[-1]}"
            )
            tokens.append(token_for(user))
        return tokens

    return make


@pytest.fixture
def make_consultation(botosani, demo_user):
    """A consultation of Botoșani (or Messina) made through the services: open now unless
    `opens` / `closes` (days from now) say otherwise."""

    def make(
        *,
        mode="account",
        publish=True,
        questions=QUESTIONS,
        opens=-1,
        closes=7,
        title="Servicii digitale 2025",
        organisation=None,
        results_public=False,
    ) -> Consultation:
        now = timezone.now()
        organisation = organisation or botosani
        who = "botosani-editor" if organisation == botosani else "messina-editor"
        actor = demo_user(who)
        consultation = services.consultation_create(
            actor=actor,
            organisation=organisation,
            data={
                "title": title,
                "mode": mode,
                "opens_at": now + dt.timedelta(days=min(opens, -1)),
                "closes_at": now + dt.timedelta(days=max(closes, 1)),
                "results_public": results_public,
            },
        )
        for data, options in questions:
            services.question_add(
                actor=actor, consultation=consultation, data=data, options=options
            )
        if publish:
            services.consultation_publish(actor=actor, consultation=consultation)
        if opens > 0 or closes < 0:  # dated after publishing (publishing needs a future close)
            Consultation.objects.filter(pk=consultation.pk).update(
                opens_at=now + dt.timedelta(days=opens), closes_at=now + dt.timedelta(days=closes)
            )
        consultation.refresh_from_db()
        return consultation

    return make
