"""The plans API: who reads and writes what, the numbers it answers, conflicts and bad input."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from di4c.accounts.services import api_token_create
from di4c.maturity.models import Assessment
from di4c.plans import services
from di4c.plans.models import Action, Measurement, Objective, Plan
from tests.plans.conftest import build_plan

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def token_for(demo_user):
    def make(who: str) -> dict:
        _token, raw = api_token_create(user=demo_user(who), name="tests")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


@pytest.fixture
def editor(token_for):
    return token_for("botosani-editor")


def clear_plan(organisation, network) -> None:
    """Remove the demo's plan of the city: its actions first (they protect their objectives)."""
    Action.objects.filter(plan__organisation=organisation, plan__network=network).delete()
    Plan.objects.filter(organisation=organisation, network=network).delete()


@pytest.fixture
def botosani_plan(demo, botosani, botosani_editor):
    clear_plan(botosani, demo)
    return build_plan(botosani_editor, botosani, demo)


@pytest.fixture
def messina_plan(demo, messina, demo_user):
    """A draft plan of Messina, with one objective, action and indicator."""
    actor = demo_user("messina-editor")
    clear_plan(messina, demo)
    plan = services.plan_create(
        actor=actor, organisation=messina, network=demo, title="Messina Smart City"
    )
    objective = services.objective_save(
        actor=actor, plan=plan, data={"code": "M1", "title": "Open data"}
    )
    services.action_save(
        actor=actor, plan=plan, data={"objective": objective, "title": "Open data portal"}
    )
    services.indicator_save(actor=actor, objective=objective, data={"name": "Datasets"})
    return plan


def submit(plan, who):
    return services.plan_transition(actor=who, plan=plan, status="submitted")


def publish(plan, demo_user):
    return services.plan_publish(actor=demo_user("botosani-coordinator"), plan=plan, public=True)


def listed(client, headers=None, **params) -> set[str]:
    response = client.get("/api/v1/plans", params, **(headers or {}))
    assert response.status_code == 200, response.content
    return {(item["organisation"], item["network"]) for item in response.json()["items"]}


def field_errors(response) -> dict:
    assert response.status_code == 422, response.content
    return {tuple(item["loc"][1:]): item["msg"] for item in response.json()["detail"]}


def test_openapi_lists_the_plan_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/plans",
        "/api/v1/plans/{pk}",
        "/api/v1/plans/{pk}/status",
        "/api/v1/plans/{pk}/objectives",
        "/api/v1/plans/{pk}/actions",
        "/api/v1/objectives/{pk}",
        "/api/v1/objectives/{pk}/indicators",
        "/api/v1/actions/{pk}",
        "/api/v1/indicators/{pk}",
        "/api/v1/indicators/{pk}/measurements",
        "/api/v1/plans/{pk}/export.docx",
        "/api/v1/plans/{pk}/export.pdf",
        "/api/v1/plans/{pk}/actions.xlsx",
        "/api/v1/plans/{pk}/budget.xlsx",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/plans/{pk}"]) == {"get", "patch"}
    assert "409" in paths["/api/v1/plans/{pk}"]["patch"]["responses"]
    assert set(paths["/api/v1/actions/{pk}"]) == {"get", "patch", "delete"}


# --- who sees which plan ------------------------------------------------------------------------


def test_list_shows_each_reader_the_plans_they_may_see(
    client, botosani_plan, botosani_editor, token_for, demo_user
):
    mine = ("botosani", "di4c")
    assert mine not in listed(client)
    assert mine in listed(client, token_for("botosani-editor"))
    assert mine in listed(client, token_for("coordinator"))
    assert mine in listed(client, token_for("lead-expert"))
    assert mine not in listed(client, token_for("messina-editor"))
    assert mine not in listed(client, token_for("citizen"))

    submit(botosani_plan, botosani_editor)
    assert mine in listed(client, token_for("messina-editor"))
    assert mine not in listed(client)
    assert mine not in listed(client, token_for("citizen"))

    publish(botosani_plan, demo_user)
    assert mine in listed(client)
    assert mine in listed(client, token_for("citizen"))
    assert listed(client, organisation="botosani", network="di4c") == {mine}
    assert listed(client, organisation="botosani", network="urbact") == set()


def test_list_is_paginated(client, botosani_plan, editor):
    body = client.get("/api/v1/plans?limit=1&offset=0", **editor).json()
    assert set(body) == {"items", "count"}
    assert body["count"] >= 1 and len(body["items"]) == 1
    item = next(
        i
        for i in client.get("/api/v1/plans", **editor).json()["items"]
        if i["id"] == botosani_plan.pk
    )
    assert item == {
        "id": botosani_plan.pk,
        "organisation": "botosani",
        "network": "di4c",
        "title": "Botoșani Digital 2030",
        "status": "draft",
        "is_public": False,
        "adopted_on": None,
        "version": botosani_plan.version,
    }


