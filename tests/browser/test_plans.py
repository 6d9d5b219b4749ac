"""An editor turns a maturity gap into an action, fills it in, sees it on the timeline and
exports the plan; the plan's pages pass axe."""

import io

import docx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import violations

pytestmark = pytest.mark.browser


def _latest_assessment():
    from di4c.maturity.models import Assessment, Status

    return (
        Assessment.objects.filter(
            organisation__slug="botosani", status=Status.VALIDATED, framework__code="di4c-city"
        )
        .order_by("-validated_at")
        .first()
    )


def test_editor_turns_a_gap_into_an_action_and_exports_the_plan(page, live_demo):
    from di4c.plans.models import Action, Plan

    base = live_demo.url
    plan = Plan.objects.get(organisation__slug="botosani")
    before = plan.actions.count()
    sign_in(page, base, "botosani-editor@demo.di4c.eu")

    page.goto(f"{base}{_latest_assessment().get_absolute_url()}")
    gaps = page.locator("section[aria-labelledby=gaps]")
    first_gap_code = gaps.locator("tbody tr").first.locator("td strong").first.inner_text()
    gaps.get_by_role("button", name="Make it an action").first.click()

    expect(page.locator(".messages")).to_contain_text("An action was added to the plan")
    action = Action.objects.get(plan=plan, source_indicator__code=first_gap_code)
    assert plan.actions.count() == before + 1
    expect(page.get_by_label("Title:", exact=True)).to_have_value(action.title)

    page.get_by_label("Title:", exact=True).fill("Digital strategy adopted by the council")
    page.get_by_label("Start (month):", exact=True).fill("2025-02")
    page.get_by_label("End (month):", exact=True).fill("2026-09")
    page.get_by_label("Estimated cost (EUR):", exact=True).fill("40000")
    page.get_by_label("Status:", exact=True).first.select_option("on_track")
    page.get_by_label("Progress (%):", exact=True).fill("15")
    page.locator("[name=fundings-0-kind]").select_option("esf_plus")
    page.locator("[name=fundings-0-amount]").fill("30000")
    page.locator("[name=fundings-0-status]").select_option("secured")
    page.locator("[name=fundings-1-kind]").select_option("municipal")
    page.locator("[name=fundings-1-amount]").fill("10000")
    page.locator("[name=fundings-1-status]").select_option("planned")
    page.get_by_role("button", name="Save the action").click()
    expect(page.locator(".messages")).to_contain_text("The action was saved.")

    page.get_by_role("link", name="Timeline").click()
    bar = page.locator(".gantt-row", has_text="Digital strategy adopted by the council")
    expect(bar.locator(".gantt-bar")).to_contain_text("15 %")
    expect(page.locator(".gantt-today").first).to_be_attached()
    assert violations(page) == [], "timeline"

    page.get_by_role("link", name="Overview").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="The plan (Word)").click()
    document = docx.Document(io.BytesIO(download_info.value.path().read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "Digital strategy adopted by the council" in text
    assert page.foreign_requests == []


def test_plan_pages_pass_axe(page, live_demo):
    from di4c.plans.models import Plan

    base = live_demo.url
    plan = Plan.objects.get(organisation__slug="botosani")
    action = plan.actions.get(code="A1")
    sign_in(page, base, "botosani-editor@demo.di4c.eu")
    for path in [
        "",
        "actions/",
        f"actions/{action.pk}/",
        "actions/new/",
        "timeline/",
        "budget/",
        "risks/",
        "indicators/",
        "edit/",
        "import/",
        "public/",
    ]:
        page.goto(f"{base}/plans/{plan.pk}/{path}")
        assert violations(page) == [], path
    page.goto(f"{base}/organisations/botosani/plans/")
    assert violations(page) == [], "city's plans"
    # A form with errors must pass too.
    page.goto(f"{base}/plans/{plan.pk}/actions/new/")
    page.get_by_label("Title:", exact=True).fill("")
    page.get_by_role("button", name="Save the action").click()
    assert violations(page) == [], "action form with errors"
