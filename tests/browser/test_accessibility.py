"""WCAG 2.1 AA checks by axe-core (vendored, MPL-2.0) on the pages people use most."""

from pathlib import Path

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text()
PUBLIC_PAGES = [
    "/",
    "/programmes/urbact-iii/",
    "/networks/di4c/",
    "/organisations/",
    "/organisations/botosani/",
    "/accounts/login/",
    "/accounts/password-reset/",
    "/no-such-page/",
]
COORDINATOR_PAGES = [
    "/networks/di4c/edit/",
    "/networks/di4c/history/",
    "/networks/di4c/members/",
    "/networks/di4c/partners/add/",
    "/accounts/invite/network/di4c/",
    "/accounts/profile/",
    "/organisations/messina/edit/",
    "/networks/di4c/maturity/",
    "/organisations/botosani/maturity/",
    "/maturity/frameworks/di4c-city/v1/",
    "/networks/di4c/services/",
]


def violations(page) -> list[str]:
    page.add_script_tag(content=AXE)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(
                v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
        }"""
    )
    return result


@pytest.mark.parametrize("language", ["en", "ro"])
def test_public_pages_pass_axe(page, live_demo, language):
    base = live_demo.url
    page.context.add_cookies([{"name": "di4c_language", "value": language, "url": base}])
    for path in PUBLIC_PAGES:
        page.goto(f"{base}{path}")
        assert violations(page) == [], path


def test_coordinator_pages_pass_axe(page, live_demo):
    base = live_demo.url
    sign_in(page, base, "coordinator@demo.di4c.eu")
    for path in COORDINATOR_PAGES:
        page.goto(f"{base}{path}")
        assert violations(page) == [], path
    from di4c.maturity.models import Assessment

    result = Assessment.objects.filter(organisation__slug="botosani").order_by("-pk").first()
    page.goto(f"{base}{result.get_absolute_url()}")
    page.locator("#radar[data-ready]").wait_for()
    assert violations(page) == [], "assessment result"
    # Pages with errors shown must pass too.
    page.goto(f"{base}/networks/di4c/edit/")
    page.get_by_label("Budget (EUR)").fill("-1")
    page.get_by_role("button", name="Save").click()
    assert violations(page) == [], "edit form with errors"


def test_answer_page_passes_axe(page, live_demo):
    base = live_demo.url
    sign_in(page, base, "botosani-editor@demo.di4c.eu")
    page.goto(f"{base}/organisations/botosani/maturity/")
    page.get_by_role("button", name="Start").click()
    page.locator("form[data-autosave]").first.wait_for()
    assert violations(page) == [], "answer page"


def test_services_pages_pass_axe(page, live_demo):
    base = live_demo.url
    sign_in(page, base, "botosani-editor@demo.di4c.eu")
    for path in (
        "/organisations/botosani/services/",
        "/organisations/botosani/services/new/",
        "/organisations/botosani/services/import/",
    ):
        page.goto(f"{base}{path}")
        assert violations(page) == [], path
    page.goto(f"{base}/organisations/botosani/services/")
    page.locator("main table a").first.click()
    assert violations(page) == [], "service page"