def test_a_draft_is_a_404_to_outsiders_and_visible_once_shared(
    client, botosani_plan, botosani_editor, token_for, demo_user
):
    url = f"/api/v1/plans/{botosani_plan.pk}"
    assert client.get(url).status_code == 404
    assert client.get(url, **token_for("messina-editor")).status_code == 404
    assert client.get(url, **token_for("lead-expert")).status_code == 200
    assert client.get(url, **token_for("coordinator")).status_code == 200
    submit(botosani_plan, botosani_editor)
    assert client.get(url, **token_for("messina-editor")).status_code == 200
    assert client.get(url).status_code == 404
    publish(botosani_plan, demo_user)
    assert client.get(url).status_code == 200
    assert client.get(f"/api/v1/plans/{botosani_plan.pk}/actions").status_code == 200


# --- the numbers --------------------------------------------------------------------------------


def test_detail_rolls_progress_up_and_sums_the_budget(client, botosani_plan, editor):
    response = client.get(f"/api/v1/plans/{botosani_plan.pk}", **editor)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Botoșani Digital 2030"
    assert body["vision_headline"] == "Botoșani: every public service one click away"
    assert body["status"] == "draft"
    assert body["next_statuses"] == ["roadmap", "submitted"]
    assert body["update_cycle"] == 3 and body["weighting"] == "auto"
    assert "maturity" in body["baseline"]
    # Progress weighted by cost: (10,000×10 + 20,000×20 + 30,000×30) / 60,000.
    assert body["progress"] == 23.3
    assert body["action_status_counts"]["on_track"] == 3
    assert body["budget"] == {
        "total_cost": 60000.0,
        "secured": 36000.0,
        "applied": 0.0,
        "planned": 24000.0,
        "secured_share": 60.0,
        "unfunded_gap": 24000.0,
        "without_source": 0.0,
        "by_kind": [
            {
                "kind": "erdf",
                "label": "EU: European Regional Development Fund (ERDF)",
                "secured": 36000.0,
                "applied": 0.0,
                "planned": 0.0,
                "total": 36000.0,
            },
            {
                "kind": "municipal",
                "label": "Municipal budget",
                "secured": 0.0,
                "applied": 0.0,
                "planned": 24000.0,
                "total": 24000.0,
            },
        ],
        "by_year": body["budget"]["by_year"],
    }
    assert sum(year["cost"] for year in body["budget"]["by_year"]) == 60000
    so1, so2 = body["objectives"]
    assert (so1["code"], so1["progress"]) == ("SO1", 20.0)
    assert (so2["code"], so2["progress"], so2["specific"]) == ("SO2", 25.0, [])
    assert [(o["code"], o["progress"], o["parent"]) for o in so1["specific"]] == [
        ("SO1.1", 20.0, so1["id"])
    ]
    [indicator] = so1["indicators"]
    assert indicator["baseline_value"] == 20.0 and indicator["target_value"] == 60.0
    assert [(m["measured_on"], m["value"]) for m in indicator["measurements"]] == [
        ("2023-12-31", 30.0)
    ]
    assert indicator["trend"] == {
        "direction": "toward",
        "share_of_way": 25.0,
        "latest_value": 30.0,
        "latest_on": "2023-12-31",
    }


def test_action_table_filters_sorts_and_pages(client, botosani_plan, editor):
    url = f"/api/v1/plans/{botosani_plan.pk}/actions"
    body = client.get(url, **editor).json()
    assert body["count"] == 3
    first = body["items"][0]
    assert first["code"] == "A1" and first["objective"] == "SO2"
    assert first["estimated_cost"] == 10000.0 and first["secured"] == 6000.0
    assert first["starts_on"] == "2023-02-01" and first["ends_on"] == "2024-02-01"
    assert first["stale"] is False
    assert [a["code"] for a in client.get(url + "?objective=SO2", **editor).json()["items"]] == [
        "A1",
        "A3",
    ]
    # A strategic objective includes its specific objectives' actions.
    assert [a["code"] for a in client.get(url + "?objective=SO1", **editor).json()["items"]] == [
        "A2"
    ]
    assert client.get(url + "?unsecured=true", **editor).json()["count"] == 0
    assert [a["code"] for a in client.get(url + "?sort=cost", **editor).json()["items"]] == [
        "A3",
        "A2",
        "A1",
    ]
    assert client.get(url + "?status=done", **editor).json()["count"] == 0
    page = client.get(url + "?limit=2&offset=2", **editor).json()
    assert page["count"] == 3 and [a["code"] for a in page["items"]] == ["A3"]
    for query, name in (
        ("status=finished", "status"),
        ("sort=colour", "sort"),
        ("objective=SO9", "objective"),
        ("q=a%00b", "q"),
    ):
        response = client.get(f"{url}?{query}", **editor)
        assert response.status_code == 422, query
        assert response.json()["detail"][0]["loc"] == ["query", name]


