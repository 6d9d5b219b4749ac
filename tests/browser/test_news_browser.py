"""News end to end in Chromium: an editor writes an item (answering the past-date question),
adds a described photo and a second language; a visitor reads it, follows the archive and the
feed link; axe-core finds no WCAG 2.1 AA violation on any of these pages."""

import datetime as dt
import re

import pytest

from di4c.portal.models import NewsItem
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import violations
from tests.portal.news_helpers import jpeg_bytes

pytestmark = pytest.mark.browser

HOME = "/organisations/botosani/news/"


def exactly(label: str) -> re.Pattern:
    """A field's label as Django writes it (with or without its colon)."""
    return re.compile(rf"^{re.escape(label)}:?$")


def test_an_editor_writes_and_a_visitor_reads_a_news_item(
    page,
    live_demo,  # noqa: F811
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_demo.url
    sign_in(page, base, "botosani-editor@demo.di4c.eu")
    page.goto(f"{base}{HOME}")
    assert violations(page) == [], "news home, signed in"
    page.get_by_role("link", name="Write a news item").click()
    assert violations(page) == [], "new item form"

    page.get_by_label(exactly("Language of this text")).select_option("ro")
    page.get_by_label(exactly("Title")).fill("Întâlnirea de lansare în Botoșani")
    page.get_by_label(exactly("Summary")).fill("Opt orașe s-au întâlnit la Botoșani.")
    page.get_by_label(exactly("Text")).fill("Partenerii s-au întâlnit la **Botoșani**.")
    page.get_by_label(exactly("Web address name")).fill("lansare-botosani")
    page.get_by_label(exactly("Status")).select_option("published")
    page.get_by_label(exactly("Publication date")).fill("2019-09-02T10:00")
    page.get_by_label(exactly("Tags")).fill("Rețea URBACT")
    page.get_by_role("button", name="Save").click()

    # The past date is questioned; what was typed is still there.
    assert page.get_by_text("This publication date is in the past").is_visible()
    assert page.get_by_label(exactly("Title")).input_value() == "Întâlnirea de lansare în Botoșani"
    assert violations(page) == [], "form with the past-date warning"
    page.get_by_label(exactly("Yes, publish with this past date")).check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{base}{HOME}lansare-botosani/")
    assert page.locator("article h1").inner_text() == "Întâlnirea de lansare în Botoșani"

    page.get_by_role("link", name="Photos").first.click()
    page.get_by_label(exactly("Photo")).set_input_files(
        {"name": "lansare.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(size=(800, 600))}
    )
    page.get_by_label(exactly("Description for people who cannot see the photo")).fill(
        "Partenerii în sala de consiliu"
    )
    page.get_by_label(exactly("Cover photo")).check()
    page.get_by_role("button", name="Add the photo").click()
    assert page.get_by_text("The photo is added.").is_visible()
    assert violations(page) == [], "photos page"

    item = NewsItem.objects.get(slug="lansare-botosani", organisation__slug="botosani")
    page.goto(f"{base}{item.get_absolute_url()}versions/en/")
    page.get_by_label(exactly("Title")).fill("Kick-off meeting in Botoșani")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{base}{item.get_absolute_url()}?lang=en")
    assert page.locator("article h1").inner_text() == "Kick-off meeting in Botoșani"
    assert violations(page) == [], "item page, editor"

    # A visitor, in another context: no session, the page as the public sees it.
    visitor = page.context.browser.new_context(locale="it-IT")
    reader = visitor.new_page()
    try:
        reader.goto(f"{base}{item.get_absolute_url()}")
        # Italian is missing: the marker says which version is shown.
        assert reader.locator(".fallback-marker").is_visible()
        assert reader.locator('.news-cover img[alt="Partenerii în sala de consiliu"]').count() == 1
        assert violations(reader) == [], "item page, visitor"
        reader.locator(f'.news-nav a[href="{HOME}2019/"]').click()
        reader.wait_for_url(f"{base}{HOME}2019/")
        assert reader.get_by_role("link", name="Întâlnirea de lansare în Botoșani").count() == 1
        assert violations(reader) == [], "archive of 2019"
        reader.goto(f"{base}{HOME}")
        feed = reader.locator('head link[type="application/atom+xml"]').get_attribute("href")
        assert feed == f"{HOME}feed.atom"
        assert violations(reader) == [], "news home"
        reader.goto(f"{base}{HOME}tags/retea-urbact/")
        assert violations(reader) == [], "tag page"
        assert reader.get_by_role("link", name="Întâlnirea de lansare în Botoșani").count() == 1
    finally:
        visitor.close()
    assert item.published_at < dt.datetime(2019, 9, 3, tzinfo=dt.UTC)
