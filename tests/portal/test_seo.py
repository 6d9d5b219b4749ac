"""sitemap.xml, robots.txt, and the head tags of a page whose content is in two languages."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from di4c.portal import services
from di4c.portal.models import SearchEntry

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
SITE = "http://testserver"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached pages are keyed by the revision number, which restarts with each test's database.
    cache.clear()
    yield
    cache.clear()


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
def two_versions(botosani, editor):
    return publish(
        editor,
        botosani,
        [
            {"language": "ro", "title": "Proiectul DI4C", "summary": "Digitalizare la Botoșani."},
            {"language": "en", "title": "The DI4C project", "summary": "Digitalisation."},
        ],
        original_language="ro",
        slug="proiectul-di4c",
        tags=["Smart city"],
        published_at=timezone.make_aware(datetime(2019, 9, 2, 10, 0)),
    )


def sitemap(client) -> dict[str, ET.Element]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{NS['s']}}}urlset"
    urls = {}
    for url in root.findall("s:url", NS):
        loc = url.find("s:loc", NS).text
        assert loc not in urls, f"{loc} twice"
        urls[loc] = url
    return urls


def alternates(url: ET.Element) -> dict[str, str]:
    return {
        link.get("hreflang"): link.get("href")
        for link in url.findall("xhtml:link", NS)
        if link.get("rel") == "alternate"
    }


def test_the_sitemap_lists_the_public_pages(client, demo, botosani, messina):
    urls = sitemap(client)
    for path in (
        "/",
        "/search/",
        "/practices/",
        "/organisations/",
        "/plans/",
        "/networks/di4c/",
        "/organisations/botosani/",
        "/organisations/messina/",
    ):
        assert f"{SITE}{path}" in urls, path
    assert all(loc.startswith(SITE + "/") for loc in urls)
    assert not [loc for loc in urls if "/edit/" in loc or "/accounts/" in loc]


def test_published_news_with_two_versions(client, two_versions, editor, botosani):
    draft = publish(
        editor,
        botosani,
        [{"language": "en", "title": "Not ready"}],
        status="draft",
        published_at=None,
        slug="not-ready",
    )
    scheduled = publish(
        editor,
        botosani,
        [{"language": "en", "title": "Tomorrow"}],
        published_at=timezone.now() + timedelta(days=1),
        slug="tomorrow",
    )
    urls = sitemap(client)
    item = f"{SITE}{two_versions.get_absolute_url()}"
    assert item not in urls  # in two languages: one address per language, the canonical ones
    ro, en = urls[f"{item}?lang=ro"], urls[f"{item}?lang=en"]
    expected = {"ro": f"{item}?lang=ro", "en": f"{item}?lang=en", "x-default": item}
    assert alternates(ro) == alternates(en) == expected
    lastmod = datetime.fromisoformat(ro.find("s:lastmod", NS).text)
    assert abs(lastmod - two_versions.updated_at) < timedelta(seconds=1)
    news = f"{SITE}/organisations/botosani/news/"
    assert news in urls
    assert f"{news}2019/" in urls
    assert f"{news}tags/smart-city/" in urls
    for hidden in (draft, scheduled):
        assert not [loc for loc in urls if hidden.slug in loc]
    assert f"{news}{datetime.now().year}/" not in urls  # only years with published news
    assert "/organisations/messina/news/" not in " ".join(urls)  # no news, no news pages


def test_a_single_language_item_has_no_alternates(client, demo, demo_user):
    item = publish(
        demo_user("coordinator"),
        demo,
        [{"language": "en", "title": "Kick-off in Messina"}],
        slug="kick-off",
    )
    urls = sitemap(client)
    url = urls[f"{SITE}{item.get_absolute_url()}"]
    assert alternates(url) == {}
    assert url.find("s:lastmod", NS) is not None
    assert f"{SITE}/networks/di4c/news/" in urls


def test_practices_pages_plans_and_meetings(
    client, demo_plans, demo_meetings, editor, botosani, demo_user
):
    from di4c.meetings.models import Meeting
    from di4c.plans.models import Plan

    practice = services.practice_create(
        actor=editor,
        organisation=botosani,
        language="ro",
        text={"title": "Ghișeul digital", "summary": "Servicii online."},
        status="published",
    )
    services.practice_text_save(
        actor=editor, practice=practice, language="en", text={"title": "The digital desk"}
    )
    hidden = services.practice_create(
        actor=editor, organisation=botosani, language="en", text={"title": "Unfinished"}
    )
    services.page_text_save(
        actor=demo_user("admin"),
        owner=None,
        kind="about",
        language="en",
        title="About di4c",
        body="Hi.",
    )
    urls = sitemap(client)
    practice_url = f"{SITE}{practice.get_absolute_url()}"
    assert set(alternates(urls[f"{practice_url}?lang=ro"])) == {"ro", "en", "x-default"}
    assert not [loc for loc in urls if hidden.slug in loc]
    assert f"{SITE}/pages/about/" in urls
    assert f"{SITE}/pages/privacy/" not in urls  # not written: no page
    public_plans = Plan.objects.filter(is_public=True)
    assert public_plans.exists()
    for plan in Plan.objects.all():
        assert (f"{SITE}/plans/{plan.pk}/" in urls) == plan.is_public
    assert Meeting.objects.filter(is_public=False).exists()
    for meeting in Meeting.objects.all():
        assert (f"{SITE}{meeting.get_absolute_url()}" in urls) == meeting.is_public


def test_a_new_item_is_listed_at_once(client, two_versions, editor, botosani):
    first = client.get("/sitemap.xml")
    assert client.get("/sitemap.xml")["X-Di4c-Cache"] == "hit"
    item = publish(editor, botosani, [{"language": "en", "title": "Fresh"}], slug="fresh")
    response = client.get("/sitemap.xml")
    assert response["X-Di4c-Cache"] == "miss"
    assert f"{SITE}{item.get_absolute_url()}".encode() in response.content
    assert item.get_absolute_url().encode() not in first.content
    # Back to draft: gone at once.
    services.news_update(actor=editor, item=item, status="draft", published_at=None)
    assert item.get_absolute_url().encode() not in client.get("/sitemap.xml").content


def count_queries(client, address: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured)


def test_the_sitemap_takes_as_many_queries_for_many_items_as_for_few(
    client, two_versions, editor, botosani, messina, demo_user
):
    few = count_queries(client, "/sitemap.xml")
    for number in range(12):
        publish(
            editor,
            botosani,
            [
                {"language": "en", "title": f"Item {number}"},
                {"language": "it", "title": f"Notizia {number}"},
            ],
            slug=f"item-{number}",
            tags=[f"tag {number}"],
            published_at=timezone.now() - timedelta(days=400 * number),
        )
    publish(demo_user("messina-editor"), messina, [{"language": "it", "title": "Ciao"}])
    assert count_queries(client, "/sitemap.xml") == few


def test_robots(client, demo):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for rule in (
        "Allow: /",
        "Disallow: /accounts/",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /*/edit/",
    ):
        assert rule in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert "csrf" not in response.content.decode().lower()


def head_of(client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200
    page = response.content.decode()
    return page[: page.index("</head>")]


def test_head_tags_of_a_news_item_in_two_languages(client, two_versions):
    address = two_versions.get_absolute_url()
    item = f"{SITE}{address}"
    head = head_of(client, f"{address}?lang=ro")
    assert f'<link rel="canonical" href="{item}?lang=ro">' in head
    assert f'<link rel="alternate" hreflang="ro" href="{item}?lang=ro">' in head
    assert f'<link rel="alternate" hreflang="en" href="{item}?lang=en">' in head
    assert f'<link rel="alternate" hreflang="x-default" href="{item}">' in head
    assert '<meta property="og:title" content="Proiectul DI4C' in head
    assert f'<meta property="og:url" content="{item}?lang=ro">' in head
    assert '<meta property="og:locale" content="ro_RO">' in head
    assert '<meta property="og:locale:alternate" content="en_GB">' in head
    assert re.search(r'<meta name="description" content="[^"]*Digitalizare', head)
    assert re.search(r'<meta property="og:description" content="[^"]*Digitalizare', head)
    # Romanian chosen with the header's switcher (remembered), the plain address:
    client.cookies["di4c_language"] = "ro"
    head = head_of(client, address)
    assert f'<link rel="canonical" href="{item}?lang=ro">' in head
    head = head_of(client, f"{address}?lang=en")
    assert f'<link rel="canonical" href="{item}?lang=en">' in head
    assert '<meta property="og:title" content="The DI4C project' in head


def test_the_search_index_command(demo, two_versions, capsys):
    SearchEntry.objects.all().delete()
    call_command("search_index", "rebuild")
    out = capsys.readouterr().out
    assert re.search(r"News\s+2\n", out)
    assert SearchEntry.objects.filter(kind="news", object_id=two_versions.pk).count() == 2
    assert "entries in the index" in out


def test_the_di4c_command_rebuilds_the_index(demo, two_versions, capsys):
    from di4c.cli import main

    SearchEntry.objects.all().delete()
    assert main(["search_index", "rebuild"]) == 0
    assert SearchEntry.objects.filter(kind="news").count() == 2
    assert "News" in capsys.readouterr().out


def test_every_address_in_the_demos_sitemap_is_a_public_page(client, demo_portal):
    urls = sitemap(client)
    assert len(urls) > 50
    for loc in urls:
        response = client.get(loc.removeprefix(SITE))
        assert response.status_code == 200, loc
    kinds = {loc.removeprefix(SITE).split("/")[1] for loc in urls}
    assert {"networks", "organisations", "practices", "plans", "meetings", "pages"} <= kinds
    assert any("/news/" in loc and "?lang=" in loc for loc in urls)