def test_action_detail_has_its_funding_risks_outputs_and_tests(
    client, botosani_plan, editor, token_for, botosani_editor, demo_user
):
    action = Action.objects.get(plan=botosani_plan, code="A2")
    body = client.get(f"/api/v1/actions/{action.pk}", **editor).json()
    assert body["plan"] == botosani_plan.pk and body["objective"] == "SO1.1"
    assert body["secured"] == 12000.0 and body["stale"] is False
    assert [(f["kind"], f["amount"], f["status"]) for f in body["fundings"]] == [
        ("erdf", 12000.0, "secured"),
        ("municipal", 8000.0, "planned"),
    ]
    assert body["risks"][0]["score"] == body["risks"][0]["likelihood"] * body["risks"][0]["impact"]
    assert body["outputs"][0]["target"] == 5.0
    assert body["tests"][0]["tried_from"] == "2023-03-01"
    assert body["contact_email"] == "andrei@example.org"
    # Visitors read a published plan, but not the contact's e-mail address.
    publish(botosani_plan, demo_user)
    public = client.get(f"/api/v1/actions/{action.pk}").json()
    assert public["contact_person"] == "Andrei Ionescu" and public["contact_email"] is None


def test_an_action_not_updated_for_two_cycles_is_stale(client, botosani_plan, editor):
    Plan.objects.filter(pk=botosani_plan.pk).update(
        status="implementing", adopted_on=dt.date(2022, 11, 8)
    )
    action = Action.objects.get(plan=botosani_plan, code="A1")
    Action.objects.filter(pk=action.pk).update(
        progress_updated_at=action.progress_updated_at - dt.timedelta(days=200)
    )
    assert client.get(f"/api/v1/actions/{action.pk}", **editor).json()["stale"] is True
    rows = client.get(f"/api/v1/plans/{botosani_plan.pk}/actions", **editor).json()["items"]
    assert [row["stale"] for row in rows] == [True, False, False]


# --- writes -------------------------------------------------------------------------------------


def test_editor_creates_a_plan_for_their_city_only(client, demo, messina, token_for):
    clear_plan(messina, demo)
    payload = {"organisation": "messina", "network": "di4c", "title": "Messina Smart City"}
    denied = client.post(
        "/api/v1/plans", payload, content_type=JSON, **token_for("botosani-editor")
    )
    assert denied.status_code == 403
    messina_editor = token_for("messina-editor")
    created = client.post("/api/v1/plans", payload, content_type=JSON, **messina_editor)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["organisation"], body["network"], body["status"]) == ("messina", "di4c", "draft")
    assert body["version"] == 1 and body["objectives"] == [] and body["progress"] is None
    assert body["budget"]["total_cost"] == 0.0 and body["budget"]["secured_share"] is None
    again = client.post("/api/v1/plans", payload, content_type=JSON, **messina_editor)
    assert "already has a plan" in field_errors(again)[("network",)]
    unknown = client.post(
        "/api/v1/plans",
        {**payload, "organisation": "atlantis"},
        content_type=JSON,
        **messina_editor,
    )
    assert ("organisation",) in field_errors(unknown)


def test_writes_need_a_token_or_a_session(client, botosani_plan, client_as):
    url = f"/api/v1/plans/{botosani_plan.pk}"
    payload = {"version": botosani_plan.version, "title": "New"}
    assert client.patch(url, payload, content_type=JSON).status_code == 401
    bad = client.patch(url, payload, content_type=JSON, HTTP_AUTHORIZATION="Bearer di4c_nope")
    assert bad.status_code == 401
    session = client_as("botosani-editor").patch(url, payload, content_type=JSON)
    assert session.status_code == 200, session.content
    assert session.json()["title"] == "New"


def test_patch_with_the_version_read_then_a_conflict(client, botosani_plan, editor, token_for):
    url = f"/api/v1/plans/{botosani_plan.pk}"
    read = client.get(url, **editor).json()["version"]
    first = client.patch(
        url,
        {"version": read, "title": "Botoșani Digital 2035", "weighting": "equal"},
        content_type=JSON,
        **editor,
    )
    assert first.status_code == 200, first.content
    assert first.json()["version"] == read + 1
    assert first.json()["weighting"] == "equal"
    # Equal weights: (10 + 20 + 30) / 3.
    assert first.json()["progress"] == 20.0
    late = client.patch(
        url,
        {"version": read, "context": "Written from an old copy"},
        content_type=JSON,
        **token_for("botosani-coordinator"),
    )
    assert late.status_code == 409, late.content
    body = late.json()
    assert "meantime" in body["detail"]
    changes = {change["name"]: change for change in body["changes"]}
    assert changes["title"]["old"] == "Botoșani Digital 2030"
    assert changes["title"]["new"] == "Botoșani Digital 2035"
    assert changes["title"]["by"] == "Andrei Ionescu"
    assert changes["weighting"]["field"] == "progress roll-up"
    assert body["current"]["version"] == read + 1
    assert body["current"]["title"] == "Botoșani Digital 2035"
    assert Plan.objects.get(pk=botosani_plan.pk).context.startswith("A medium-sized city")


