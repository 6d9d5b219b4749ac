"""The reads behind the news pages (portal/selectors/news.py) on data written by the services:
publication order, neighbours of items published at the same moment, archive counts per
year and month in the site's time zone, tags of an owner; and the form helpers."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from di4c.portal import services
from di4c.portal.forms.news import NewsSettingsForm, split_tags
from di4c.portal.models import NewsItem
from di4c.portal.selectors import news as selectors
from tests.portal.news_helpers import at, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(demo, demo_user):
    NewsItem.objects.all().delete()
    return demo_user("botosani-editor")


def titles(items) -> list[str]:
    return [item.version().title for item in items]


def test_published_items_newest_first_without_drafts_scheduled_or_others(
    editor, botosani, messina, demo_user
):
    publish(editor, botosani, "Old", at(2019, 9, 2))
    publish(editor, botosani, "New", at(2022, 11, 8))
    publish(editor, botosani, "Draft", at(2020, 1, 1), status="draft")
    publish(editor, botosani, "Scheduled", timezone.now() + dt.timedelta(minutes=5))
    publish(demo_user("messina-editor"), messina, "Messina", at(2021, 1, 1))
    assert titles(selectors.published_items(botosani)) == ["New", "Old"]
    assert titles(selectors.latest_items(botosani, 1)) == ["New"]


def test_neighbours_of_items_published_at_the_same_moment(editor, botosani):
    same = at(2019, 9, 2, 10)
    a = publish(editor, botosani, "A", same)
    b = publish(editor, botosani, "B", same)
    c = publish(editor, botosani, "C", same)
    before = publish(editor, botosani, "Before", same - dt.timedelta(seconds=1))
    after = publish(editor, botosani, "After", same + dt.timedelta(seconds=1))
    order = [before, a, b, c, after]
    for index, item in enumerate(order):
        previous, following = selectors.neighbours(item)
        assert previous == (order[index - 1] if index else None), item.slug
        assert following == (order[index + 1] if index + 1 < len(order) else None), item.slug


def test_a_draft_has_the_neighbours_its_date_would_give_it(editor, botosani):
    first = publish(editor, botosani, "First", at(2019, 1, 1))
    last = publish(editor, botosani, "Last", at(2019, 3, 1))
    draft = publish(editor, botosani, "Draft", at(2019, 2, 1), status="draft")
    assert selectors.neighbours(draft) == (first, last)
    assert selectors.neighbours(first) == (None, last)  # the draft is skipped
    undated = publish(editor, botosani, "Undated", None, status="draft")
    assert selectors.neighbours(undated) == (None, None)


def test_archive_counts_by_year_and_month(editor, botosani, messina, demo_user):
    publish(editor, botosani, "S1", at(2019, 9, 2))
    publish(editor, botosani, "S2", at(2019, 9, 30, 23, 59))  # 20:59 UTC, still September
    publish(editor, botosani, "N", at(2019, 11, 8))
    publish(editor, botosani, "J", at(2020, 1, 1, 0, 5))  # 2019 in UTC, 2020 here
    publish(editor, botosani, "D", at(2019, 12, 5), status="draft")
    publish(demo_user("messina-editor"), messina, "M", at(2019, 5, 5))
    assert selectors.archive_years(botosani) == [
        {"year": 2020, "count": 1},
        {"year": 2019, "count": 3},
    ]
    assert selectors.archive_months(botosani, 2019) == [
        {"month": 9, "count": 2},
        {"month": 11, "count": 1},
    ]
    assert titles(selectors.items_in(botosani, 2019, 9)) == ["S2", "S1"]
    assert titles(selectors.items_in(botosani, 2020)) == ["J"]
    assert selectors.archive_months(botosani, 2018) == []


def test_an_owners_tags_count_its_public_items_only(editor, botosani, messina, demo_user):
    publish(editor, botosani, "A", at(2020, 1, 1), tags=["Smart city", "eID"])
    publish(editor, botosani, "B", at(2020, 1, 2), tags=["smart city"])
    publish(editor, botosani, "C", at(2020, 1, 3), tags=["Draft tag"], status="draft")
    publish(demo_user("messina-editor"), messina, "M", at(2020, 1, 4), tags=["Messina tag"])
    assert [(tag.slug, tag.count) for tag in selectors.owner_tags(botosani)] == [
        ("eid", 1),
        ("smart-city", 2),
    ]
    tag = selectors.tag_for("smart-city")
    assert titles(selectors.items_tagged(botosani, tag)) == ["B", "A"]
    with pytest.raises(Http404):
        selectors.tag_for("nothing")


def test_owner_for_reads_the_route(demo, botosani):
    assert selectors.owner_for("network", "di4c") == demo
    assert selectors.owner_for("city", "botosani") == botosani
    for kind, slug in (("city", "di4c"), ("network", "botosani"), ("other", "botosani")):
        with pytest.raises(Http404):
            selectors.owner_for(kind, slug)


def test_item_for_finds_drafts_of_the_owner_only(editor, botosani, messina):
    draft = publish(editor, botosani, "Draft", None, status="draft")
    assert selectors.item_for(botosani, draft.slug) == draft
    with pytest.raises(Http404):
        selectors.item_for(messina, draft.slug)


def test_split_tags():
    assert split_tags(" Smart city,, smart  CITY , eID,") == ["Smart city", "eID"]
    assert split_tags("") == []


def test_the_settings_form_asks_before_a_past_date_only_when_the_date_changes(editor, botosani):
    item = publish(editor, botosani, "Archive item", at(2019, 9, 2, 10))
    stored = NewsSettingsForm.initial_from(item)
    data = {**stored, "published_at": "2019-09-02T10:00", "meeting": "", "plan": ""}
    assert NewsSettingsForm(data, owner=botosani, item=item).is_valid()
    moved = NewsSettingsForm(
        {**data, "published_at": "2019-09-03T10:00"}, owner=botosani, item=item
    )
    assert not moved.is_valid() and moved.asks_past_date_confirmation
    confirmed = NewsSettingsForm(
        {**data, "published_at": "2019-09-03T10:00", "confirm_past_date": "on"},
        owner=botosani,
        item=item,
    )
    assert confirmed.is_valid()
    draft = NewsSettingsForm(
        {**data, "status": "draft", "published_at": "2010-01-01T10:00"}, owner=botosani, item=item
    )
    assert draft.is_valid() and not draft.asks_past_date_confirmation


def test_the_services_refuse_what_the_pages_report(editor, botosani):
    publish(editor, botosani, "Kick-off", at(2019, 9, 2))
    with pytest.raises(ValidationError) as refused:
        publish(editor, botosani, "Kick-off", at(2019, 9, 3))
    assert "“kick-off-2”" in refused.value.message_dict["slug"][0]
    with pytest.raises(ValidationError) as refused:
        services.news_create(actor=editor, owner=botosani, texts=[{"language": "ro", "title": " "}])
    assert refused.value.message_dict["title"] == [
        "Give the news item a title in at least one language."
    ]
