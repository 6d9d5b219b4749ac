"""An editor answers and submits an assessment; an expert validates it; the radar appears."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_editor_answers_submits_expert_validates_and_radar_appears(page, live_demo):
    base = live_demo.url
    sign_in(page, base, "botosani-editor@demo.di4c.eu")
    page.goto(f"{base}/organisations/botosani/maturity/")
    page.get_by_label("Framework").select_option(label="di4c city website checklist (v1)")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("di4c city website checklist")

    forms = page.locator("form[data-autosave]")
    count = forms.count()
    assert count == 15
    # Answer the first one, leave the page, come back: the answer was kept.
    first = forms.nth(0)
    first.locator('input[type="radio"][value="1"]').check()
    expect(first.locator(".save-status")).to_have_text("Saved")
    first.get_by_label("Evidence (what shows this level)").fill("The council page lists them.")
    expect(first.locator(".save-status")).to_have_text("Saved")
    page.reload()
    expect(forms.nth(0).locator('input[type="radio"][value="1"]')).to_be_checked()
    expect(forms.nth(0).get_by_label("Evidence (what shows this level)")).to_have_value(
        "The council page lists them."
    )
    # Submitting too early lists what is missing.
    page.get_by_role("button", name="Submit for validation").click()
    expect(page.locator(".messages")).to_contain_text("still open:")
    for index in range(1, count):
        form = forms.nth(index)
        form.locator(f'input[type="radio"][value="{index % 2}"]').check()
        expect(form.locator(".save-status")).to_have_text("Saved")
    expect(page.locator("#progress-label")).to_have_text("15 of 15 indicators answered")
    page.get_by_role("button", name="Submit for validation").click()
    expect(page.locator(".messages")).to_contain_text("submitted for validation")
    url = page.url
    sign_out(page)

    sign_in(page, base, "lead-expert@demo.di4c.eu")
    page.goto(url)
    page.get_by_label("Comment for the city").fill("Well documented.")
    page.get_by_role("button", name="Validate").click()
    expect(page.locator(".messages")).to_contain_text("The assessment was validated.")
    expect(page.locator("#radar")).to_have_attribute("data-ready", "true")
    expect(page.get_by_test_id("overall-score")).to_have_text("53.3")
    assert page.foreign_requests == []
