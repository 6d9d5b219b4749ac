"""The plans app's pages: what each role sees and may do, forms that keep what was typed,
the closed loop from the maturity and services pages, the public page and its feed, and a
constant number of queries whatever the plan's size."""

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from di4c.maturity.models import Assessment, Status
from di4c.plans import services
from di4c.plans.models import Action, Plan, PlanStatus
from tests.plans.conftest import build_plan

pytestmark = pytest.mark.django_db

PAGES = ["", "actions/", "timeline/", "budget/", "risks/", "indicators/"]


def _url(plan, page=""):
    return f"/plans/{plan.pk}/{page}"


@pytest.mark.parametrize("page", PAGES)
def test_pages_show_the_plan_to_its_city_and_network(botosani_plan, client_as, page):
    for who in ("botosani-editor", "lead-expert", "coordinator", "local-group"):
        response = client_as(who).get(_url(botosani_plan, page))
        assert response.status_code == 200, (who, page)
        assert "Botoșani Digital 2030" in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_drafts_are_hidden_from_other_cities_and_visitors(botosani_plan, client, client_as, page):
    assert client_as("messina-editor").get(_url(botosani_plan, page)).status_code == 403
    client.logout()
    assert client.get(_url(botosani_plan, page)).status_code == 403


def test_unknown_plan_is_404(demo, client_as):
    assert client_as("botosani-editor").get("/plans/999999/").status_code == 404


def test_overview_shows_roll_up_budget_baseline_and_trend(botosani_plan, client_as):
    page = client_as("botosani-editor").get(_url(botosani_plan)).content.decode()
    assert "Botoșani: every public service one click away" in page
    assert 'data-testid="baseline-overall"' in page
    assert "SO1.1 Services online" in page
    # Baseline 20, target 60, measured 30: a quarter of the way.
    assert "moving toward the target (25.0 % of the way)" in page
    assert "€60,000" in page


def test_budget_page_figures(botosani_plan, client_as):
    page = client_as("lead-expert").get(_url(botosani_plan, "budget/")).content.decode()
    assert "€36,000 (60.0 %)" in page
    assert "€24,000" in page


def test_action_table_filters_and_sorts(botosani_plan, client_as):
    client = client_as("botosani-editor")
    objective = botosani_plan.objectives.get(code="SO2")
    page = client.get(_url(botosani_plan, "actions/"), {"objective": objective.pk}).content
    assert b"Action number 1" in page and b"Action number 3" in page
    assert b"Action number 2" not in page
    page = client.get(_url(botosani_plan, "actions/"), {"sort": "cost"}).content.decode()
    assert page.index("Action number 3") < page.index("Action number 1")
    page = client.get(_url(botosani_plan, "actions/"), {"unsecured": "1"}).content
    assert b"No action matches." in page
    # Odd input is ignored, never an error.
    odd = {"objective": "9" * 40, "status": "nonsense", "sort": "drop table", "q": "\x00"}
    assert client.get(_url(botosani_plan, "actions/"), odd).status_code == 200


def test_timeline_has_todays_line_and_a_bar_per_action(botosani_plan, client_as, settings):
    page = client_as("botosani-editor").get(_url(botosani_plan, "timeline/")).content.decode()
    assert page.count('class="gantt-bar') == 3
    # The fixture's actions run 2023-2025, before today: no today line then.
    action = botosani_plan.actions.get(code="A1")
    Action.objects.filter(pk=action.pk).update(ends_on=dt.date.today().replace(day=1))
    page = client_as("botosani-editor").get(_url(botosani_plan, "timeline/")).content.decode()
    assert 'class="gantt-today"' in page