def test_status_changes_and_their_422s(client, botosani_plan, editor):
    url = f"/api/v1/plans/{botosani_plan.pk}/status"
    errors = field_errors(client.post(url, {"status": "adopted"}, content_type=JSON, **editor))
    assert "cannot go from" in errors[("status",)]
    assert field_errors(client.post(url, {"status": "closed?"}, content_type=JSON, **editor))
    submitted = client.post(url, {"status": "submitted"}, content_type=JSON, **editor)
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    errors = field_errors(client.post(url, {"status": "adopted"}, content_type=JSON, **editor))
    assert set(errors) == {("adopted_on",), ("adoption_reference",)}
    adopted = client.post(
        url,
        {"status": "adopted", "adopted_on": "2022-11-08", "adoption_reference": "HCL 312/2022"},
        content_type=JSON,
        **editor,
    )
    assert adopted.status_code == 200, adopted.content
    body = adopted.json()
    assert (body["status"], body["adopted_on"], body["adoption_reference"]) == (
        "adopted",
        "2022-11-08",
        "HCL 312/2022",
    )
    assert body["next_statuses"] == ["implementing"]


def test_publishing_is_for_the_city_coordinator(client, botosani_plan, editor, token_for):
    url = f"/api/v1/plans/{botosani_plan.pk}/publish"
    assert client.post(url, {"is_public": True}, content_type=JSON, **editor).status_code == 403
    response = client.post(
        url, {"is_public": True}, content_type=JSON, **token_for("botosani-coordinator")
    )
    assert response.status_code == 200 and response.json()["is_public"] is True
    assert client.get(f"/api/v1/plans/{botosani_plan.pk}").status_code == 200


def test_objectives_are_created_changed_and_deleted(client, botosani_plan, editor):
    url = f"/api/v1/plans/{botosani_plan.pk}/objectives"
    tree = client.get(url, **editor).json()
    assert tree["count"] == 2
    so2 = tree["items"][1]
    created = client.post(
        url, {"title": "E-payments everywhere", "parent": so2["id"]}, content_type=JSON, **editor
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["code"], body["parent"], body["version"], body["specific"]) == (
        "O1",
        so2["id"],
        1,
        [],
    )
    changed = client.patch(
        f"/api/v1/objectives/{body['id']}",
        {"version": 1, "code": "SO2.1", "problem": "Cash only at the desks"},
        content_type=JSON,
        **editor,
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["code"], changed.json()["version"]) == ("SO2.1", 2)
    stale = client.patch(
        f"/api/v1/objectives/{body['id']}",
        {"version": 1, "title": "Old copy"},
        content_type=JSON,
        **editor,
    )
    assert stale.status_code == 409
    assert {c["name"] for c in stale.json()["changes"]} == {"code", "problem"}
    assert stale.json()["current"]["code"] == "SO2.1"
    tree = client.get(url, **editor).json()
    assert [o["code"] for o in tree["items"][1]["specific"]] == ["SO2.1"]
    assert client.delete(f"/api/v1/objectives/{body['id']}", **editor).status_code == 204
    assert not Objective.objects.filter(pk=body["id"]).exists()
    # An objective with actions cannot go.
    taken = client.post(url, {"title": "Again", "code": "SO2"}, content_type=JSON, **editor)
    assert "already used" in str(field_errors(taken))
    in_use = client.delete(f"/api/v1/objectives/{so2['id']}", **editor)
    assert in_use.status_code == 422 and in_use.json()["detail"][0]["loc"] == ["body"]


def test_objective_parent_must_be_a_strategic_objective_of_the_plan(
    client, botosani_plan, messina_plan, editor
):
    url = f"/api/v1/plans/{botosani_plan.pk}/objectives"
    foreign = Objective.objects.get(plan=messina_plan)
    errors = field_errors(
        client.post(url, {"title": "X", "parent": foreign.pk}, content_type=JSON, **editor)
    )
    assert ("parent",) in errors
    so1 = Objective.objects.get(plan=botosani_plan, code="SO1")
    so11 = Objective.objects.get(plan=botosani_plan, code="SO1.1")
    errors = field_errors(
        client.post(url, {"title": "X", "parent": so11.pk}, content_type=JSON, **editor)
    )
    assert ("parent",) in errors
    for parent in (so1.pk, Objective.objects.get(plan=botosani_plan, code="SO2").pk):
        response = client.patch(
            f"/api/v1/objectives/{so1.pk}",
            {"version": so1.version, "parent": parent},
            content_type=JSON,
            **editor,
        )
        assert ("parent",) in field_errors(response)


