"""An editor imports a file with errors, fixes it, imports it, and sees the index."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

BAD = (
    "service,year,total_requests,online_requests,info_online,form_online,submit_online\n"
    "birth-registration,2023,1000,700,yes,yes,yes\n"
    "property-tax,2023,5000,6000,yes,yes,yes\n"
    "unknown-thing,2023,10,1,yes,no,no\n"
)
FIXED = BAD.replace("5000,6000", "5000,2000").replace(
    "unknown-thing,2023,10,1,yes,no,no", "waste-fee,2023,10,1,yes,no,no"
)


def upload(page, text: str) -> None:
    page.get_by_label("CSV or Excel file").set_input_files(
        {"name": "figures.csv", "mimeType": "text/csv", "buffer": text.encode()}
    )
    page.get_by_role("button", name="Check the file").click()


def test_editor_imports_with_errors_fixes_and_sees_the_index(page, live_demo):
    from di4c.accounts.models import Membership, Role, User
    from di4c.networks.models import Organisation
    from di4c.services.models import PublicService

    # A city without a catalogue yet, so that the index shows only what was imported; the
    # demo's Botoșani editor also edits it for this test.
    portalegre = Organisation.objects.get(slug="portalegre")
    PublicService.objects.filter(organisation=portalegre).delete()
    editor = User.objects.get(email="botosani-editor@demo.di4c.eu")
    Membership.objects.create(user=editor, role=Role.CITY_EDITOR, organisation=portalegre)
    base = live_demo.url
    sign_in(page, base, "botosani-editor@demo.di4c.eu")
    page.goto(f"{base}/organisations/portalegre/services/import/")
    upload(page, BAD)
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("2 rows have problems; 1 rows are fine. Nothing has been")
    expect(page.locator("main table")).to_contain_text("above total_requests")
    expect(page.locator("main table")).to_contain_text("neither a reference service code")
    assert PublicService.objects.filter(organisation__slug="portalegre").count() == 0

    upload(page, FIXED)
    expect(page.get_by_test_id("import-ready")).to_have_text("All 3 rows are ready to import.")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("3 services added")
    # Levels 3, 3 and 1: two of three online; uptake (700 + 2000 + 1) / 6010.
    expect(page.get_by_test_id("online-share")).to_have_text("66.7 %")
    expect(page.get_by_test_id("uptake")).to_have_text("44.9 %")
    expect(page.locator("#levels-chart")).to_have_attribute("data-ready", "true")
    assert page.foreign_requests == []
