"""In Chromium: a city editor shares a practice, a coordinator writes a static page, a visitor
reads both; axe-core finds no WCAG 2.1 AA violation on any of these pages, errors shown."""

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import violations

pytestmark = pytest.mark.browser


def test_sharing_a_practice_and_writing_a_static_page(page, live_demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_demo.url
    sign_in(page, base, "botosani-editor@demo.di4c.eu")
    page.goto(f"{base}/practices/")
    page.get_by_role("link", name="Share a practice").click()
    assert violations(page) == [], "new practice form"
    page.locator("#id_title").fill("Ghișeul digital")
    page.get_by_label("Summary").fill("Every request online, one account.")
    page.get_by_label("Cost (EUR)").fill("-5")
    page.get_by_role("button", name="Save").click()
    # Refused, with what was typed kept and the errors passing axe.
    assert page.locator("#id_title").input_value() == "Ghișeul digital"
    assert page.get_by_role("alert").first.is_visible()
    assert violations(page) == [], "new practice form with errors"
    page.get_by_label("Cost (EUR)").fill("50000")
    page.get_by_label("Status").select_option("published")
    page.locator("#id_figure_0_value").fill("+38 %")
    page.get_by_label("What figure 1 measures").fill("of requests made online")
    page.get_by_label("Maturity dimensions it improves").select_option(
        ["di4c-city:PS", "di4c-city:SG"]
    )
    page.get_by_label("Services it concerns").select_option(["birth-registration"])
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{base}/practices/ghiseul-digital/")
    assert page.get_by_test_id("practice-figures").inner_text().startswith("+38 %")
    assert "PS – Digital public services" in page.get_by_test_id("practice-dimensions").inner_text()
    assert violations(page) == [], "practice page, for its editor"
    page.get_by_test_id("practice-languages").get_by_role("link", name="Romanian").click()
    assert violations(page) == [], "version form"
    page.locator("#id_title").fill("Ghișeul digital (ro)")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{base}/practices/ghiseul-digital/")
    assert "The text in Romanian is saved." in page.get_by_role("status").first.inner_text()
    page.goto(f"{base}/practices/ghiseul-digital/attachments/")
    page.locator("#id_file").set_input_files(
        files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"}]
    )
    page.get_by_role("button", name="Upload").click()
    assert page.get_by_test_id("attachments").inner_text().startswith("report.pdf")
    assert violations(page) == [], "attachments page"

    visitor = page.context.browser.new_context(locale="en-GB").new_page()
    visitor.goto(f"{base}/practices/?transferability=medium")
    assert "Ghișeul digital" in visitor.get_by_test_id("practices").inner_text()
    assert violations(visitor) == [], "library"
    visitor.get_by_role("link", name="Ghișeul digital").click()
    assert visitor.locator(".fallback-marker").count() == 0
    assert violations(visitor) == [], "practice page"
    visitor.goto(f"{base}/practices/ghiseul-digital/?lang=it")
    assert visitor.locator(".fallback-marker").count() == 1
    assert violations(visitor) == [], "practice page, fallback"
    visitor.context.close()

    # One demo load for both flows (it is the slow part): the static pages next.
    page.context.clear_cookies()
    sign_in(page, base, "coordinator@demo.di4c.eu")
    page.goto(f"{base}/networks/di4c/pages/accessibility/")
    assert violations(page) == [], "missing page, for its editor"
    page.get_by_role("link", name="Write it").click()
    body = page.get_by_label("Text (Markdown)")
    assert "Directive (EU) 2016/2102" in body.input_value()
    assert violations(page) == [], "page form"
    page.locator("#id_title").fill("")
    page.get_by_role("button", name="Save").click()
    assert "Directive (EU) 2016/2102" in page.get_by_label("Text (Markdown)").input_value()
    assert violations(page) == [], "page form with errors"
    page.locator("#id_title").fill("Accessibility statement")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{base}/networks/di4c/pages/accessibility/")
    assert page.get_by_role("heading", name="Compliance status").is_visible()
    visitor = page.context.browser.new_context(locale="en-GB").new_page()
    visitor.goto(f"{base}/networks/di4c/pages/accessibility/")
    assert "Last modified on" in visitor.locator(".last-modified").inner_text()
    assert violations(visitor) == [], "static page"
    visitor.context.close()
