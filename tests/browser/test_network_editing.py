"""A coordinator signs in, edits the network, sees the change and switches language."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_coordinator_edits_network_and_switches_language(page, live_demo):
    base = live_demo.url
    sign_in(page, base, "coordinator@demo.di4c.eu")
    page.goto(f"{base}/networks/di4c/")
    expect(page.get_by_test_id("budget")).to_have_text("€146,993")

    page.get_by_role("link", name="Edit the network").click()
    page.get_by_label("Budget (EUR)").fill("150000")
    page.get_by_label("Name in Romanian").fill("Inovații Digitale pentru Orașe (DI4C)")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(f"{base}/networks/di4c/")
    expect(page.get_by_role("status")).to_contain_text("The network was saved.")
    expect(page.get_by_test_id("budget")).to_have_text("€150,000")
    expect(page.locator(".last-modified")).to_contain_text(
        re.compile(r"Last modified on \d\d\.\d\d\.\d{4} – \d\d:\d\d by Giulia Ferraro")
    )

    page.get_by_label("Language").select_option("ro")
    page.get_by_role("button", name="Change").click()
    expect(page).to_have_url(f"{base}/networks/di4c/")
    expect(page.locator("html")).to_have_attribute("lang", "ro")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Inovații Digitale pentru Orașe (DI4C)"
    )
    expect(page.get_by_test_id("budget")).to_have_text("150.000\u00a0€")
    expect(page.locator(".last-modified")).to_contain_text(
        re.compile(r"Ultima modificare: \d\d\.\d\d\.\d{4} – \d\d:\d\d de către Giulia Ferraro")
    )
    page.get_by_role("link", name=re.compile("Istoric")).click()
    expect(page.locator("main")).to_contain_text("146993,00 → 150000,00")
    expect(page.locator("main")).not_to_contain_text("Obiective")
    assert page.foreign_requests == []


def test_bad_input_keeps_what_was_typed(page, live_demo):
    base = live_demo.url
    sign_in(page, base, "coordinator@demo.di4c.eu")
    page.goto(f"{base}/networks/di4c/edit/")
    page.get_by_label("Acronym").fill("DI4C-2")
    page.get_by_label("Budget (EUR)").fill("-5")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("The budget cannot be negative.")
    expect(page.get_by_label("Acronym")).to_have_value("DI4C-2")
    expect(page.get_by_label("Budget (EUR)")).to_have_value("-5")
    expect(page.get_by_label("Budget (EUR)")).to_have_attribute("aria-invalid", "true")


def test_city_editor_sees_no_edit_button_and_is_refused(page, live_demo):
    base = live_demo.url
    sign_in(page, base, "botosani-editor@demo.di4c.eu")
    page.goto(f"{base}/networks/di4c/")
    expect(page.get_by_role("link", name="Edit the network")).to_have_count(0)
    response = page.goto(f"{base}/organisations/messina/edit/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")


def test_pages_are_keyboard_usable_and_labelled(page, live_demo):
    base = live_demo.url
    for path in ("/", "/networks/di4c/", "/organisations/", "/accounts/login/"):
        page.goto(f"{base}{path}")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused == "Skip to main content", path
        assert page.locator("main").count() == 1
        assert page.locator("header").count() == 1
        assert page.locator("nav").count() >= 1
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                .map(el => el.name)"""
        )
        assert unlabelled == [], (path, unlabelled)
    assert page.foreign_requests == []
