"""A staff member of Botoșani completes the skills self-assessment on a phone (360 x 740).

They open the single-use link their department handed out, choose their role, first send the
answers with one competence left unanswered (the page says which, keeps every answer), then
complete and send them and see the thanks page; the link then says it has been used. The answer
page passes axe, clean and with the error shown, and never scrolls sideways.

The test makes the round, the departments, the roles and the link through the services, so it
passes whether or not the demo holds capacity data."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import violations

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
EDITOR = "botosani-editor@demo.di4c.eu"


@pytest.fixture
def phone(browser, live_demo):
    context = browser.new_context(
        locale="en-GB", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    foreign_requests = []
    own_host = urlparse(live_demo.url).netloc
    page.on(
        "request",
        lambda request: (
            urlparse(request.url).netloc not in ("", own_host)
            and foreign_requests.append(request.url)
        ),
    )
    page.foreign_requests = foreign_requests
    yield page
    context.close()


def _scrolls_sideways(page) -> bool:
    width = page.evaluate("document.documentElement.scrollWidth")
    return width > PHONE["width"]


def _competence(page, code: str):
    return page.locator("#competence-" + code.replace(".", "-"))


def test_a_staff_member_completes_the_self_assessment_on_a_phone(phone, live_demo):
    from django.contrib.auth import get_user_model

    from di4c.capacity.models import RoundLink
    from di4c.capacity.selectors import round_results
    from di4c.networks.models import Organisation
    from tests.capacity.answer_helpers import (
        competence_codes,
        link_for_department,
        make_open_round,
    )

    editor = get_user_model().objects.get(email=EDITOR)
    botosani = Organisation.objects.get(slug="botosani")
    round_ = make_open_round(botosani, editor, access="links", title="Staff digital skills 2026")
    token = link_for_department(round_, editor, "Taxes")
    codes = competence_codes(round_)
    left_out = codes[-1]
    page = phone
    base = live_demo.url

    page.goto(f"{base}/skills/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff digital skills 2026")
    expect(page.get_by_test_id("anonymity-promise")).to_contain_text("not even the administrator")
    assert not _scrolls_sideways(page), "answer page"
    assert violations(page) == [], "answer page"

    page.get_by_role("group", name="Your role").get_by_label("Front office", exact=True).check()
    for index, code in enumerate(codes[:-1]):
        level = (index % 8) + 1
        _competence(page, code).get_by_label(f"Level {level} ·").check()
    # Without the script the page works too; with it, it counts the answers given.
    expect(page.locator("#skills-progress")).to_have_text(
        f"{len(codes) - 1} of {len(codes)} competences answered"
    )
    page.get_by_role("button", name="Send my answers").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(_competence(page, left_out).locator(".errorlist")).to_have_text(
        "Choose the level that describes you best."
    )
    # Everything chosen is still there.
    expect(
        page.get_by_role("group", name="Your role").get_by_label("Front office", exact=True)
    ).to_be_checked()
    for index, code in enumerate(codes[:-1]):
        level = (index % 8) + 1
        expect(_competence(page, code).get_by_label(f"Level {level} ·")).to_be_checked()
    assert not RoundLink.objects.get(round=round_).is_used
    assert not _scrolls_sideways(page), "answer page with an error"
    assert violations(page) == [], "answer page with an error"

    summary.get_by_role("link").click()
    _competence(page, left_out).get_by_label("Level 5 ·").check()
    page.get_by_role("button", name="Send my answers").click()

    page.wait_for_url(f"{base}/skills/{token}/thanks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your answers are counted")
    assert not _scrolls_sideways(page), "thanks page"
    assert violations(page) == [], "thanks page"
    assert round_results(round_).respondents == 1

    # Reloading the thanks page sends nothing again; the link now only says it was used.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your answers are counted")
    page.goto(f"{base}/skills/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has already been used")
    assert round_results(round_).respondents == 1
    assert page.foreign_requests == []