@pytest.mark.parametrize("page", [*PAGES, "actions/{action}/", "plan.docx", "actions.xlsx"])
def test_queries_do_not_grow_with_the_plan(demo, botosani, botosani_editor, client, page):
    counts = []
    for size in (3, 30):
        plan = build_plan(botosani_editor, botosani, demo, actions=size)
        url = _url(plan, page.format(action=plan.actions.first().pk))
        client.force_login(botosani_editor)
        client.get(url)  # warm up per-process caches (content types, translations)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_editing_the_plan_page(botosani_plan, client_as):
    client = client_as("botosani-editor")
    response = client.post(
        _url(botosani_plan, "edit/"),
        {
            "version": botosani_plan.version,
            "title": "Botoșani digital",
            "vision_headline": "A new headline",
            "vision_story": "",
            "context": "",
            "update_cycle": 1,
            "weighting": "equal",
            "language": "ro",
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get(pk=botosani_plan.pk)
    assert (plan.title, plan.update_cycle, plan.weighting) == ("Botoșani digital", 1, "equal")


def test_two_people_editing_lose_nothing(botosani_plan, client_as, demo_user):
    action = botosani_plan.actions.get(code="A1")
    started_from = action.version
    services.action_save(
        actor=demo_user("botosani-coordinator"),
        plan=botosani_plan,
        action=action,
        base_version=started_from,
        data={"title": "Coordinator's title"},
    )
    form = {
        "version": started_from,
        "objective": action.objective_id,
        "code": "A1",
        "title": "Editor's title typed meanwhile",
        "estimated_cost": "10000",
        "status": "on_track",
        "progress": "10",
        "weight": "1",
        **_empty_formsets(),
    }
    response = client_as("botosani-editor").post(_url(botosani_plan, f"actions/{action.pk}/"), form)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="conflict"' in page
    assert "Coordinator&#x27;s title" in page  # what changed, and by whom
    assert "Elena Popescu" in page
    assert "Editor&#x27;s title typed meanwhile" in page  # the user's text is kept
    assert Action.objects.get(pk=action.pk).title == "Coordinator's title"
    # Saving again, having seen the change, goes through.
    form["version"] = Action.objects.get(pk=action.pk).version
    form["fundings-TOTAL_FORMS"] = "0"
    response = client_as("botosani-editor").post(_url(botosani_plan, f"actions/{action.pk}/"), form)
    assert response.status_code == 302
    assert Action.objects.get(pk=action.pk).title == "Editor's title typed meanwhile"


def _empty_formsets(**totals):
    data = {}
    for name in ("fundings", "risks", "outputs", "tests"):
        data[f"{name}-TOTAL_FORMS"] = str(totals.get(name, 0))
        data[f"{name}-INITIAL_FORMS"] = "0"
    return data


def test_new_action_with_funding_and_errors_kept(botosani_plan, client_as):
    client = client_as("botosani-editor")
    objective = botosani_plan.objectives.get(code="SO2")
    form = {
        "objective": objective.pk,
        "title": "Digital assistance desk",
        "starts_on": "2025-03",
        "ends_on": "2025-01",
        "estimated_cost": "5000",
        "status": "not_started",
        "progress": "0",
        "weight": "1",
        **_empty_formsets(fundings=1),
        "fundings-0-kind": "municipal",
        "fundings-0-amount": "4000",
        "fundings-0-status": "secured",
    }
    response = client.post(_url(botosani_plan, "actions/new/"), form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The action cannot end before it starts." in page
    assert 'value="Digital assistance desk"' in page
    form["ends_on"] = "2025-12"
    page = client.post(_url(botosani_plan, "actions/new/"), form).content.decode()
    assert "does not" not in page and "not to the estimated cost of €5,000" in page
    form["fundings-0-amount"] = "5000"
    response = client.post(_url(botosani_plan, "actions/new/"), form)
    assert response.status_code == 302
    action = Action.objects.get(plan=botosani_plan, title="Digital assistance desk")
    assert (action.code, action.starts_on, action.ends_on) == (
        "A4",
        dt.date(2025, 3, 1),
        dt.date(2025, 12, 1),
    )
    assert action.fundings.get().amount == Decimal(5000)


def test_a_messina_editor_cannot_write_by_any_page(botosani_plan, client_as):
    client = client_as("messina-editor")
    action = botosani_plan.actions.get(code="A1")
    posts = [
        ("edit/", {"title": "x", "version": botosani_plan.version}),
        ("actions/new/", {"title": "x"}),
        (f"actions/{action.pk}/", {"title": "x"}),
        (f"actions/{action.pk}/", {"delete": "1"}),
        ("status/", {"status": "roadmap"}),
        ("publish/", {"public": "1"}),
        ("baseline/", {}),
        ("comments/", {"text": "x"}),
        ("import/", {}),
    ]
    for page, data in posts:
        assert client.post(_url(botosani_plan, page), data).status_code == 403, page
    assert Action.objects.get(pk=action.pk).title == "Action number 1"


def test_experts_comment_but_cannot_edit(botosani_plan, client_as):
    client = client_as("lead-expert")
    assert client.get(_url(botosani_plan, "edit/")).status_code == 403
    response = client.post(_url(botosani_plan, "comments/"), {"text": "Add a risk to A1."})
    assert response.status_code == 302
    assert "Add a risk to A1." in client.get(_url(botosani_plan)).content.decode()


def test_lifecycle_from_the_page(botosani_plan, client_as):
    client = client_as("botosani-coordinator")
    client.post(_url(botosani_plan, "status/"), {"status": "submitted"})
    response = client.post(_url(botosani_plan, "status/"), {"status": "adopted"}, follow=True)
    assert "Give the date of the council&#x27;s decision." in response.content.decode()
    client.post(
        _url(botosani_plan, "status/"),
        {"status": "adopted", "adopted_on": "2022-09-29", "adoption_reference": "HCL 312/2022"},
    )
    plan = Plan.objects.get(pk=botosani_plan.pk)
    assert plan.status == PlanStatus.ADOPTED
    snapshot = plan.snapshots.get(status=PlanStatus.ADOPTED)
    page = client.get(_url(plan, f"snapshots/{snapshot.pk}/")).content.decode()
    assert "Council decision HCL 312/2022" in page
    assert "<td>On track</td>" in page  # statuses in words, not codes


def test_a_maturity_gap_becomes_an_action_from_the_results_page(demo, botosani, client_as):
    client = client_as("botosani-editor")
    assessment = (
        Assessment.objects.filter(
            organisation=botosani, status=Status.VALIDATED, framework__code="di4c-city"
        )
        .order_by("-validated_at")
        .first()
    )
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert "Start the city's action plan" in page
    services.plan_create(
        actor=_editor(demo),
        organisation=botosani,
        network=demo,
        title="Plan",
    )
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert "Make it an action" in page
    indicator = assessment.answers.order_by("level").first().indicator
    response = client.post(
        "/organisations/botosani/plans/from-gap/",
        {"assessment": assessment.pk, "indicator": indicator.pk, "make": "action"},
    )
    action = Action.objects.get(plan__organisation=botosani, source_indicator=indicator)
    assert response.status_code == 302
    assert response["Location"] == action.get_absolute_url()


def _editor(demo):
    from di4c.accounts.models import User

    return User.objects.get(email="botosani-editor@demo.di4c.eu")


def test_gap_for_another_city_is_refused(demo, botosani, messina, client_as):
    plan = services.plan_create(
        actor=_editor(demo), organisation=botosani, network=demo, title="Plan"
    )
    messina_assessment = Assessment.objects.filter(
        organisation=messina, status=Status.VALIDATED
    ).first()
    indicator = messina_assessment.answers.first().indicator
    response = client_as("botosani-editor").post(
        "/organisations/botosani/plans/from-gap/",
        {"assessment": messina_assessment.pk, "indicator": indicator.pk, "plan": plan.pk},
    )
    assert response.status_code == 404
    assert not plan.actions.exists()
    # And Messina's editor cannot add to Botoșani's plan.
    own = Assessment.objects.filter(organisation=botosani, status=Status.VALIDATED).first()
    response = client_as("messina-editor").post(
        "/organisations/botosani/plans/from-gap/",
        {"assessment": own.pk, "indicator": own.answers.first().indicator.pk},
    )
    assert response.status_code == 403


def test_an_offline_service_becomes_an_action_from_the_catalogue(demo, botosani, client_as):
    services.plan_create(actor=_editor(demo), organisation=botosani, network=demo, title="Plan")
    client = client_as("botosani-editor")
    page = client.get("/organisations/botosani/services/").content.decode()
    assert "Make it an action of the plan" in page
    service = botosani.public_services.filter(level__lt=3).first()
    response = client.post("/organisations/botosani/plans/from-service/", {"service": service.pk})
    action = Action.objects.get(plan__organisation=botosani, source_service=service)
    assert response["Location"] == action.get_absolute_url()


def test_documents_download(botosani_plan, client_as, client):
    editor = client_as("botosani-editor")
    response = editor.get(_url(botosani_plan, "plan.docx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "botosani-" in response["Content-Disposition"]
    assert response.content[:2] == b"PK"
    assert editor.get(_url(botosani_plan, "plan.pdf")).content[:5] == b"%PDF-"
    client.logout()
    assert client.get(_url(botosani_plan, "plan.docx")).status_code == 403


def test_public_page_and_feed(botosani_plan, client, demo_user):
    assert client.get(_url(botosani_plan, "public/")).status_code == 404
    assert client.get(_url(botosani_plan, "feed.atom")).status_code == 404
    services.plan_publish(actor=demo_user("botosani-coordinator"), plan=botosani_plan, public=True)
    action = botosani_plan.actions.get(code="A2")
    services.action_save(
        actor=demo_user("botosani-editor"),
        plan=botosani_plan,
        action=action,
        base_version=action.version,
        data={"status": "delayed"},
        note="Supplier went bankrupt.",
    )
    page = client.get(_url(botosani_plan, "public/")).content.decode()
    assert "Action number 2" in page and "Supplier went bankrupt." in page
    assert 'lang="en"' in page
    assert "Botoșani Digital 2030" in client.get("/plans/").content.decode()

    feed = client.get(_url(botosani_plan, "feed.atom"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    titles = [entry.find("atom:title", ns).text for entry in root.findall("atom:entry", ns)]
    assert titles[0] == "A2 Action number 2: Delayed, 20%"
    summary = root.find("atom:entry", ns).find("atom:summary", ns).text
    assert "from “On track” to “Delayed”" in summary


def test_plans_list_of_a_city(botosani_plan, client_as, client):
    page = client_as("botosani-editor").get("/organisations/botosani/plans/").content.decode()
    assert "Botoșani Digital 2030" in page
    # The plan exists in DI4C already, so no network is left to start another one in.
    assert "Start the plan" not in page
    client.logout()
    page = client.get("/organisations/botosani/plans/").content.decode()
    assert "Botoșani Digital 2030" not in page


def test_starting_a_plan_from_the_page(demo, botosani, client_as):
    client = client_as("botosani-editor")
    response = client.post(
        "/organisations/botosani/plans/",
        {"network": demo.pk, "title": "Our plan", "language": "ro"},
    )
    plan = Plan.objects.get(organisation=botosani)
    assert response["Location"] == plan.get_absolute_url()
    assert plan.baseline["services"]["year"] == 2022
    assert (
        client_as("messina-editor")
        .post("/organisations/botosani/plans/", {"network": demo.pk, "title": "Theirs"})
        .status_code
        == 403
    )


def test_network_overview_of_the_partners_plans(demo_plans, client_as, client):
    page = client_as("coordinator").get("/networks/di4c/plans/").content.decode()
    for city in ("Municipality of Botoșani", "Municipality of Portalegre"):
        assert city in page
    assert "Botoșani digital 2030" in page
    # A Messina editor sees the plans shared with the network, not Portalegre's roadmap.
    page = client_as("messina-editor").get("/networks/di4c/plans/").content.decode()
    assert "Botoșani digital 2030" in page
    assert "Municipality of Portalegre" not in page
    client.logout()
    page = client.get("/networks/di4c/plans/").content.decode()
    assert "Botoșani digital 2030" in page  # published
    assert "Municipality of Messina" not in page


def test_network_overview_queries_do_not_grow(demo_plans, client_as):
    from di4c.plans.models import Action

    client = client_as("coordinator")
    client.get("/networks/di4c/plans/")
    with CaptureQueriesContext(connection) as before:
        client.get("/networks/di4c/plans/")
    plan = Plan.objects.get(organisation__slug="messina")
    for number in range(20):
        Action.objects.create(
            plan=plan, objective=plan.objectives.first(), code=f"X{number}", title="More"
        )
    with CaptureQueriesContext(connection) as after:
        client.get("/networks/di4c/plans/")
    assert len(before) == len(after)


def test_public_page_speaks_the_citys_language(demo_plans, client):
    plan = Plan.objects.get(organisation__slug="botosani")
    response = client.get(f"/plans/{plan.pk}/public/")
    assert response["Content-Language"] == "ro"
    assert "Progresul planului" in response.content.decode()
    client.cookies["di4c_language"] = "en"
    response = client.get(f"/plans/{plan.pk}/public/")
    assert "Progress of the plan" in response.content.decode()


# --- review fixes -------------------------------------------------------------------------


def test_a_form_without_its_version_is_refused(botosani_plan, client_as, demo_user):
    services.plan_update(
        actor=demo_user("botosani-coordinator"),
        plan=botosani_plan,
        base_version=botosani_plan.version,
        data={"title": "The coordinator's title"},
    )
    response = client_as("botosani-editor").post(
        _url(botosani_plan, "edit/"),
        {"title": "Overwritten?", "update_cycle": 3, "weighting": "auto", "language": "en"},
    )
    assert response.status_code == 200
    assert "Reload the page before saving" in response.content.decode()
    assert Plan.objects.get(pk=botosani_plan.pk).title == "The coordinator's title"


@pytest.mark.parametrize("month", ["0000-05", "9999-12", "0202-01", "2024-13", "abc"])
def test_odd_months_are_form_errors(botosani_plan, client_as, month):
    form = {
        "objective": botosani_plan.objectives.first().pk,
        "title": "Odd month",
        "starts_on": month,
        "estimated_cost": "0",
        "status": "not_started",
        "progress": "0",
        "weight": "1",
        **_empty_formsets(),
    }
    response = client_as("botosani-editor").post(_url(botosani_plan, "actions/new/"), form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give a year between 1990 and 2100." in page or "Give a month as YYYY-MM" in page
    assert not Action.objects.filter(title="Odd month").exists()


def test_published_plan_keeps_comments_and_private_baseline_to_itself(
    botosani_plan, client, demo_user
):
    services.comment_add(actor=demo_user("lead-expert"), plan=botosani_plan, text="Internal.")
    services.plan_publish(actor=demo_user("botosani-coordinator"), plan=botosani_plan, public=True)
    client.logout()
    page = client.get(_url(botosani_plan)).content.decode()
    assert "Botoșani Digital 2030" in page
    assert "Internal." not in page
    # The city has not published its assessment: its scores stay out of the public plan.
    assert 'data-testid="baseline-overall"' not in page
    action = botosani_plan.actions.get(code="A1")
    assert (
        "Internal." not in client.get(_url(botosani_plan, f"actions/{action.pk}/")).content.decode()
    )


def test_an_indicator_cannot_be_moved_by_the_url(botosani_plan, client_as):
    indicator = botosani_plan.objectives.get(code="SO1").indicators.get()
    other = botosani_plan.objectives.get(code="SO2")
    url = _url(botosani_plan, f"objectives/{other.pk}/indicators/{indicator.pk}/")
    assert client_as("botosani-editor").get(url).status_code == 404


def test_without_pango_the_pdf_page_says_why(botosani_plan, client_as, monkeypatch):
    import sys

    # What a server without the Pango library sees: WeasyPrint cannot be imported.
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    client = client_as("botosani-editor")
    response = client.get(_url(botosani_plan, "plan.pdf"))
    assert response.status_code == 503
    assert "needs the Pango library" in response.content.decode()
    response = client.get(f"/api/v1/plans/{botosani_plan.pk}/export.pdf")
    assert response.status_code == 503
    assert "Pango" in response.json()["detail"]
    assert client.get(_url(botosani_plan, "plan.docx")).status_code == 200


def test_history_shows_who_changed_risks_and_measurements(botosani_plan, client_as, demo_user):
    coordinator = demo_user("botosani-coordinator")
    action = botosani_plan.actions.get(code="A1")
    services.action_save(
        actor=coordinator,
        plan=botosani_plan,
        action=action,
        base_version=action.version,
        data={},
        risks=[{"description": "Key supplier leaves", "likelihood": 2, "impact": 5}],
    )
    page = client_as("botosani-editor").get(_url(botosani_plan, "history/")).content.decode()
    assert "Risk of an action" in page
    assert "Measurement of an indicator" in page  # the fixture's measurement, by the editor
    from di4c.plans.models import Risk

    records = Risk.history.filter(action_id=action.pk).order_by("history_date")
    kinds = [(r.history_type, r.description, r.history_user) for r in records]
    assert ("-", "Supplier late (1)", coordinator) in kinds
    assert ("+", "Key supplier leaves", coordinator) in kinds


def test_adding_a_specific_objective_from_the_page(botosani_plan, client_as):
    strategic = botosani_plan.objectives.get(code="SO2")
    response = client_as("botosani-editor").post(
        _url(botosani_plan, "objectives/new/"),
        {"parent": strategic.pk, "code": "", "title": "Digital skills for every desk"},
    )
    assert response.status_code == 302
    child = botosani_plan.objectives.get(title="Digital skills for every desk")
    assert child.parent == strategic


def test_a_gap_already_in_the_plan_says_so(demo, botosani, client_as):
    services.plan_create(actor=_editor(demo), organisation=botosani, network=demo, title="P")
    client = client_as("botosani-editor")
    assessment = (
        Assessment.objects.filter(
            organisation=botosani, status=Status.VALIDATED, framework__code="di4c-city"
        )
        .order_by("-validated_at")
        .first()
    )
    indicator = assessment.answers.order_by("level").first().indicator
    client.post(
        "/organisations/botosani/plans/from-gap/",
        {"assessment": assessment.pk, "indicator": indicator.pk, "make": "action"},
    )
    action = Action.objects.get(plan__organisation=botosani, source_indicator=indicator)
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert f'In the plan: <a href="{action.get_absolute_url()}">{action.code}</a>' in page
    from di4c.services.selectors import biggest_gains

    service = biggest_gains(botosani, 2022)[0].service  # listed on the page as a big gain
    client.post("/organisations/botosani/plans/from-service/", {"service": service.pk})
    done = Action.objects.get(plan__organisation=botosani, source_service=service)
    page = client.get("/organisations/botosani/services/").content.decode()
    assert f'<a href="{done.get_absolute_url()}">{done.code}</a>' in page


def test_a_conflict_speaks_in_labels_and_names(botosani_plan, client_as, demo_user):
    action = botosani_plan.actions.get(code="A1")
    started_from = action.version
    services.action_save(
        actor=demo_user("botosani-coordinator"),
        plan=botosani_plan,
        action=action,
        base_version=started_from,
        data={"status": "delayed", "objective": botosani_plan.objectives.get(code="SO2")},
    )
    form = {
        "version": started_from,
        "objective": action.objective_id,
        "code": "A1",
        "title": "Mine",
        "estimated_cost": "10000",
        "status": "on_track",
        "progress": "10",
        "weight": "1",
        **_empty_formsets(),
    }
    page = (
        client_as("botosani-editor")
        .post(_url(botosani_plan, f"actions/{action.pk}/"), form)
        .content.decode()
    )
    assert "<td>On track</td><td>Delayed</td>" in page
    assert "SO2 Skilled civil servants" in page  # the objective by name, not by id


def test_the_feed_speaks_the_language_of_the_public_page(demo_plans, client):
    plan = Plan.objects.get(organisation__slug="botosani")
    feed = client.get(f"/plans/{plan.pk}/feed.atom")
    root = ET.fromstring(feed.content)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ro"
    assert "progresul acțiunilor" in feed.content.decode()


def test_the_feed_tells_the_plans_own_steps(demo_plans, client):
    plan = Plan.objects.get(organisation__slug="botosani")
    client.cookies["di4c_language"] = "en"
    root = ET.fromstring(client.get(f"/plans/{plan.pk}/feed.atom").content)
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    titles = [entry.find("atom:title", ns).text for entry in root.findall("atom:entry", ns)]
    assert "The plan is now “Adopted by the city council”" in titles
