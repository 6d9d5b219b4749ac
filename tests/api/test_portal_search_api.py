"""The portal API, search: one query over the public content in every language it exists in,
filtered by kind, city and language; an empty query is a 422 on `q`; drafts are never found;
the same number of queries whatever the number of results. Runs on SQLite (FTS5) and on
PostgreSQL alike."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from di4c.portal import services
from tests.api.capacity_api_helpers import field_errors

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/search"
RO_TITLE = "Proiectul „Inovații Digitale pentru Orașe”"
EN_TITLE = "The Digital Innovation for Cities project"


@pytest.fixture
def seed_news(demo, botosani, demo_user):
    return services.news_create(
        actor=demo_user("botosani-editor"),
        owner=botosani,
        status="published",
        published_at=timezone.now() - dt.timedelta(hours=1),
        texts=[
            {
                "language": "ro",
                "title": RO_TITLE,
                "body": "Municipiul Botoșani participă la digitalizarea instituțiilor publice.",
            },
            {
                "language": "en",
                "title": EN_TITLE,
                "body": "Botoșani takes part in the digitalisation of public institutions.",
            },
        ],
    )


@pytest.fixture
def control_room(messina, demo_user):
    return services.practice_create(
        actor=demo_user("messina-editor"),
        organisation=messina,
        language="it",
        text={
            "title": "La sala di controllo della città",
            "summary": "Digitalizzazione dei servizi urbani in tempo reale.",
        },
        status="published",
    )


def search(client, reader="en", **params):
    response = client.get(SEARCH, params, HTTP_ACCEPT_LANGUAGE=reader)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_romanian_and_the_english_word_find_the_item_in_the_readers_language(client, seed_news):
    body = search(client, "ro", q="digitalizare")
    assert body["count"] == 1 and body["page"] == 1 and body["pages"] == 1
    result = body["results"][0]
    assert result["title"] == RO_TITLE and result["language"] == "ro"
    assert result["kind"] == "news"
    assert result["url"] == seed_news.get_absolute_url()
    assert result["city"] == "botosani" and result["network"] is None
    assert "digitalizarea" in result["excerpt"]
    assert result["date"] is not None
    english = search(client, "en", q="digitalisation")["results"]
    assert [(r["title"], r["language"]) for r in english] == [(EN_TITLE, "en")]
    # Without accents, and the English reader finding a Romanian word sees the English version.
    assert search(client, "en", q="institutiilor")["results"][0]["title"] == EN_TITLE


def test_filters_by_kind_city_and_language(client, seed_news, control_room):
    assert search(client, q="digitalizzazione")["count"] == 2
    practices = search(client, q="digitalizzazione", kind="practice")["results"]
    assert [(r["kind"], r["city"]) for r in practices] == [("practice", "messina")]
    assert practices[0]["url"] == control_room.get_absolute_url()
    assert [
        r["kind"] for r in search(client, q="digitalizzazione", city="botosani")["results"]
    ] == ["news"]
    assert search(client, q="Botoșani", city="botosani")["count"] == 1
    assert search(client, q="Botoșani", city="messina")["count"] == 0
    assert search(client, q="Botoșani", city="atlantis")["count"] == 0
    only_ro = search(client, "en", q="digitalizare", language="ro")["results"]
    assert [r["language"] for r in only_ro] == ["ro"]
    assert search(client, q="Botoșani", language="it")["count"] == 0


def test_drafts_are_never_found(client, seed_news, demo_user):
    services.news_update(actor=demo_user("botosani-editor"), item=seed_news, status="draft")
    assert search(client, q="digitalizare")["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "oras", "kind": "tweet"}, "kind"),
        ({"q": "oras", "language": "xx"}, "language"),
        ({"q": "oras", "page": 0}, "page"),
    ],
)
def test_bad_queries_name_their_parameter(client, demo, params, field):
    errors = field_errors(client.get(SEARCH, params))
    assert (field,) in errors


def test_an_empty_query_says_what_to_do(client, demo):
    errors = field_errors(client.get(SEARCH, {"q": " "}))
    assert errors[("q",)] == "Type what you are looking for."


def test_a_query_of_signs_only_finds_nothing(client, seed_news):
    assert search(client, q="„”!?")["count"] == 0
    assert search(client, q="digitalizare", page=99)["page"] == 1


def test_a_search_takes_a_constant_number_of_queries(client, demo, botosani, demo_user):
    editor = demo_user("botosani-editor")

    def add(number: int) -> None:
        services.news_create(
            actor=editor,
            owner=botosani,
            status="published",
            published_at=timezone.now() - dt.timedelta(hours=1),
            slug=f"stire-{number}",
            texts=[
                {"language": "ro", "title": f"Digitalizare {number}", "body": "Servicii."},
                {"language": "en", "title": f"Digitalisation {number}", "body": "Services."},
            ],
        )

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            body = search(client, "ro", q="digitalizare")
        assert all(result["language"] == "ro" for result in body["results"])
        return len(captured)

    add(0)
    small = count()
    for number in range(1, 12):
        add(number)
    assert search(client, q="digitalizare")["count"] == 12
    assert count() == small