def test_actions_are_created_changed_and_deleted(client, botosani_plan, editor):
    url = f"/api/v1/plans/{botosani_plan.pk}/actions"
    created = client.post(
        url,
        {
            "objective": "SO1.1",
            "title": "E-signature for building permits",
            "starts_on": "2024-03-15",
            "ends_on": "2025-06-30",
            "estimated_cost": 50000,
            "fundings": [
                {"kind": "digital_europe", "amount": 30000.5, "status": "applied"},
                {"kind": "municipal", "amount": "19999.50", "status": "secured"},
            ],
            "risks": [{"description": "No supplier", "likelihood": 2, "impact": 4}],
            "outputs": [{"name": "Permits signed online", "target": 500}],
            "tests": [{"title": "One architect's office", "tried_from": "2024-04-01"}],
        },
        content_type=JSON,
        **editor,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["code"], body["objective"], body["version"]) == ("A4", "SO1.1", 1)
    assert (body["starts_on"], body["ends_on"]) == ("2024-03-01", "2025-06-01")
    assert body["secured"] == 19999.5 and body["estimated_cost"] == 50000.0
    assert [f["amount"] for f in body["fundings"]] == [30000.5, 19999.5]
    assert body["risks"][0]["score"] == 8
    pk = body["id"]

    changed = client.patch(
        f"/api/v1/actions/{pk}",
        {"version": 1, "status": "on_track", "progress": 40, "risks": [], "note": "Started"},
        content_type=JSON,
        **editor,
    )
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert (body["status"], body["progress"], body["version"], body["risks"]) == (
        "on_track",
        40,
        2,
        [],
    )
    assert len(body["fundings"]) == 2  # lists not given are kept
    moved = client.patch(
        f"/api/v1/actions/{pk}",
        {"version": 2, "objective": "SO2", "fundings": None},
        content_type=JSON,
        **editor,
    )
    assert moved.status_code == 200 and moved.json()["objective"] == "SO2"
    stale = client.patch(
        f"/api/v1/actions/{pk}", {"version": 2, "progress": 50}, content_type=JSON, **editor
    )
    assert stale.status_code == 409
    assert [c["name"] for c in stale.json()["changes"]] == ["objective"]
    assert stale.json()["current"]["objective"] == "SO2"
    assert client.delete(f"/api/v1/actions/{pk}", **editor).status_code == 204
    assert client.get(f"/api/v1/actions/{pk}", **editor).status_code == 404


def test_action_input_errors_name_the_field(client, botosani_plan, messina_plan, editor):
    url = f"/api/v1/plans/{botosani_plan.pk}/actions"
    base = {"objective": "SO2", "title": "Kiosks", "estimated_cost": 1000}
    split = client.post(
        url,
        {**base, "fundings": [{"kind": "erdf", "amount": 600, "status": "secured"}]},
        content_type=JSON,
        **editor,
    )
    assert "adds up to €600" in field_errors(split)[("fundings",)]
    foreign_code = Objective.objects.get(plan=messina_plan).code
    errors = field_errors(
        client.post(url, {**base, "objective": foreign_code}, content_type=JSON, **editor)
    )
    assert ("objective",) in errors
    dates = client.post(
        url,
        {**base, "starts_on": "2024-05-01", "ends_on": "2024-01-01"},
        content_type=JSON,
        **editor,
    )
    assert ("ends_on",) in field_errors(dates)
    done = client.post(url, {**base, "status": "done", "progress": 50}, content_type=JSON, **editor)
    assert ("progress",) in field_errors(done)
    action = Action.objects.get(plan=botosani_plan, code="A1")
    cost = client.patch(
        f"/api/v1/actions/{action.pk}",
        {"version": action.version, "estimated_cost": 1},
        content_type=JSON,
        **editor,
    )
    assert ("estimated_cost",) in field_errors(cost)
    kind = client.post(
        url,
        {**base, "fundings": [{"kind": "lottery", "amount": 1000}]},
        content_type=JSON,
        **editor,
    )
    assert "fundings row 1, kind" in field_errors(kind)[("fundings",)]
    assert Action.objects.filter(plan=botosani_plan).count() == 3


ODD_ACTION_INPUT = [
    ({"title": "Evil\x00title"}, ("payload", "title")),
    ({"estimated_cost": 10**30}, ("payload", "estimated_cost")),
    ({"estimated_cost": -5}, ("payload", "estimated_cost")),
    ({"estimated_cost": "NaN"}, ("payload", "estimated_cost")),
    ({"progress": "lots"}, ("payload", "progress")),
    ({"progress": 101}, ("payload", "progress")),
    ({"position": 10**20}, ("payload", "position")),
    ({"weight": 1.234}, ("payload", "weight")),
    ({"starts_on": "soon"}, ("payload", "starts_on")),
    ({"risks": [{"description": "x", "likelihood": 9, "impact": 1}]}, None),
    ({"fundings": [{"kind": "erdf", "amount": 1e300}]}, None),
    ({"title": "x" * 301}, ("title",)),
    ({"title": "Two\nlines"}, ("title",)),
    ({"contact_email": "not an address"}, ("contact_email",)),
    ({"status": "bored"}, ("status",)),
    ({"colour": "red"}, ("payload", "colour")),
    ({"objective": "SO2\x00"}, ("payload", "objective")),
    ({"fundings": [{"kind": "erdf", "amount": 0, "name": "a\x00b"}]}, None),
    ({"fundings": "all of them"}, ("payload", "fundings")),
    ({"code": "A1"}, None),
]


