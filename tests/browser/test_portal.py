"""The public portal in Chromium: axe-core (WCAG 2.1 AA) on every public page type, in several
languages, the editors' forms with errors shown, and keyboard focus that can be seen."""

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import violations

pytestmark = pytest.mark.browser


def public_page_types():
    """One address of each public page type of the portal, from the demo."""
    from di4c.portal.models import NewsItem, Practice

    item = NewsItem.objects.published().filter(organisation__slug="botosani").last()
    practice = Practice.objects.filter(status="published").first()
    tag = item.tags.first()
    year = item.published_at.year
    month = item.published_at.month
    return [
        "/networks/di4c/news/",
        "/organisations/botosani/news/",
        item.get_absolute_url(),
        f"/organisations/botosani/news/{year}/",
        f"/organisations/botosani/news/{year}/{month:02d}/",
        f"/organisations/botosani/news/tags/{tag.slug}/",
        "/pages/about/",
        "/pages/accessibility/",
        "/pages/privacy/",
        "/networks/di4c/pages/about/",
        "/organisations/botosani/pages/about/",
        "/practices/",
        practice.get_absolute_url(),
        "/search/",
        "/search/?q=digitalizare",
        "/search/?q=zzzznothing",
        "/networks/di4c/",
        "/organisations/botosani/",
    ]


def test_every_public_page_type_passes_axe(page, live_demo):
    """In English, in Romanian (diacritics) and in Greek (another script), on one demo load."""
    base = live_demo.url
    for language in ("en", "ro", "el"):
        for path in public_page_types():
            separator = "&" if "?" in path else "?"
            response = page.goto(f"{base}{path}{separator}lang={language}")
            assert response.status == 200, (language, path)
            assert page.locator("html").get_attribute("lang") == language, (language, path)
            assert violations(page) == [], (language, path)
    assert page.foreign_requests == []


def test_a_news_item_shows_its_photo_with_a_description_and_the_fallback_marker(page, live_demo):
    from di4c.portal.models import NewsItem

    base = live_demo.url
    item = NewsItem.objects.published().filter(organisation__slug="botosani").last()
    page.goto(f"{base}{item.get_absolute_url()}?lang=fi")
    # The seed items have no Finnish version: the page says which language it shows instead.
    assert page.locator(".fallback-marker").count() == 1
    for image in page.locator("main img").all():
        assert (image.get_attribute("alt") or "").strip(), image.get_attribute("src")


def test_editor_forms_with_errors_pass_axe(page, live_demo):
    base = live_demo.url
    sign_in(page, base, "botosani-editor@demo.di4c.eu")
    page.goto(f"{base}/organisations/botosani/news/new/")
    assert violations(page) == [], "new news item"
    page.get_by_role("button", name="Save").first.click()
    # Nothing typed: the form is shown again with its errors, which must pass too.
    assert page.locator(".errorlist, [role=alert]").count() >= 1
    assert violations(page) == [], "new news item with errors"
    page.goto(f"{base}/practices/new/")
    assert violations(page) == [], "new practice"


def test_keyboard_focus_is_visible(page, live_demo):
    base = live_demo.url
    page.goto(f"{base}/practices/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {tag: el.tagName, outline: style.outlineStyle, width: style.outlineWidth};
        }"""
    )
    # The first Tab reaches the skip link, and its focus is drawn.
    assert focused["tag"] == "A"
    assert focused["outline"] != "none" and focused["width"] != "0px"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
