"""The search page (/search/): the same tests run on SQLite (FTS5) and PostgreSQL."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from di4c.portal import services

pytestmark = pytest.mark.django_db

RO_TITLE = "Proiectul „Inovații Digitale pentru Orașe”"
EN_TITLE = "The Digital Innovation for Cities project"


@pytest.fixture
def editor(demo_user):
    return demo_user("botosani-editor")


def publish(editor, owner, texts, **data):
    return services.news_create(
        actor=editor,
        owner=owner,
        status=data.pop("status", "published"),
        published_at=data.pop("published_at", timezone.now()),
        texts=texts,
        **data,
    )


@pytest.fixture
def seed_news(botosani, editor):
    return publish(
        editor,
        botosani,
        [
            {
                "language": "ro",
                "title": RO_TITLE,
                "body": "Municipiul Botoșani participă la digitalizarea instituțiilor publice "
                "și la dezvoltarea serviciilor digitale pentru cetățeni.",
            },
            {
                "language": "en",
                "title": EN_TITLE,
                "body": "Botoșani takes part in the digitalisation of public institutions.",
            },
        ],
    )


def result_titles(page: str) -> list[str]:
    return [unescape(title) for title in re.findall(r'<h2><a href="[^"]*">([^<]*)</a></h2>', page)]


def get(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_romanian_query_finds_the_item_in_romanian(client, seed_news):
    page = get(client, q="digitalizare", lang="ro")
    assert result_titles(page) == [RO_TITLE]
    assert f'<a href="{seed_news.get_absolute_url()}">' in page
    assert '<div lang="ro">' in page
    assert "<span>Primăria Municipiului Botoșani</span>" in page  # the city, in Romanian


def test_an_english_query_finds_the_item_in_english(client, seed_news):
    page = get(client, q="digitalisation")
    assert result_titles(page) == [EN_TITLE]
    assert "1 result for “digitalisation”" in page
    assert '<span class="result-kind">News</span>' in page
    meta = re.search(r'<p class="result-meta">(.*?)</p>', page, re.S).group(1)
    assert "<span>Municipality of Botoșani</span>" in meta
    published = timezone.localtime(seed_news.published_at)
    assert f"{published.day} {published:%B %Y}</time>" in meta
    assert "In English" not in meta  # the reader's own language goes without saying


def test_accents_and_inflections_do_not_matter(client, seed_news):
    for query in ("Orașe", "orase", "ORAȘE", "instituții", "institutiilor", "digitalizării"):
        assert result_titles(get(client, q=query, lang="ro")) == [RO_TITLE], query


def test_a_version_in_another_language_says_its_language(client, seed_news):
    page = get(client, q="digitalizare", language="ro")
    assert result_titles(page) == [RO_TITLE]
    assert "<span>In Romanian</span>" in page  # the reader reads English
    page = get(client, q="digitalizare", language="ro", lang="ro")
    meta = re.search(r'<p class="result-meta">(.*?)</p>', page, re.S).group(1)
    assert meta.count("<span>") == 1  # the city only


def test_filters_by_kind_city_and_language(client, seed_news, botosani, messina):
    assert result_titles(get(client, q="digitalisation", kind="news")) == [EN_TITLE]
    assert result_titles(get(client, q="digitalisation", kind="practice")) == []
    assert result_titles(get(client, q="digitalisation", city="botosani")) == [EN_TITLE]
    assert result_titles(get(client, q="digitalisation", city="botosani", language="ro")) == [
        RO_TITLE
    ]
    assert result_titles(get(client, q="digitalisation", language="it")) == []
    # Only cities with something in the index are offered.
    page = get(client)
    city_select = re.search(r'<select name="city".*?</select>', page, re.S).group(0)
    assert '<option value="botosani">' in city_select
    assert 'value="messina"' not in city_select
    kinds = re.search(r'<select name="kind".*?</select>', page, re.S).group(0)
    for label in (
        "All kinds",
        "News",
        "Good practices",
        "Action plans",
        "Plan actions",
        "Meetings",
        "Public services",
    ):
        assert f">{label}</option>" in kinds
    languages = re.search(r'<select name="language".*?</select>', page, re.S).group(0)
    assert len(re.findall("<option", languages)) == 10


def test_a_stale_filter_is_reported_and_left_out(client, seed_news):
    page = get(client, q="digitalisation", city="nowhere", kind="bogus")
    assert result_titles(page) == [EN_TITLE]
    assert page.count('class="errorlist') >= 2


def test_filters_are_kept_selected(client, seed_news):
    page = get(client, q="digitalisation", kind="news", city="botosani", language="en")
    assert '<option value="news" selected>' in page
    assert '<option value="botosani" selected>' in page
    assert '<option value="en" selected>' in page
    assert 'value="digitalisation"' in page


def test_drafts_and_scheduled_items_are_not_found(client, botosani, editor):
    publish(
        editor,
        botosani,
        [{"language": "en", "title": "A draft about broadband"}],
        status="draft",
        published_at=None,
    )
    publish(
        editor,
        botosani,
        [{"language": "en", "title": "Scheduled broadband news"}],
        published_at=timezone.now() + timedelta(days=3),
    )
    page = get(client, q="broadband")
    assert result_titles(page) == []
    assert "Nothing found for “broadband”" in page


def test_the_query_is_escaped(client, seed_news):
    page = get(client, q='<script>alert("x")</script> digitalisation')
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_an_empty_query_shows_how_to_search(client, seed_news):
    for params in ({}, {"q": "   "}, {"kind": "news"}):
        page = get(client, **params)
        assert "What are you looking for?" in page
        assert result_titles(page) == []
        assert 'class="result-count"' not in page


def test_no_results_gives_tips_and_a_way_out_of_the_filters(client, seed_news):
    page = get(client, q="zzyzx", kind="news")
    assert "Nothing found for “zzyzx”" in page
    assert "Check the spelling" in page
    assert '<a href="/search/?q=zzyzx">Search again without the filters</a>' in page
    assert "Search again without the filters" not in get(client, q="zzyzx")


def many_items(botosani, editor, count, *, start=0):
    for number in range(start, start + count):
        publish(
            editor,
            botosani,
            [{"language": "en", "title": f"Broadband rollout, part {number}"}],
            slug=f"broadband-part-{number}",
            tags=["broadband"],
        )


def test_results_are_paginated_and_pages_keep_the_filters(client, botosani, editor):
    many_items(botosani, editor, 23)
    page = get(client, q="broadband", kind="news", city="botosani")
    assert "23 results for “broadband”" in page
    assert len(result_titles(page)) == 20
    assert "Page 1 of 2" in page
    next_link = unescape(re.search(r'<a href="([^"]*)" rel="next"', page).group(1))
    assert next_link == "?q=broadband&kind=news&city=botosani&page=2"
    second = client.get("/search/" + next_link).content.decode()
    assert len(result_titles(second)) == 3
    assert '<ol class="search-results" start="21">' in second
    previous = unescape(re.search(r'<a href="([^"]*)" rel="prev"', second).group(1))
    assert previous == "?q=broadband&kind=news&city=botosani&page=1"
    assert set(result_titles(page)) | set(result_titles(second)) == {
        f"Broadband rollout, part {number}" for number in range(23)
    }
    # Out of range: the last page.
    assert len(result_titles(get(client, q="broadband", page="99"))) == 3


def test_the_page_is_never_cached(client, seed_news, botosani, editor):
    response = client.get("/search/", {"q": "broadband"})
    assert "X-Di4c-Cache" not in response
    publish(editor, botosani, [{"language": "en", "title": "Broadband at last"}])
    assert result_titles(get(client, q="broadband")) == ["Broadband at last"]


def count_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/search/", params)
    assert response.status_code == 200
    return len(captured)


def test_the_page_takes_as_many_queries_for_25_items_as_for_2(client, botosani, editor):
    many_items(botosani, editor, 2)
    small = count_queries(client, q="broadband", city="botosani")
    many_items(botosani, editor, 23, start=2)
    assert count_queries(client, q="broadband", city="botosani") == small
    assert count_queries(client, q="broadband", city="botosani", page="2") == small


def test_signed_in_people_search_the_same_index(client_as, seed_news):
    client = client_as("messina-editor")
    assert result_titles(get(client, q="digitalisation")) == [EN_TITLE]