def test_odd_action_input_is_a_422_naming_the_field(client, botosani_plan, editor):
    for payload, loc in ODD_ACTION_INPUT:
        response = client.post(
            f"/api/v1/plans/{botosani_plan.pk}/actions",
            {"objective": "SO2", "title": "Kiosks", **payload},
            content_type=JSON,
            **editor,
        )
        errors = field_errors(response)
        if loc:
            assert loc in errors, (payload, errors)
    assert Action.objects.filter(plan=botosani_plan).count() == 3


ODD_PLAN_INPUT = [
    ({"title": "Evil\x00"}, ("payload", "title")),
    ({"title": None}, ("title",)),
    ({"status": "adopted"}, ("payload", "status")),
    ({"update_cycle": 7}, ("update_cycle",)),
    ({"update_cycle": 10**40}, ("payload", "update_cycle")),
    ({"weighting": "votes"}, ("weighting",)),
    ({"language": "xx"}, ("language",)),
    ({}, ("payload", "version")),
]


def test_odd_plan_input_is_a_422_naming_the_field(client, botosani_plan, editor):
    for payload, loc in ODD_PLAN_INPUT:
        body = {"version": botosani_plan.version, **payload} if payload else {}
        response = client.patch(
            f"/api/v1/plans/{botosani_plan.pk}", body, content_type=JSON, **editor
        )
        assert loc in field_errors(response), payload
    assert Plan.objects.get(pk=botosani_plan.pk).version == botosani_plan.version


def test_huge_or_wrong_versions_are_422s_not_500s(client, botosani_plan, editor):
    url = f"/api/v1/plans/{botosani_plan.pk}"
    for version in (10**30, -1, "one"):
        response = client.patch(url, {"version": version}, content_type=JSON, **editor)
        assert ("payload", "version") in field_errors(response)
    not_json = client.patch(url, "{", content_type=JSON, **editor)
    assert not_json.status_code in (400, 422)


# --- indicators and measurements ----------------------------------------------------------------


