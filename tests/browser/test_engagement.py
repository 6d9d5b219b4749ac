"""Botoșani's editor adds a stakeholder with contact details in the browser: refused without a
consent (everything typed kept), saved with it, then found in the list and on the
power/interest matrix. The stakeholder pages pass axe, a form with an error shown included.

The test makes what it needs, so it passes whether or not the demo holds stakeholders."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import violations

pytestmark = pytest.mark.browser

EDITOR = "botosani-editor@demo.di4c.eu"
MAP = "/organisations/botosani/stakeholders/"


def test_editor_adds_a_stakeholder_with_consent_and_finds_it_on_the_map(page, live_demo):
    from di4c.engagement.models import Stakeholder

    base = live_demo.url
    sign_in(page, base, EDITOR)
    page.goto(f"{base}/organisations/botosani/")
    page.get_by_role("link", name="Stakeholders and local group").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stakeholders and local group")
    assert violations(page) == [], "list"

    page.get_by_role("link", name="Add a stakeholder").click()
    page.get_by_label("Kind:").select_option("person")
    page.get_by_label("Name:", exact=True).fill("Ana Munteanu")
    page.get_by_label("Sector:").select_option(label="Entrepreneur or start-up")
    page.get_by_label("What they do, why they matter:").fill("Runs the start-up hub.")
    page.get_by_role("group", name="Influence:").get_by_label("5 – very high").check()
    page.get_by_role("group", name="Interest:").get_by_label("2 – low").check()
    page.get_by_label("Role in the local group:").select_option(label="Core member")
    page.get_by_label("Contact person:").fill("Ana Munteanu")
    page.get_by_label("E-mail address:").fill("ana.munteanu@example.org")
    page.get_by_label("Telephone:").fill("+40 231 000 111")
    page.get_by_role("button", name="Save").click()

    # Refused: contact details need a consent; nothing typed is lost.
    expect(page.locator("#id_consent_given_on_error")).to_contain_text("recorded consent")
    expect(page.locator("#id_consent_method_error")).to_have_text("Say how the consent was given.")
    expect(page.get_by_label("E-mail address:")).to_have_value("ana.munteanu@example.org")
    expect(
        page.get_by_role("group", name="Influence:").get_by_label("5 – very high")
    ).to_be_checked()
    assert not Stakeholder.objects.filter(email="ana.munteanu@example.org").exists()
    assert violations(page) == [], "form with errors"

    page.get_by_label("Consent given on:").fill("2025-03-14")
    page.get_by_label("Purpose of the consent:").fill("Invitations to the local group")
    page.get_by_label("How the consent was given:").select_option(label="By e-mail")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ana Munteanu")
    expect(page.locator(".messages")).to_contain_text("added to the map")
    expect(page.get_by_test_id("contact-facts")).to_contain_text("ana.munteanu@example.org")
    stakeholder = Stakeholder.objects.get(email="ana.munteanu@example.org")
    assert (stakeholder.influence, stakeholder.interest) == (5, 2)
    assert stakeholder.consent_method == "email"
    assert violations(page) == [], "detail"

    page.get_by_role("link", name="Stakeholders and local group of").click()
    row = page.get_by_test_id("stakeholders").get_by_role("row").filter(has_text="Ana Munteanu")
    expect(row).to_contain_text("Entrepreneur or start-up")
    expect(row).to_contain_text("ana.munteanu@example.org")

    page.get_by_role("link", name="Power/interest matrix").first.click()
    cell = page.locator('td[data-influence="5"][data-interest="2"]')
    expect(cell).to_contain_text("Keep satisfied")
    expect(cell.get_by_role("link", name="Ana Munteanu")).to_be_visible()
    assert violations(page) == [], "matrix"

    page.get_by_role("link", name="Ecosystem map").first.click()
    expect(page.locator('li[data-sector="entrepreneur"]')).to_contain_text("Ana Munteanu")
    assert violations(page) == [], "ecosystem"

    page.goto(f"{base}{MAP}{stakeholder.pk}/erase/")
    assert violations(page) == [], "erase confirmation"
    assert page.foreign_requests == []
