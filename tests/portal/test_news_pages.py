"""The public news pages with the test client, as visitors read them: the news home, an item
with its previous/next links, the archive by year and month, tag pages, the reader's language
(with the marker when it is missing), "Last modified on … by …", sanitised text, drafts,
the page cache and constant query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from di4c.meetings.models import Meeting
from di4c.plans.models import Plan
from di4c.portal import services
from di4c.portal.cache import forget_revision
from di4c.portal.models import NewsItem
from di4c.portal.views.news import photo_url
from tests.portal.news_helpers import (  # noqa: F401 (fixtures)
    _empty_page_cache,
    add_photo,
    at,
    media_folder,
    parsed,
    publish,
    select,
    text_of,
)

pytestmark = pytest.mark.django_db

HOME = "/organisations/botosani/news/"
NETWORK_HOME = "/networks/di4c/news/"


@pytest.fixture
def editor(demo, demo_user):
    # Whatever news the demo may bring, these tests count their own.
    NewsItem.objects.all().delete()
    return demo_user("botosani-editor")


@pytest.fixture
def coordinator(demo, demo_user):
    return demo_user("coordinator")


def links(doc, selector: str) -> list[tuple[str, str]]:
    return [(" ".join(a.text_content().split()), a.get("href")) for a in select(doc, selector)]


def card_titles(response) -> list[str]:
    return [" ".join(h.text_content().split()) for h in select(parsed(response), ".news-card h2")]


# --- the news home --------------------------------------------------------------------------


def test_the_home_lists_the_latest_published_items_ten_per_page(client, editor, botosani, media):
    for day in range(1, 13):
        publish(editor, botosani, f"Item {day:02d}", at(2021, 3, day))
    publish(editor, botosani, "A draft", at(2021, 3, 20), status="draft")
    publish(editor, botosani, "Scheduled", timezone.now() + dt.timedelta(days=3))
    first = client.get(HOME)
    assert first.status_code == 200
    assert card_titles(first) == [f"Item {day:02d}" for day in range(12, 2, -1)]
    second = client.get(HOME + "?page=2")
    assert card_titles(second) == ["Item 02", "Item 01"]
    page = text_of(first)
    assert "A draft" not in page and "Scheduled" not in page
    assert "12 March 2021 · Municipality of Botoșani" in page
    assert "Summary of Item 12" in page


def test_a_card_shows_the_cover_thumbnail_with_its_description(client, editor, botosani, media):
    item = publish(editor, botosani, "With a cover")
    add_photo(editor, item, "Partners around a table in Botoșani", cover=True)
    add_photo(editor, item, "Only in the gallery")
    [image] = select(parsed(client.get(HOME)), ".news-card img")
    assert image.get("alt") == "Partners around a table in Botoșani"
    cover = item.images.get(is_cover=True)
    assert image.get("src") == photo_url(cover, "thumbnail")


def test_the_sidebar_has_archive_years_tags_and_the_feed(client, editor, botosani):
    publish(editor, botosani, "A", at(2019, 9, 2), tags=["Smart city"])
    publish(editor, botosani, "B", at(2019, 11, 8), tags=["Smart city", "Local group"])
    publish(editor, botosani, "C", at(2022, 11, 8))
    publish(editor, botosani, "Draft", at(2020, 1, 8), status="draft", tags=["Hidden"])
    doc = parsed(client.get(HOME))
    assert links(doc, '.news-sidebar ul[aria-labelledby="news-archive-heading"] a') == [
        ("2022", HOME + "2022/"),
        ("2019", HOME + "2019/"),
    ]
    sidebar = " ".join(select(doc, ".news-sidebar")[0].text_content().split())
    assert "2022 (1 item)" in sidebar and "2019 (2 items)" in sidebar
    assert "Local group (1)" in sidebar and "Smart city (2)" in sidebar
    assert "Hidden" not in sidebar and "2020" not in sidebar
    [feed] = doc.xpath('//head/link[@type="application/atom+xml"]')
    assert feed.get("rel") == "alternate" and feed.get("href") == HOME + "feed.atom"
    assert doc.xpath(f'//aside//a[@href="{HOME}feed.atom"]')
    # No "write" link for visitors.
    assert not doc.xpath(f'//a[@href="{HOME}new/"]')


def test_the_write_link_is_for_those_who_may_write(client_as, editor, botosani):
    assert parsed(client_as("botosani-editor").get(HOME)).xpath(f'//a[@href="{HOME}new/"]')
    assert not parsed(client_as("messina-editor").get(HOME)).xpath(f'//a[@href="{HOME}new/"]')


def test_unknown_owners_are_not_found(client, editor):
    assert client.get("/organisations/nowhere/news/").status_code == 404
    assert client.get("/networks/nowhere/news/").status_code == 404


# --- archive --------------------------------------------------------------------------------


def test_the_archive_of_a_year_counts_its_months_and_lists_its_items(client, editor, botosani):
    publish(editor, botosani, "September one", at(2019, 9, 2))
    publish(editor, botosani, "September two", at(2019, 9, 30, 23, 30))
    publish(editor, botosani, "November", at(2019, 11, 8))
    publish(editor, botosani, "Another year", at(2022, 11, 8))
    publish(editor, botosani, "Draft of 2019", at(2019, 10, 1), status="draft")
    response = client.get(HOME + "2019/")
    assert response.status_code == 200
    doc = parsed(response)
    months = [" ".join(li.text_content().split()) for li in select(doc, ".news-months li")]
    assert months == ["September (2)", "November (1)"]
    assert card_titles(response) == ["November", "September two", "September one"]
    assert "Archive 2019" in text_of(response)

    september = client.get(HOME + "2019/09/")
    assert card_titles(september) == ["September two", "September one"]
    assert "Archive: September 2019" in text_of(september)
    assert client.get(HOME + "2019/10/").status_code == 404  # only a draft
    assert client.get(HOME + "2018/").status_code == 404


def test_the_archive_counts_in_the_sites_time_zone(client, editor, botosani):
    # 00:30 in Bucharest on 1 January 2020 is still 2019 in UTC: the site counts it in 2020.
    publish(editor, botosani, "New year", at(2020, 1, 1, 0, 30))
    publish(editor, botosani, "New year's eve", at(2019, 12, 31, 23, 30))
    assert card_titles(client.get(HOME + "2020/01/")) == ["New year"]
    assert card_titles(client.get(HOME + "2019/12/")) == ["New year's eve"]
    sidebar = text_of(client.get(HOME))
    assert "2020 (1 item)" in sidebar and "2019 (1 item)" in sidebar


def test_a_tag_page_lists_the_owners_items_with_the_tag(
    client, editor, botosani, messina, demo_user
):
    publish(editor, botosani, "Tagged", at(2020, 5, 1), tags=["Digital services"])
    publish(editor, botosani, "Tagged too", at(2020, 6, 1), tags=["digital services", "Other"])
    publish(editor, botosani, "Not tagged", at(2020, 7, 1))
    publish(demo_user("messina-editor"), messina, "Messina's", at(2020, 8, 1), tags=["Other"])
    response = client.get(HOME + "tags/digital-services/")
    assert response.status_code == 200
    assert card_titles(response) == ["Tagged too", "Tagged"]
    assert "News tagged “Digital services”" in text_of(response)
    assert client.get("/organisations/messina/news/tags/digital-services/").status_code == 404
    assert client.get(HOME + "tags/no-such-tag/").status_code == 404


# --- an item's page -------------------------------------------------------------------------


def nav_links(response) -> list[str]:
    return [text for text, _href in links(parsed(response), ".news-nav a")]


def test_previous_and_next_follow_the_publication_order(
    client, editor, botosani, messina, demo_user
):
    same = at(2019, 9, 2, 10, 0)
    oldest = publish(editor, botosani, "Oldest", at(2019, 8, 1))
    first = publish(editor, botosani, "Same time one", same)
    second = publish(editor, botosani, "Same time two", same)
    third = publish(editor, botosani, "Same time three", same)
    newest = publish(editor, botosani, "Newest", at(2022, 11, 8))
    publish(editor, botosani, "A draft between", at(2019, 9, 2, 11), status="draft")
    publish(editor, botosani, "Scheduled", timezone.now() + dt.timedelta(days=1))
    publish(demo_user("messina-editor"), messina, "Messina's, same time", same)

    chain, url = [], oldest.get_absolute_url()
    while url:
        response = client.get(url)
        doc = parsed(response)
        chain.append(" ".join(select(doc, "article h1")[0].text_content().split()))
        following = select(doc, '.news-nav a[rel="next"]')
        url = following[0].get("href") if following else None
    assert chain == ["Oldest", "Same time one", "Same time two", "Same time three", "Newest"]

    middle = client.get(second.get_absolute_url())
    assert nav_links(middle)[:3] == [
        "Previous: Same time one",
        "Next: Same time three",
        "Archive 2019",
    ]
    assert links(parsed(middle), ".news-nav a")[2][1] == HOME + "2019/"
    assert nav_links(client.get(oldest.get_absolute_url()))[0] == "Next: Same time one"
    assert nav_links(client.get(newest.get_absolute_url()))[0] == "Previous: Same time three"
    assert first.pk < second.pk < third.pk


def test_the_item_page_shows_cover_gallery_tags_and_body(client, editor, botosani, media):
    item = publish(
        editor,
        botosani,
        "Kick-off",
        at(2019, 9, 2),
        tags=["Smart city"],
        body="## The meeting\n\nPartners met in **Botoșani**.",
    )
    add_photo(editor, item, "The cover photo", cover=True, caption="At the city hall")
    add_photo(editor, item, "Second photo", caption="Workshop")
    doc = parsed(client.get(item.get_absolute_url()))
    [cover] = select(doc, ".news-cover img")
    assert cover.get("alt") == "The cover photo"
    assert "At the city hall" in select(doc, ".news-cover figcaption")[0].text_content()
    [link] = select(doc, ".photo-grid a")
    assert select(link, "img")[0].get("alt") == "Second photo"
    gallery = item.images.get(is_cover=False)
    assert link.get("href") == photo_url(gallery, "image")
    assert select(link, "img")[0].get("src") == photo_url(gallery, "thumbnail")
    assert photo_url(gallery, "image") != photo_url(gallery, "thumbnail")
    assert select(doc, ".news-body h3")[0].text_content() == "The meeting"
    assert select(doc, ".news-body strong")[0].text_content() == "Botoșani"
    assert links(doc, '.news-facts a[rel="tag"]') == [("Smart city", HOME + "tags/smart-city/")]
    head = doc.xpath('//head/meta[@property="og:image"]')
    assert head and head[0].get("content").startswith("http://testserver/")
    assert doc.xpath('//head/meta[@name="description"]')[0].get("content") == (
        "Summary of Kick-off"
    )


def test_a_linked_meeting_or_plan_is_shown_only_when_public(client, editor, botosani, demo):
    meeting = Meeting.objects.create(
        network=demo,
        kind="transnational",
        title="Kick-off meeting",
        host=botosani,
        starts_at=at(2019, 9, 2, 9),
        ends_at=at(2019, 9, 3, 17),
    )
    plan = Plan.objects.create(organisation=botosani, network=demo, title="Botoșani's plan")
    item = publish(editor, botosani, "Linked", at(2019, 9, 4), meeting=meeting, plan=plan)
    page = text_of(client.get(item.get_absolute_url()))
    assert "Kick-off meeting" not in page and "Botoșani's plan" not in page
    Meeting.objects.filter(pk=meeting.pk).update(is_public=True)
    Plan.objects.filter(pk=plan.pk).update(is_public=True)
    services.news_update(actor=editor, item=item, tags=["x"])  # a change: a fresh page
    doc = parsed(client.get(item.get_absolute_url()))
    assert ("Kick-off meeting", meeting.get_absolute_url()) in links(doc, ".news-facts a")
    assert ("Botoșani's plan", plan.get_absolute_url()) in links(doc, ".news-facts a")


# --- languages ------------------------------------------------------------------------------

SEED_RO = {
    "language": "ro",
    "title": "Proiectul „Inovații Digitale pentru Orașe”",
    "summary": "Botoșani în rețeaua URBACT.",
    "body": "Municipiul Botoșani participă la proiect.",
}
SEED_EN = {
    "language": "en",
    "title": "The Digital Innovation for Cities project",
    "summary": "Botoșani in the URBACT network.",
    "body": "Botoșani takes part in the project.",
}


def test_a_missing_language_is_marked_and_the_original_shown(client, editor, botosani):
    item = publish(editor, botosani, "", at(2019, 9, 2), texts=[SEED_RO])
    doc = parsed(client.get(item.get_absolute_url()))
    [marker] = select(doc, ".fallback-marker")
    assert " ".join(marker.text_content().split()) == (
        "This text is not available in your language yet: it is shown in Romanian."
    )
    assert select(doc, "article")[0].get("lang") == "ro"
    assert select(doc, "article h1")[0].text_content() == SEED_RO["title"]
    # A reader of Romanian sees no marker; the interface speaks Romanian too.
    client.cookies["di4c_language"] = "ro"
    doc = parsed(client.get(item.get_absolute_url()))
    assert select(doc, ".fallback-marker") == []
    assert doc.getroottree().getroot().get("lang") == "ro"


def test_the_readers_version_and_links_to_the_others(client, editor, botosani):
    item = publish(editor, botosani, "", at(2019, 9, 2), texts=[SEED_RO, SEED_EN])
    doc = parsed(client.get(item.get_absolute_url()))
    assert select(doc, "article h1")[0].text_content() == SEED_EN["title"]
    assert select(doc, ".fallback-marker") == []
    [other] = select(doc, '.news-facts a[hreflang="ro"]')
    assert other.get("href") == "?lang=ro" and other.text_content() == "Română"
    doc = parsed(client.get(item.get_absolute_url() + "?lang=ro"))
    assert select(doc, "article h1")[0].text_content() == SEED_RO["title"]
    assert select(doc, '.news-facts a[hreflang="en"]')
    # base.html's hreflang alternates name both versions.
    hreflangs = {link.get("hreflang") for link in doc.xpath("//head/link[@hreflang]")}
    assert {"ro", "en"} <= hreflangs


def _last_modified(response) -> str:
    return " ".join(select(parsed(response), ".last-modified")[0].text_content().split())


def test_last_modified_on_by_in_the_readers_language(client, editor, botosani):
    item = publish(editor, botosani, "", at(2022, 11, 8), texts=[SEED_RO, SEED_EN])
    NewsItem.objects.filter(pk=item.pk).update(updated_at=at(2022, 11, 8, 15, 18))
    assert _last_modified(client.get(item.get_absolute_url())) == (
        "Last modified on 08.11.2022 – 15:18 by Municipality of Botoșani"
    )
    client.cookies["di4c_language"] = "ro"
    assert _last_modified(client.get(item.get_absolute_url())) == (
        "Ultima modificare: 08.11.2022 – 15:18 de către Primăria Municipiului Botoșani"
    )


def test_a_network_item_names_its_author_organisation(client, coordinator, demo, messina):
    item = publish(coordinator, demo, "Network news", at(2021, 1, 5), author_organisation=messina)
    NewsItem.objects.filter(pk=item.pk).update(updated_at=at(2021, 1, 6, 9, 5))
    response = client.get(item.get_absolute_url())
    assert item.get_absolute_url().startswith(NETWORK_HOME)
    assert _last_modified(response) == (
        "Last modified on 06.01.2021 – 09:05 by Municipality of Messina"
    )
    assert "5 January 2021 · Municipality of Messina" in text_of(response)


# --- safety and visibility ------------------------------------------------------------------


def test_html_in_the_text_is_never_run(client, editor, botosani):
    item = publish(
        editor,
        botosani,
        "Careful",
        body='Hello <script>alert("x")</script> and <img src=x onerror=alert(1)> '
        "[a link](javascript:alert(2))",
        summary='<script>alert("s")</script>',
    )
    response = client.get(item.get_absolute_url())
    content = response.content.decode()
    assert "<script>alert" not in content and "<img src=x" not in content
    assert "javascript:" not in content
    doc = parsed(response)
    assert doc.xpath("//script") == []
    assert '<script>alert("x")</script>' in select(doc, ".news-body")[0].text_content()
    assert "<script>" not in client.get(HOME).content.decode()


def test_drafts_and_scheduled_items_are_for_their_editors_only(client, client_as, editor, botosani):
    draft = publish(editor, botosani, "Work in progress", None, status="draft")
    later = timezone.now() + dt.timedelta(days=2)
    scheduled = publish(editor, botosani, "Coming soon", later)
    for item in (draft, scheduled):
        assert client.get(item.get_absolute_url()).status_code == 404
    assert client_as("messina-editor").get(draft.get_absolute_url()).status_code == 404
    editor_client = client_as("botosani-editor")
    page = text_of(editor_client.get(draft.get_absolute_url()))
    assert "Draft — not public" in page
    page = text_of(editor_client.get(scheduled.get_absolute_url()))
    local = timezone.localtime(scheduled.published_at)
    assert f"Scheduled for {local.day} {local:%B %Y, %H:%M}" in page


# --- the page cache -------------------------------------------------------------------------


def test_pages_are_cached_per_language_and_refreshed_by_a_change(client, editor, botosani):
    item = publish(editor, botosani, "", at(2019, 9, 2), texts=[SEED_RO, SEED_EN])
    url = item.get_absolute_url()
    assert client.get(url)["X-Di4c-Cache"] == "miss"
    cached = client.get(url)
    assert cached["X-Di4c-Cache"] == "hit"
    assert SEED_EN["title"] in cached.content.decode()
    assert client.get(HOME)["X-Di4c-Cache"] == "miss"
    assert client.get(HOME)["X-Di4c-Cache"] == "hit"

    client.cookies["di4c_language"] = "ro"
    romanian = client.get(url)
    assert romanian["X-Di4c-Cache"] == "miss"
    assert SEED_RO["title"] in romanian.content.decode()
    assert client.get(url)["X-Di4c-Cache"] == "hit"

    services.news_text_save(actor=editor, item=item, language="ro", title="Titlu nou")
    fresh = client.get(url)
    assert fresh["X-Di4c-Cache"] == "miss"
    assert "Titlu nou" in fresh.content.decode()
    assert "Titlu nou" in client.get(HOME).content.decode()
    client.cookies["di4c_language"] = "en"
    assert SEED_EN["title"] in client.get(url).content.decode()


def test_a_new_photo_or_tag_refreshes_the_cached_pages(client, editor, botosani, media):
    item = publish(editor, botosani, "Photos later")
    url = item.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Di4c-Cache"] == "hit"
    add_photo(editor, item, "A new cover", cover=True)
    assert select(parsed(client.get(url)), '.news-cover img[alt="A new cover"]')
    services.news_update(actor=editor, item=item, tags=["Fresh tag"])
    assert "Fresh tag" in text_of(client.get(url))


# --- query counts ---------------------------------------------------------------------------


def _queries(client, url) -> int:
    # Every measurement reads the revision afresh (a worker does so at most once a second).
    forget_revision()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if __import__("os").environ.get("SHOWQ"):
        print(url, *[q["sql"][:150] for q in captured.captured_queries], sep="\n  ")
    assert response.status_code == 200, url
    assert response.get("X-Di4c-Cache") != "hit", url
    return len(captured)


def _fill(editor, coordinator, owners, count: int, start: int = 0):
    network, city = owners
    for index in range(start, start + count):
        when = at(2019, 1 + index % 12, 1 + index % 27, 10)
        for actor, owner in ((editor, city), (coordinator, network)):
            item = publish(
                actor,
                owner,
                "",
                when,
                tags=[f"Tag {index % 7}", "Common"],
                texts=[
                    {"language": "en", "title": f"Item {index}", "summary": "S", "body": "B"},
                    {"language": "ro", "title": f"Știre {index}", "summary": "R", "body": "T"},
                ],
            )
            add_photo(actor, item, f"Cover {index}", cover=True)
            add_photo(actor, item, f"Gallery {index}")


def _page_urls(owner_home: str, item_url: str) -> list[str]:
    return [
        owner_home,
        owner_home + "?page=2",
        owner_home + "2019/",
        owner_home + "2019/01/",
        owner_home + "tags/common/",
        owner_home + "feed.atom",
        item_url,
    ]


def test_public_pages_take_as_many_queries_for_30_items_as_for_3(
    client, editor, coordinator, demo, botosani, media
):
    owners = (demo, botosani)
    _fill(editor, coordinator, owners, 3)
    city_item = NewsItem.objects.filter(organisation=botosani).order_by("pk")[1]
    network_item = NewsItem.objects.filter(network=demo).order_by("pk")[1]
    urls = _page_urls(HOME, city_item.get_absolute_url()) + _page_urls(
        NETWORK_HOME, network_item.get_absolute_url()
    )
    few = {}
    for url in urls:
        if url.endswith("?page=2"):
            continue  # one page only so far
        few[url] = _queries(client, url)
    _fill(editor, coordinator, owners, 27, start=3)
    many = {url: _queries(client, url) for url in few}
    assert many == few
    # The second page of a long list costs the same as the first.
    assert _queries(client, HOME + "?page=2") == few[HOME]


def test_editors_item_page_takes_a_constant_number_of_queries(
    client_as, editor, coordinator, demo, botosani, media
):
    client = client_as("botosani-editor")
    _fill(editor, coordinator, (demo, botosani), 2)
    # One with a previous and a next item, in both cases.
    item = NewsItem.objects.filter(organisation=botosani).order_by("published_at", "pk")[1]
    few = _queries(client, item.get_absolute_url())
    _fill(editor, coordinator, (demo, botosani), 10, start=2)
    services.news_text_save(actor=editor, item=item, language="it", title="Notizia")
    add_photo(editor, item, "One more")
    assert _queries(client, item.get_absolute_url()) == few


# --- photo files ----------------------------------------------------------------------------


def test_photo_files_are_served_for_public_items_only(rf, editor, botosani, media):
    from django.contrib.auth.models import AnonymousUser

    from di4c.portal.views.news import news_photo_file

    public = publish(editor, botosani, "Public")
    draft = publish(editor, botosani, "Draft", None, status="draft")
    shown, hidden = add_photo(editor, public, "Shown"), add_photo(editor, draft, "Hidden")

    def get(image, size, user):
        request = rf.get("/")
        request.user = user
        return news_photo_file(request, pk=image.pk, size=size)

    response = get(shown, "thumbnail", AnonymousUser())
    assert response["Content-Type"] == "image/jpeg"
    with shown.thumbnail.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    assert get(shown, "image", AnonymousUser()).status_code == 200
    for image, size, user in ((hidden, "image", AnonymousUser()), (shown, "other", editor)):
        with pytest.raises(Http404):
            get(image, size, user)
    assert get(hidden, "image", editor).status_code == 200


# --- the owner's own page -------------------------------------------------------------------


def test_the_city_and_network_pages_show_the_three_latest_items(
    client, editor, coordinator, demo, botosani
):
    for day in range(1, 6):
        publish(editor, botosani, f"City item {day}", at(2021, 5, day))
    publish(editor, botosani, "City draft", at(2021, 5, 9), status="draft")
    publish(coordinator, demo, "Network item", at(2021, 6, 1))
    doc = parsed(client.get("/organisations/botosani/"))
    [section] = select(doc, ".latest-news")
    assert links(section, "li a") == [
        (f"City item {day}", f"{HOME}city-item-{day}/") for day in (5, 4, 3)
    ]
    assert links(section, "p a") == [("All news of Municipality of Botoșani", HOME)]
    doc = parsed(client.get("/networks/di4c/"))
    [section] = select(doc, ".latest-news")
    assert links(section, "li a") == [("Network item", f"{NETWORK_HOME}network-item/")]
