"""The REST API: public reads, token-authenticated writes, the same rules as the pages."""

import datetime as dt

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from di4c.accounts.services import api_token_create
from di4c.networks.models import Network, Organisation
from tests.conftest import DI4C_CURRENT_PARTNERS
from tests.factories import NetworkFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def openapi(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def conforms(openapi, component: str, payload) -> None:
    """Validate a payload against a component schema of our own OpenAPI document."""
    schema = {"$ref": f"#/components/schemas/{component}", "components": openapi["components"]}
    jsonschema.Draft202012Validator(schema).validate(payload)


@pytest.fixture
def token_for(demo_user):
    def make(who: str) -> dict:
        _token, raw = api_token_create(user=demo_user(who), name="tests")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


def test_openapi_lists_the_endpoints(openapi):
    paths = openapi["paths"]
    for path in (
        "/api/v1/programmes",
        "/api/v1/networks",
        "/api/v1/networks/{slug}",
        "/api/v1/organisations",
        "/api/v1/organisations/{slug}",
        "/api/v1/networks/{slug}/partnerships",
    ):
        assert path in paths
    assert "patch" in paths["/api/v1/networks/{slug}"]


def test_docs_page_is_served_without_third_party_assets(client, db):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_network_by_slug_matches_the_seeds_and_the_schema(client, demo, openapi):
    response = client.get("/api/v1/networks/di4c")
    assert response.status_code == 200
    body = response.json()
    conforms(openapi, "NetworkDetailOut", body)
    assert body["acronym"] == "DI4C"
    assert body["budget_eur"] == 146993
    assert [(p["number"], p["starts_on"], p["ends_on"]) for p in body["phases"]] == [
        (1, "2019-09-02", "2020-03-02"),
        (2, "2020-05-07", "2022-08-07"),
    ]
    partners = body["partners"]
    assert partners[0]["organisation"]["slug"] == "messina"
    assert partners[0]["role"] == "lead"
    current = {p["organisation"]["slug"] for p in partners if p["current"]}
    assert current == DI4C_CURRENT_PARTNERS
    limerick = next(p for p in partners if p["organisation"]["slug"] == "limerick")
    assert limerick["current"] is False and limerick["left_on"] == "2019-09-01"
    assert body["last_modified"]["by"] == "Giulia Ferraro"


@pytest.mark.parametrize("slug", ["botosani", "messina", "oulu", "roquetas-de-mar", "e-trikala"])
def test_organisations_by_ascii_slug(client, demo, openapi, slug):
    response = client.get(f"/api/v1/organisations/{slug}")
    assert response.status_code == 200
    conforms(openapi, "OrganisationDetailOut", response.json())


def test_lists_are_paginated(client, demo, openapi):
    body = client.get("/api/v1/organisations?limit=3&offset=0").json()
    assert body["count"] == 10
    assert len(body["items"]) == 3
    for item in body["items"]:
        conforms(openapi, "OrganisationOut", item)
    second = client.get("/api/v1/organisations?limit=3&offset=3").json()
    assert {i["slug"] for i in body["items"]}.isdisjoint({i["slug"] for i in second["items"]})
    programmes = client.get("/api/v1/programmes").json()
    assert programmes["items"][0]["networks"][0]["slug"] == "di4c"


def test_unknown_slug_is_a_json_404(client, db):
    response = client.get("/api/v1/networks/atlantis")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert client.get("/api/v1/no-such-endpoint").status_code == 404


def test_write_without_token_is_401(client, demo):
    response = client.patch(
        "/api/v1/networks/di4c", {"acronym": "X"}, content_type="application/json"
    )
    assert response.status_code == 401
    response = client.patch(
        "/api/v1/networks/di4c",
        {"acronym": "X"},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer di4c_not-a-real-token",
    )
    assert response.status_code == 401
    assert Network.objects.get(slug="di4c").acronym == "DI4C"


def test_coordinator_patches_network_with_token(client, demo, token_for, openapi):
    response = client.patch(
        "/api/v1/networks/di4c",
        {"budget_eur": "150000", "name_i18n": {"ro": "Inovații digitale", "it": "Innovazione"}},
        content_type="application/json",
        **token_for("coordinator"),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    conforms(openapi, "NetworkDetailOut", body)
    assert body["budget_eur"] == 150000
    assert body["last_modified"]["by"] == "Giulia Ferraro"
    assert Network.objects.get(slug="di4c").name_i18n["ro"] == "Inovații digitale"


def test_botosani_editor_cannot_patch_messina_or_the_network(client, demo, token_for):
    auth = token_for("botosani-editor")
    response = client.patch(
        "/api/v1/organisations/messina",
        {"population": 1},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 403
    assert "permission" in response.json()["detail"]
    response = client.patch(
        "/api/v1/networks/di4c", {"acronym": "X"}, content_type="application/json", **auth
    )
    assert response.status_code == 403
    assert Organisation.objects.get(slug="messina").population == 218786


def test_revoked_token_no_longer_works(client, demo, demo_user):
    from di4c.accounts.services import api_token_revoke

    token, raw = api_token_create(user=demo_user("coordinator"), name="old")
    api_token_revoke(user=demo_user("coordinator"), token=token)
    response = client.patch(
        "/api/v1/networks/di4c",
        {"acronym": "X"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 401


def _errors(response) -> dict:
    assert response.status_code == 422, response.content
    return {tuple(item["loc"][1:]): item["msg"] for item in response.json()["detail"]}


def test_bad_network_input_answers_422_with_field_errors(client, demo, token_for):
    auth = token_for("coordinator")
    errors = _errors(
        client.patch(
            "/api/v1/networks/di4c",
            {
                "budget_eur": -1,
                "phases": [
                    {"number": 1, "starts_on": "2019-09-02", "ends_on": "2020-06-01"},
                    {"number": 2, "starts_on": "2020-05-07", "ends_on": "2022-08-07"},
                ],
            },
            content_type="application/json",
            **auth,
        )
    )
    assert errors[("budget_eur",)] == "The budget cannot be negative."
    assert "overlaps" in errors[("phases",)]
    errors = _errors(
        client.patch(
            "/api/v1/networks/di4c",
            {"phases": [{"number": 1, "starts_on": "2020-01-02", "ends_on": "2020-01-01"}]},
            content_type="application/json",
            **auth,
        )
    )
    assert "A phase cannot end before it starts." in errors[("phases",)]
    # Schema-level errors have the same shape.
    errors = _errors(
        client.patch(
            "/api/v1/networks/di4c",
            {"budget_eur": "a lot"},
            content_type="application/json",
            **auth,
        )
    )
    assert ("payload", "budget_eur") in errors
    assert Network.objects.get(slug="di4c").budget_eur == 146993


def test_bad_partnership_input_answers_422(client, demo, token_for):
    auth = token_for("coordinator")
    newcomer = OrganisationFactory(slug="newtown")
    errors = _errors(
        client.post(
            "/api/v1/networks/di4c/partnerships",
            {
                "organisation": "newtown",
                "role": "lead",
                "joined_on": "2020-01-02",
                "left_on": "2020-01-01",
            },
            content_type="application/json",
            **auth,
        )
    )
    assert errors[("role",)] == "This network already has a lead partner."
    assert errors[("left_on",)] == "A partner cannot leave before it joins."
    errors = _errors(
        client.post(
            "/api/v1/networks/di4c/partnerships",
            {"organisation": "atlantis", "joined_on": "2020-01-02"},
            content_type="application/json",
            **auth,
        )
    )
    assert errors[("organisation",)] == "No organisation has the slug 'atlantis'."
    assert not demo.partnerships.filter(organisation=newcomer).exists()


def test_partnership_lifecycle_through_the_api(client, demo, token_for, openapi):
    auth = token_for("coordinator")
    OrganisationFactory(slug="newtown")
    created = client.post(
        "/api/v1/networks/di4c/partnerships",
        {"organisation": "newtown", "joined_on": "2020-01-02"},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201
    conforms(openapi, "PartnerOut", created.json())
    pk = created.json()["id"]
    left = client.patch(
        f"/api/v1/networks/di4c/partnerships/{pk}",
        {"left_on": "2021-01-01"},
        content_type="application/json",
        **auth,
    )
    assert left.status_code == 200 and left.json()["current"] is False
    deleted = client.delete(f"/api/v1/networks/di4c/partnerships/{pk}", **auth)
    assert deleted.status_code == 204
    assert not demo.partnerships.filter(pk=pk).exists()


def test_unknown_country_answers_422(client, demo, token_for):
    errors = _errors(
        client.patch(
            "/api/v1/organisations/botosani",
            {"country": "XX"},
            content_type="application/json",
            **token_for("botosani-coordinator"),
        )
    )
    assert "XX" in errors[("country",)]


def test_coordinator_creates_an_organisation(client, demo, token_for, openapi):
    response = client.post(
        "/api/v1/organisations",
        {
            "slug": "iasi",
            "name": "Municipality of Iași",
            "kind": "municipality",
            "country": "RO",
            "population": 271692,
            "parent": None,
        },
        content_type="application/json",
        **token_for("coordinator"),
    )
    assert response.status_code == 201, response.content
    conforms(openapi, "OrganisationDetailOut", response.json())
    denied = client.post(
        "/api/v1/organisations",
        {"slug": "x", "name": "X", "kind": "municipality", "country": "RO"},
        content_type="application/json",
        **token_for("botosani-editor"),
    )
    assert denied.status_code == 403


def test_me_lists_the_roles_of_the_token_owner(client, demo, token_for):
    body = client.get("/api/v1/me", **token_for("botosani-editor")).json()
    assert body["memberships"] == [
        {"role": "city_editor", "network": None, "organisation": "botosani"}
    ]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_api_reads_keep_a_constant_number_of_queries(client, db):
    network = NetworkFactory()
    PartnershipFactory(network=network, joined_on=dt.date(2019, 1, 1))
    small = {
        "networks": _count(client, "/api/v1/networks"),
        "network": _count(client, f"/api/v1/networks/{network.slug}"),
        "organisations": _count(client, "/api/v1/organisations"),
    }
    for _ in range(20):
        PartnershipFactory(network=network, joined_on=dt.date(2019, 1, 1))
    for _ in range(5):
        PartnershipFactory(joined_on=dt.date(2019, 1, 1))
    assert small == {
        "networks": _count(client, "/api/v1/networks"),
        "network": _count(client, f"/api/v1/networks/{network.slug}"),
        "organisations": _count(client, "/api/v1/organisations"),
    }


@pytest.mark.parametrize(
    ("path", "who", "payload", "field"),
    [
        ("/api/v1/networks/di4c", "coordinator", {"name_i18n": None}, "name_i18n"),
        ("/api/v1/networks/di4c", "coordinator", {"website": None}, "website"),
        ("/api/v1/networks/di4c", "coordinator", {"name": "Evil\r\nBcc: x"}, "name"),
        ("/api/v1/networks/di4c", "coordinator", {"languages": ["zz", ""]}, "languages"),
        ("/api/v1/organisations/botosani", "botosani-coordinator", {"city": None}, "city"),
        ("/api/v1/organisations/botosani", "botosani-coordinator", {"population": -1}, None),
        ("/api/v1/organisations/botosani", "botosani-coordinator", {"latitude": 1000}, "latitude"),
        ("/api/v1/organisations/botosani", "botosani-coordinator", {"kind": "castle"}, "kind"),
    ],
)
def test_odd_input_is_a_422_naming_the_field(client, demo, token_for, path, who, payload, field):
    response = client.patch(path, payload, content_type="application/json", **token_for(who))
    assert response.status_code == 422, response.content
    if field:
        assert any(item["loc"][-1] == field for item in response.json()["detail"])


def test_phase_number_out_of_range_is_a_422(client, demo, token_for):
    phase = demo.phases.get(number=1)
    response = client.patch(
        "/api/v1/networks/di4c",
        {
            "phases": [
                {
                    "id": phase.pk,
                    "number": 32000,
                    "starts_on": "2019-09-02",
                    "ends_on": "2020-03-02",
                }
            ]
        },
        content_type="application/json",
        **token_for("coordinator"),
    )
    assert response.status_code == 422


def test_renumbering_phases_is_accepted(client, demo, token_for):
    first, second = demo.phases.order_by("number")
    response = client.patch(
        "/api/v1/networks/di4c",
        {
            "phases": [
                {"id": first.pk, "number": 2, "starts_on": "2019-09-02", "ends_on": "2020-03-02"},
                {
                    "id": second.pk,
                    "number": 3,
                    "name": "DigiPlace",
                    "starts_on": "2020-05-07",
                    "ends_on": "2022-08-07",
                },
                {
                    "number": 1,
                    "name": "Preparation",
                    "starts_on": "2019-06-25",
                    "ends_on": "2019-09-01",
                },
            ]
        },
        content_type="application/json",
        **token_for("coordinator"),
    )
    assert response.status_code == 200, response.content
    assert [(p["number"], p["name"]) for p in response.json()["phases"]] == [
        (1, "Preparation"),
        (2, ""),
        (3, "DigiPlace"),
    ]


def test_huge_offset_is_a_422(client, db):
    assert client.get("/api/v1/networks?offset=99999999999999999999").status_code == 422
    assert client.get("/api/v1/networks?limit=100000").status_code == 422


def test_organisation_cannot_be_part_of_its_own_part(client, demo, token_for):
    auth = token_for("coordinator")
    response = client.patch(
        "/api/v1/organisations/trikala",
        {"parent": "e-trikala"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "parent"]
