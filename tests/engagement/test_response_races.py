"""Simultaneous requests, on real threads and connections: the per-address limit and "one
response per person" hold when twenty requests arrive at the same moment (on PostgreSQL under
READ COMMITTED as on SQLite)."""

import threading

import pytest
from django.conf import settings
from django.db import connections

from di4c.accounts.models import User
from di4c.engagement import services
from di4c.engagement.models import Response
from tests.engagement.consultation_helpers import answers_for, make_consultation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # The test database of SQLite is in memory with a shared cache, whose table locks ignore
    # the busy timeout: threads there fail at once, where the file database of a real
    # instance waits its turn. benchmarks/consultation_load.py covers SQLite under gunicorn.
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
        reason="needs a database with real concurrent connections (PostgreSQL)",
    ),
]
PEOPLE = 20


def at_once(submit) -> list[str]:
    """Run `submit(i)` in PEOPLE threads released together; the outcome of each."""
    barrier = threading.Barrier(PEOPLE)
    outcomes = []

    def run(i):
        try:
            barrier.wait()
            submit(i)
            outcomes.append("stored")
        except Exception as error:  # noqa: BLE001 - each refusal is counted
            outcomes.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_the_address_limit_holds_under_simultaneous_responses(botosani, demo_user, settings):
    settings.DI4C_RATE_LIMITS = {}
    consultation, questions = make_consultation(
        demo_user("botosani-editor"), botosani, mode="anonymous"
    )
    answers = answers_for(questions)
    settings.DI4C_RATE_LIMITS = {"response": (None, 3)}
    outcomes = at_once(
        lambda i: services.response_submit(
            consultation=consultation, answers=answers, browser_key=f"k{i}", address="203.0.113.7"
        )
    )
    assert Response.objects.filter(consultation=consultation).count() == 3
    assert outcomes.count("stored") == 3
    assert set(outcomes) == {"stored", "RateLimited"}


def test_one_response_per_account_under_simultaneous_submissions(botosani, demo_user):
    consultation, questions = make_consultation(
        demo_user("botosani-editor"), botosani, mode="account"
    )
    answers = answers_for(questions)
    person = User.objects.create_user("same@example.org", "x", full_name="Same Person")
    outcomes = at_once(
        lambda i: services.response_submit(consultation=consultation, answers=answers, user=person)
    )
    assert Response.objects.filter(consultation=consultation).count() == 1
    assert outcomes.count("stored") == 1
    assert set(outcomes) == {"stored", "ValidationError"}