def test_indicators_and_measurements(client, botosani_plan, editor, botosani):
    so2 = Objective.objects.get(plan=botosani_plan, code="SO2")
    url = f"/api/v1/objectives/{so2.pk}/indicators"
    assert client.get(url, **editor).json() == {"items": [], "count": 0}
    created = client.post(
        url,
        {
            "name": "Civil servants trained",
            "unit": "people",
            "baseline_value": 0,
            "baseline_on": "2022-01-01",
            "target_value": 200,
            "target_on": "2026-12-31",
        },
        content_type=JSON,
        **editor,
    )
    assert created.status_code == 201, created.content
    indicator = created.json()
    assert indicator["trend"]["direction"] == "no_data" and indicator["version"] == 1
    measurements = f"/api/v1/indicators/{indicator['id']}/measurements"
    added = client.post(
        measurements,
        {"measured_on": "2024-12-31", "value": 42.5, "note": "First cohort"},
        content_type=JSON,
        **editor,
    )
    assert added.status_code == 201, added.content
    assert added.json()["value"] == 42.5 and added.json()["source"] == "manual"
    future = dt.date.today() + dt.timedelta(days=40)
    errors = field_errors(
        client.post(
            measurements,
            {"measured_on": future.isoformat(), "value": 1},
            content_type=JSON,
            **editor,
        )
    )
    assert ("measured_on",) in errors
    assert field_errors(
        client.post(
            measurements, {"measured_on": "2024-01-01", "value": 1e20}, content_type=JSON, **editor
        )
    )
    series = client.get(measurements, **editor).json()
    assert series["count"] == 1 and series["items"][0]["measured_on"] == "2024-12-31"
    read = client.get(f"/api/v1/indicators/{indicator['id']}", **editor).json()
    assert read["trend"]["direction"] == "toward" and read["trend"]["share_of_way"] == 21.3

    changed = client.patch(
        f"/api/v1/indicators/{indicator['id']}",
        {"version": 1, "target_value": 100},
        content_type=JSON,
        **editor,
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["target_value"] == 100.0 and changed.json()["version"] == 2
    stale = client.patch(
        f"/api/v1/indicators/{indicator['id']}",
        {"version": 1, "unit": "persons"},
        content_type=JSON,
        **editor,
    )
    assert stale.status_code == 409
    assert stale.json()["changes"][0]["old"] == 200.0
    assert stale.json()["changes"][0]["new"] == 100.0
    errors = field_errors(
        client.patch(
            f"/api/v1/indicators/{indicator['id']}",
            {"version": 2, "target_on": "2020-01-01"},
            content_type=JSON,
            **editor,
        )
    )
    assert ("target_on",) in errors
    other_city = field_errors(
        client.patch(
            f"/api/v1/indicators/{indicator['id']}",
            {"version": 2, "binding": "service_uptake", "service": 2**31 - 1},
            content_type=JSON,
            **editor,
        )
    )
    assert ("service",) in other_city
    assert client.delete(f"/api/v1/indicators/{indicator['id']}", **editor).status_code == 204
    assert not Measurement.objects.filter(indicator_id=indicator["id"]).exists()


# --- denials and unknown ids --------------------------------------------------------------------


def _write_attempts(plan) -> list[tuple[str, str, dict]]:
    objective = Objective.objects.filter(plan=plan).first()
    action = Action.objects.filter(plan=plan).first()
    indicator = (
        objective.indicators.first()
        or Objective.objects.filter(plan=plan, indicators__isnull=False).first().indicators.first()
    )
    return [
        ("patch", f"/api/v1/plans/{plan.pk}", {"version": plan.version, "title": "Mine"}),
        ("post", f"/api/v1/plans/{plan.pk}/status", {"status": "roadmap"}),
        ("post", f"/api/v1/plans/{plan.pk}/objectives", {"title": "Mine"}),
        ("patch", f"/api/v1/objectives/{objective.pk}", {"version": 1, "title": "Mine"}),
        ("delete", f"/api/v1/objectives/{objective.pk}", {}),
        ("post", f"/api/v1/plans/{plan.pk}/actions", {"objective": objective.code, "title": "M"}),
        ("patch", f"/api/v1/actions/{action.pk}", {"version": action.version, "title": "Mine"}),
        ("delete", f"/api/v1/actions/{action.pk}", {}),
        ("post", f"/api/v1/objectives/{objective.pk}/indicators", {"name": "Mine"}),
        ("patch", f"/api/v1/indicators/{indicator.pk}", {"version": 1, "name": "Mine"}),
        (
            "post",
            f"/api/v1/indicators/{indicator.pk}/measurements",
            {"measured_on": "2024-01-01", "value": 1},
        ),
    ]


def _attempt(client, method, url, payload, headers):
    if method == "delete":
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(url, payload, content_type=JSON, **headers)


def _unchanged(plan) -> None:
    assert Plan.objects.get(pk=plan.pk).version == plan.version
    assert not Objective.objects.filter(title="Mine").exists()
    assert not Action.objects.filter(title__in=["Mine", "M"]).exists()
    assert Objective.objects.filter(plan=plan).count() >= 1


def test_readers_who_may_not_write_get_403s(
    client, botosani_plan, botosani_editor, token_for, demo_user
):
    submit(botosani_plan, botosani_editor)
    botosani_plan.refresh_from_db()
    publish(botosani_plan, demo_user)
    for who in ("messina-editor", "lead-expert", "coordinator", "citizen", "local-group"):
        headers = token_for(who)
        for method, url, payload in _write_attempts(botosani_plan):
            response = _attempt(client, method, url, payload, headers)
            assert response.status_code == 403, (who, method, url, response.content)
            assert "permission" in response.json()["detail"]
    _unchanged(botosani_plan)


def test_a_botosani_editor_never_reaches_messina_whatever_the_id(
    client, botosani_plan, messina_plan, editor, demo_user
):
    for method, url, payload in _write_attempts(messina_plan):
        response = _attempt(client, method, url, payload, editor)
        # A draft of another city is not even acknowledged.
        assert response.status_code == 404, (method, url, response.content)
    submit(messina_plan, demo_user("messina-editor"))
    messina_plan.refresh_from_db()
    for method, url, payload in _write_attempts(messina_plan):
        response = _attempt(client, method, url, payload, editor)
        assert response.status_code == 403, (method, url, response.content)
    _unchanged(messina_plan)
    # Nor through Botoșani's plan: a Messina objective id or code is refused.
    messina_objective = Objective.objects.get(plan=messina_plan)
    own = Objective.objects.get(plan=botosani_plan, code="SO1")
    response = client.patch(
        f"/api/v1/objectives/{own.pk}",
        {"version": own.version, "parent": messina_objective.pk},
        content_type=JSON,
        **editor,
    )
    assert ("parent",) in field_errors(response)


UNKNOWN = [
    "/api/v1/plans/999999",
    "/api/v1/plans/99999999999999999999999",
    "/api/v1/plans/0",
    "/api/v1/plans/999999/actions",
    "/api/v1/plans/999999/objectives",
    "/api/v1/objectives/999999",
    "/api/v1/objectives/99999999999999999999/indicators",
    "/api/v1/actions/999999",
    "/api/v1/actions/-1",
    "/api/v1/indicators/999999",
    "/api/v1/indicators/999999/measurements",
    "/api/v1/plans/999999/export.docx",
    "/api/v1/plans/999999/budget.xlsx",
]


def test_unknown_ids_are_json_404s(client, demo, editor):
    for url in UNKNOWN:
        response = client.get(url, **editor)
        assert response.status_code == 404, url
        if "-1" not in url:  # not even routed
            assert response.json() == {"detail": "Not found."}, url


def test_unknown_ids_in_writes_are_404s(client, demo, editor):
    assert (
        client.patch(
            "/api/v1/actions/99999999999999999999", {"version": 1}, content_type=JSON, **editor
        ).status_code
        == 404
    )
    assert client.delete("/api/v1/objectives/999999", **editor).status_code == 404
    response = client.post(
        "/api/v1/indicators/999999/measurements",
        {"measured_on": "2024-01-01", "value": 1},
        content_type=JSON,
        **editor,
    )
    assert response.status_code == 404


# --- query counts -------------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200, response.content
    return len(captured)


def test_reads_keep_a_constant_number_of_queries(client_as, demo, botosani, botosani_editor):
    client = client_as("botosani-editor")

    def counts(plan):
        return {
            name: _count(client, url.format(pk=plan.pk))
            for name, url in (
                ("plan", "/api/v1/plans/{pk}"),
                ("actions", "/api/v1/plans/{pk}/actions"),
                ("objectives", "/api/v1/plans/{pk}/objectives"),
            )
        }

    clear_plan(botosani, demo)
    small = build_plan(botosani_editor, botosani, demo, actions=3)
    counts(small)  # warm the caches of the first request
    measured = counts(small)
    clear_plan(botosani, demo)
    large = build_plan(botosani_editor, botosani, demo, actions=30)
    assert counts(large) == measured


# --- documents ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "content_type", "magic"),
    [
        ("export.docx", "wordprocessingml", b"PK"),
        ("export.pdf", "application/pdf", b"%PDF"),
        ("actions.xlsx", "spreadsheetml", b"PK"),
        ("budget.xlsx", "spreadsheetml", b"PK"),
    ],
)
def test_documents_download(client, botosani_plan, editor, suffix, content_type, magic):
    response = client.get(f"/api/v1/plans/{botosani_plan.pk}/{suffix}", **editor)
    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    assert response["Content-Disposition"] == (
        f'attachment; filename="botosani-di4c-{suffix.replace("export.", "plan.")}"'
    )
    assert response.content.startswith(magic)
    assert client.get(f"/api/v1/plans/{botosani_plan.pk}/{suffix}").status_code == 404


