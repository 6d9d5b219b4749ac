"""The Atom feeds of a network's and a city's news, read back with feedparser as a feed reader
would: entries, titles, links, dates, authors and languages; drafts and scheduled items absent."""

import datetime as dt

import feedparser
import pytest
from django.utils import timezone

from di4c.portal.models import NewsItem
from tests.portal.news_helpers import _empty_page_cache, at, publish  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

CITY_FEED = "/organisations/botosani/news/feed.atom"
NETWORK_FEED = "/networks/di4c/news/feed.atom"


@pytest.fixture
def editor(demo, demo_user):
    NewsItem.objects.all().delete()
    return demo_user("botosani-editor")


def read(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_a_citys_feed_lists_its_published_items_newest_first(
    client, editor, botosani, messina, demo_user
):
    older = publish(editor, botosani, "Kick-off in Botoșani", at(2019, 9, 2), summary="First")
    newer = publish(
        editor, botosani, "Botoșani's plan adopted", at(2022, 11, 8), tags=["Action plan"]
    )
    NewsItem.objects.filter(pk=newer.pk).update(updated_at=at(2022, 11, 9, 15, 18))
    publish(editor, botosani, "Still a draft", at(2020, 1, 1), status="draft")
    publish(editor, botosani, "Scheduled", timezone.now() + dt.timedelta(hours=5))
    publish(demo_user("messina-editor"), messina, "Messina's news", at(2021, 1, 1))

    feed = read(client, CITY_FEED)
    assert feed.feed.title == "News of Municipality of Botoșani"
    assert feed.feed.link == "http://testserver/organisations/botosani/news/"
    assert [entry.title for entry in feed.entries] == [
        "Botoșani's plan adopted",
        "Kick-off in Botoșani",
    ]
    first, second = feed.entries
    assert first.link == "http://testserver" + newer.get_absolute_url()
    assert second.link == "http://testserver" + older.get_absolute_url()
    assert first.author == "Municipality of Botoșani"
    assert second.summary == "First"
    assert dt.datetime(*first.published_parsed[:6], tzinfo=dt.UTC) == at(2022, 11, 8)
    assert dt.datetime(*first.updated_parsed[:6], tzinfo=dt.UTC) == at(2022, 11, 9, 15, 18)
    assert [tag.term for tag in first.tags] == ["Action plan"]
    assert first.id != second.id


def test_a_networks_feed_names_the_partner_that_wrote_each_item(
    client, editor, demo, demo_user, botosani, messina
):
    coordinator = demo_user("coordinator")
    publish(coordinator, demo, "Network news", at(2021, 3, 1), author_organisation=messina)
    publish(editor, botosani, "City news", at(2021, 3, 2))
    feed = read(client, NETWORK_FEED)
    assert [entry.title for entry in feed.entries] == ["Network news"]
    assert feed.entries[0].author == "Municipality of Messina"
    assert feed.entries[0].link.startswith("http://testserver/networks/di4c/news/")


def test_entries_carry_the_language_of_the_version_shown(client, editor, botosani):
    publish(
        editor,
        botosani,
        "",
        at(2019, 9, 2),
        texts=[
            {"language": "ro", "title": "Proiectul „Inovații Digitale pentru Orașe”"},
            {"language": "en", "title": "The Digital Innovation for Cities project"},
        ],
    )
    publish(
        editor, botosani, "", at(2019, 9, 3), texts=[{"language": "ro", "title": "Doar română"}]
    )
    feed = read(client, CITY_FEED)
    assert [(e.title, e.title_detail.language) for e in feed.entries] == [
        ("Doar română", "ro"),
        ("The Digital Innovation for Cities project", "en"),
    ]
    assert feed.feed.language == "en"
    client.cookies["di4c_language"] = "ro"
    feed = read(client, CITY_FEED)
    assert [(e.title, e.title_detail.language) for e in feed.entries] == [
        ("Doar română", "ro"),
        ("Proiectul „Inovații Digitale pentru Orașe”", "ro"),
    ]
    assert feed.feed.language == "ro"


def test_the_feed_holds_the_latest_twenty(client, editor, botosani):
    for index in range(23):
        publish(editor, botosani, f"Item {index:02d}", at(2020, 1, 1 + index))
    feed = read(client, CITY_FEED)
    assert [entry.title for entry in feed.entries] == [f"Item {i:02d}" for i in range(22, 2, -1)]


def test_an_unknown_owner_has_no_feed(client, editor):
    assert client.get("/organisations/nowhere/news/feed.atom").status_code == 404