# --- what each reader may see -------------------------------------------------------------------


def publish_with_a_private_assessment(plan, demo_user):
    """The plan published by its city; the assessment its baseline was taken from is not."""
    Assessment.objects.filter(pk=plan.baseline["maturity"]["assessment"]).update(is_public=False)
    return publish(plan, demo_user)


def test_detail_keeps_an_unpublished_assessment_out_of_the_baseline(
    client, botosani_plan, editor, demo_user
):
    plan = publish_with_a_private_assessment(botosani_plan, demo_user)
    url = f"/api/v1/plans/{plan.pk}"

    visitor = client.get(url)
    assert visitor.status_code == 200
    assert visitor.json()["baseline"]["maturity"] is None
    assert plan.baseline["maturity"]["overall"] not in visitor.content.decode()
    maturity = client.get(url, **editor).json()["baseline"]["maturity"]
    assert maturity["overall"] == plan.baseline["maturity"]["overall"]
    assert [d["score"] for d in maturity["dimensions"]] == [
        d["score"] for d in plan.baseline["maturity"]["dimensions"]
    ]


def _contact_emails(data: bytes) -> list:
    import io

    import openpyxl

    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    column = rows[0].index("contact_email")  # the column stays: it is the import format
    return [row[column] for row in rows[1:]]


def test_documents_hold_only_what_the_reader_may_see(
    client, botosani_plan, editor, demo_user, token_for
):
    import io

    import docx
    import pypdf

    plan = publish_with_a_private_assessment(botosani_plan, demo_user)
    url = f"/api/v1/plans/{plan.pk}"

    def word_text(headers) -> str:
        document = docx.Document(io.BytesIO(client.get(f"{url}/export.docx", **headers).content))
        cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)

    def pdf_text(headers) -> str:
        data = client.get(f"{url}/export.pdf", **headers).content
        return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)

    visitor = word_text({})
    assert "Overall score" not in visitor and "andrei@example.org" not in visitor
    assert "Andrei Ionescu" in visitor
    visitor = pdf_text({})
    assert "Overall score" not in visitor and "andrei@example.org" not in visitor
    # A partner city reads the validated assessment, not the e-mails of the leads.
    messina = token_for("messina-editor")
    partner = word_text(messina)
    assert "Overall score" in partner and "andrei@example.org" not in partner
    for reader in ({}, messina):
        actions = client.get(f"{url}/actions.xlsx", **reader).content
        assert _contact_emails(actions) == [None] * 3

    text = word_text(editor)
    assert "Overall score" in text and "Andrei Ionescu <andrei@example.org>" in text
    assert "Overall score" in pdf_text(editor)
    actions = client.get(f"{url}/actions.xlsx", **editor).content
    assert _contact_emails(actions) == ["andrei@example.org"] * 3
