"""The engagement API: a city's stakeholder map as its editors, members and the network's staff
read it (contact details to the editors only), the anonymous summary, writes with their field
errors, the personal-data export and erasure, odd input as 4xx, and constant query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch
from django.utils import timezone

from di4c.accounts.services import api_token_create
from di4c.engagement import selectors, services
from di4c.engagement.models import Sector, Stakeholder

pytestmark = pytest.mark.django_db

JSON = "application/json"
LIST = "/api/v1/organisations/botosani/stakeholders"
SUMMARY = f"{LIST}/summary"
CONTACT_FIELDS = (
    "contact_name",
    "email",
    "phone",
    "consent_given_on",
    "consent_purpose",
    "consent_method",
)
CONSENT = {
    "consent_given_on": "2020-01-24",
    "consent_purpose": "Invitations to the URBACT local group meetings",
    "consent_method": "written",
}


@pytest.fixture
def token_for(demo_user):
    def make(who: str) -> dict:
        _token, raw = api_token_create(user=demo_user(who), name="tests")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


@pytest.fixture
def editor(token_for):
    return token_for("botosani-editor")


@pytest.fixture
def make(botosani, demo_user):
    """A stakeholder of Botoșani made through the services."""

    def create(organisation=None, who="botosani-editor", **fields) -> Stakeholder:
        data = {
            "name": "Camera de Comerț și Industrie Botoșani",
            "sector": "business",
            "influence": 4,
            "interest": 3,
            **fields,
        }
        return services.stakeholder_create(
            actor=demo_user(who), organisation=organisation or botosani, data=data
        )

    return create


@pytest.fixture
def person(make):
    """A fictional citizen of the local group, with contact details and their consent."""
    return make(
        kind="person",
        name="Ana-Maria Dobre",
        sector="citizen",
        influence=1,
        interest=4,
        local_group_role="member",
        description="Answered the call for citizens.",
        contact_name="Ana-Maria Dobre",
        email="ana-maria.dobre@example.org",
        phone="+40 231 000 101",
        consent_given_on=dt.date(2020, 1, 24),
        consent_purpose="Invitations to the URBACT local group meetings",
        consent_method="written",
    )


def field_errors(response) -> dict:
    assert response.status_code == 422, response.content
    return {tuple(item["loc"][1:]): item["msg"] for item in response.json()["detail"]}


def post(client, headers, url=LIST, **fields):
    body = {"name": "Universitatea „Ștefan cel Mare” din Suceava", "sector": "academia"}
    body.update({"influence": 3, "interest": 4, **fields})
    return client.post(url, body, content_type=JSON, **headers)


def test_openapi_lists_the_engagement_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, methods in {
        "/api/v1/organisations/{slug}/stakeholders": {"get", "post"},
        "/api/v1/organisations/{slug}/stakeholders/summary": {"get"},
        "/api/v1/stakeholders/{pk}": {"get", "patch"},
        "/api/v1/stakeholders/{pk}/export": {"get"},
        "/api/v1/stakeholders/{pk}/erase": {"post"},
    }.items():
        assert set(paths[path]) == methods, path
        assert all(paths[path][m]["tags"] == ["engagement"] for m in methods)
    listing = paths["/api/v1/organisations/{slug}/stakeholders"]["get"]
    assert {"sector", "q", "limit", "offset"} <= {p["name"] for p in listing["parameters"]}


# --- reading the map ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["botosani-editor", "botosani-coordinator", "admin"])
def test_the_citys_keepers_read_the_contact_details(client, person, token_for, who):
    response = client.get(LIST, **token_for(who))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == person.pk and item["organisation"] == "botosani"
    assert item["name"] == "Ana-Maria Dobre" and item["kind"] == "person"
    assert (item["sector"], item["influence"], item["interest"]) == ("citizen", 1, 4)
    assert item["local_group_role"] == "member"
    assert item["contact_data_visible"] is True
    assert item["contact_name"] == "Ana-Maria Dobre"
    assert item["email"] == "ana-maria.dobre@example.org"
    assert item["phone"] == "+40 231 000 101"
    assert item["consent_given_on"] == "2020-01-24"
    assert item["consent_purpose"] == "Invitations to the URBACT local group meetings"
    assert item["consent_method"] == "written"
    assert item["is_erased"] is False and item["erased_at"] is None
    try:
        page = person.get_absolute_url()
    except NoReverseMatch:  # the engagement pages are not wired
        page = None
    assert item["urls"] == {"page": page}
    detail = client.get(f"/api/v1/stakeholders/{person.pk}", **token_for(who)).json()
    assert detail == item


@pytest.mark.parametrize("who", ["local-group", "coordinator", "lead-expert", "adhoc-expert"])
def test_members_and_network_staff_read_the_map_without_contact_details(
    client, person, token_for, who
):
    headers = token_for(who)
    [item] = client.get(LIST, **headers).json()["items"]
    assert item["name"] == "Ana-Maria Dobre" and item["influence"] == 1
    assert item["description"] == "Answered the call for citizens."
    assert item["contact_data_visible"] is False
    assert all(item[name] is None for name in CONTACT_FIELDS)
    detail = client.get(f"/api/v1/stakeholders/{person.pk}", **headers)
    assert detail.status_code == 200 and detail.json() == item
    assert client.get(SUMMARY, **headers).status_code == 200


def test_a_session_reads_like_a_token(client, person, demo_user):
    client.force_login(demo_user("local-group"))
    [item] = client.get(LIST).json()["items"]
    assert item["email"] is None
    client.force_login(demo_user("botosani-editor"))
    [item] = client.get(LIST).json()["items"]
    assert item["email"] == "ana-maria.dobre@example.org"


@pytest.mark.parametrize("who", ["messina-editor", "citizen", None])
def test_others_do_not_even_learn_the_map_exists(client, person, token_for, who):
    headers = token_for(who) if who else {}
    for url in (LIST, SUMMARY, f"/api/v1/stakeholders/{person.pk}"):
        response = client.get(url, **headers)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not found."}
    assert client.get(LIST, **token_for("messina-editor")).status_code == 404


def test_messinas_editor_reads_messinas_map(client, make, messina, token_for):
    theirs = make(organisation=messina, who="messina-editor", name="Università di Messina")
    url = "/api/v1/organisations/messina/stakeholders"
    [item] = client.get(url, **token_for("messina-editor")).json()["items"]
    assert item["id"] == theirs.pk and item["organisation"] == "messina"
    assert client.get(url, **token_for("botosani-editor")).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organisations/nowhere/stakeholders",
        "/api/v1/organisations/nowhere/stakeholders/summary",
        "/api/v1/organisations/bo%00tosani/stakeholders",
        "/api/v1/organisations/bo%00tosani/stakeholders/summary",
        f"/api/v1/stakeholders/{2**40}",
        f"/api/v1/stakeholders/{2**31 - 1}",
        "/api/v1/stakeholders/0",
        "/api/v1/stakeholders/-5",
        f"/api/v1/stakeholders/{2**40}/export",
    ],
)
def test_unknown_things_are_404(client, demo, editor, url):
    assert client.get(url, **editor).status_code == 404


def test_the_list_filters_and_pages(client, make, editor):
    make(name="Firmă locală de dezvoltare software", sector="ict")
    make(name="Furnizor local de internet", sector="ict")
    make(name="Start-up local de aplicații mobile", sector="entrepreneur")
    make(name="Consiliul Județean Botoșani", sector="public")

    def names(**params):
        response = client.get(LIST, params, **editor)
        assert response.status_code == 200, response.content
        return [item["name"] for item in response.json()["items"]]

    assert names() == sorted(names())  # by name
    assert len(names()) == 4
    assert names(sector="ict") == [
        "Firmă locală de dezvoltare software",
        "Furnizor local de internet",
    ]
    assert names(q="local") == [
        "Firmă locală de dezvoltare software",
        "Furnizor local de internet",
        "Start-up local de aplicații mobile",
    ]
    assert names(q="LOCAL", sector="entrepreneur") == ["Start-up local de aplicații mobile"]
    assert names(q="  Consiliul ") == ["Consiliul Județean Botoșani"]
    assert names(q="nothing like it") == []
    page = client.get(LIST, {"limit": 2, "offset": 1}, **editor).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    assert client.get(LIST, {"offset": 10**6}, **editor).json()["items"] == []


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"sector": "press"}, ("sector",)),
        ({"q": "nul\x00"}, ("q",)),
        ({"offset": 2**40}, ("offset",)),
        ({"limit": 0}, ("limit",)),
        ({"limit": 10**6}, ("limit",)),
    ],
)
def test_bad_query_parameters_are_422(client, demo, editor, params, loc):
    errors = field_errors(client.get(LIST, params, **editor))
    assert any(key[-1] == loc[-1] for key in errors), errors


def test_the_list_takes_a_constant_number_of_queries(client, make, editor):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST, {"limit": 200}, **editor)
        assert response.status_code == 200
        return len(captured)

    for number in range(5):
        make(name=f"Stakeholder {number:02}", email=f"s{number}@example.org", **_consent())
    queries()  # the token's first use is recorded once
    five = queries()
    for number in range(5, 50):
        make(name=f"Stakeholder {number:02}", email=f"s{number}@example.org", **_consent())
    assert client.get(LIST, {"limit": 200}, **editor).json()["count"] == 50
    # The token, the roles, the city and its networks, the count and the page.
    assert queries() == five <= 6


def test_the_list_of_a_member_takes_a_constant_number_of_queries(client, make, token_for):
    headers = token_for("local-group")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, **headers).status_code == 200
        return len(captured)

    for number in range(5):
        make(name=f"Stakeholder {number:02}")
    queries()  # the token's first use is recorded once
    five = queries()
    for number in range(5, 50):
        make(name=f"Stakeholder {number:02}")
    assert queries() == five


def _consent() -> dict:
    return {
        "consent_given_on": dt.date(2020, 1, 24),
        "consent_purpose": "Invitations to the URBACT local group meetings",
        "consent_method": "email",
    }


# --- the summary: anonymous facts ---------------------------------------------------------------


def test_the_summary_counts_sectors_cells_and_quadrants(client, make, person, token_for):
    make(name="Direcția de Informatică", sector="public", influence=5, interest=5,
         local_group_role="coordinator")  # fmt: skip
    make(name="Consiliul Județean Botoșani", sector="public", influence=5, interest=1)
    make(name="Furnizor de internet", sector="ict", influence=3, interest=2)
    make(name="Asociație", sector="civil_society", influence=2, interest=2)
    # person: citizen, influence 1, interest 4, member
    response = client.get(SUMMARY, **token_for("local-group"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["organisation"] == "botosani"
    assert body["total"] == 5 and body["erased"] == 0 and body["in_local_group"] == 2
    assert body["local_group_roles"] == {"coordinator": 1, "core": 0, "member": 1, "observer": 0}
    assert [row["sector"] for row in body["sectors"]] == list(Sector.values)
    counts = {row["sector"]: row["count"] for row in body["sectors"]}
    assert counts == {
        "public": 2,
        "business": 0,
        "entrepreneur": 0,
        "civil_society": 1,
        "academia": 0,
        "ict": 1,
        "citizen": 1,
    }
    assert {row["sector"]: row["label"] for row in body["sectors"]}["ict"] == (
        "ICT and technical bodies"
    )
    assert len(body["matrix"]) == 25
    assert body["matrix"][0] == {"influence": 5, "interest": 1, "count": 1}
    assert body["matrix"][4] == {"influence": 5, "interest": 5, "count": 1}
    assert body["matrix"][-1] == {"influence": 1, "interest": 5, "count": 0}
    cells = {(c["influence"], c["interest"]): c["count"] for c in body["matrix"]}
    assert cells[(1, 4)] == 1 and cells[(3, 2)] == 1 and cells[(2, 2)] == 1
    assert sum(cells.values()) == 5
    assert body["quadrants"] == {"manage": 1, "satisfy": 2, "inform": 1, "monitor": 1}
    # Anonymous facts: no name, no contact anywhere in it.
    text = response.content.decode()
    for secret in ("Ana-Maria", "example.org", "Consiliul", "Direcția"):
        assert secret not in text


def test_the_summary_of_an_empty_map(client, demo, editor):
    body = client.get(SUMMARY, **editor).json()
    assert body["total"] == 0 and body["quadrants"] == dict.fromkeys(
        ("manage", "satisfy", "inform", "monitor"), 0
    )
    assert all(row["count"] == 0 for row in body["sectors"]) and len(body["sectors"]) == 7


# --- writing ------------------------------------------------------------------------------------


def test_an_editor_adds_a_stakeholder(client, botosani, editor, demo_user):
    response = post(
        client,
        editor,
        kind="organisation",
        local_group_role="core",
        description="Research partner.",
        contact_name="Irina Lazăr",
        email="irina.lazar@example.org",
        **CONSENT,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    stakeholder = Stakeholder.objects.get(pk=body["id"])
    assert stakeholder.organisation == botosani
    assert stakeholder.updated_by == demo_user("botosani-editor")
    assert stakeholder.consent_given_on == dt.date(2020, 1, 24)
    assert body["name"] == "Universitatea „Ștefan cel Mare” din Suceava"
    assert body["email"] == "irina.lazar@example.org" and body["consent_method"] == "written"
    assert body["phone"] == "" and body["local_group_role"] == "core"
    assert body["contact_data_visible"] is True


def test_the_defaults_of_a_new_stakeholder(client, demo, editor):
    body = post(client, editor).json()
    assert body["kind"] == "organisation" and body["local_group_role"] == ""
    assert body["description"] == "" and body["email"] == "" and body["consent_given_on"] is None


def test_contact_details_without_consent_are_refused(client, demo, editor):
    for contact in ({"email": "a@example.org"}, {"phone": "1"}, {"contact_name": "A. B."}):
        errors = field_errors(post(client, editor, **contact))
        assert {("consent_given_on",), ("consent_purpose",), ("consent_method",)} <= set(errors)
    errors = field_errors(
        post(client, editor, email="a@example.org", **{**CONSENT, "consent_purpose": ""})
    )
    assert set(errors) == {("consent_purpose",)}
    assert not Stakeholder.objects.exists()


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"influence": 0}, ("payload", "influence")),
        ({"influence": 6}, ("payload", "influence")),
        ({"interest": 0}, ("payload", "interest")),
        ({"interest": 6}, ("payload", "interest")),
        ({"influence": 2**70}, ("payload", "influence")),
        ({"influence": "a lot"}, ("payload", "influence")),
        ({"influence": None}, ("payload", "influence")),
        ({"sector": "press"}, ("sector",)),
        ({"kind": "robot"}, ("kind",)),
        ({"local_group_role": "boss"}, ("local_group_role",)),
        ({"name": ""}, ("name",)),
        ({"name": "x" * 300}, ("name",)),
        ({"name": "two\nlines"}, ("name",)),
        ({"name": "nul\x00"}, ("payload", "name")),
        ({"description": "x" * 2001}, ("payload", "description")),
        ({"surprise": 1}, ("payload", "surprise")),
        ({"organisation": "messina"}, ("payload", "organisation")),
        ({"email": "not an address", **CONSENT}, ("email",)),
        ({"email": "a@example.org", **CONSENT, "consent_given_on": "yesterday"},
         ("payload", "consent_given_on")),
        ({"email": "a@example.org", **CONSENT, "consent_given_on": "2020-02-30"},
         ("payload", "consent_given_on")),
        ({"email": "a@example.org", **CONSENT, "consent_given_on": "99999-01-01"},
         ("payload", "consent_given_on")),
        ({"email": "a@example.org", **CONSENT, "consent_given_on": "9999-12-31"},
         ("consent_given_on",)),
        ({"email": "a@example.org", **CONSENT, "consent_method": "telepathy"},
         ("consent_method",)),
    ],
)  # fmt: skip
def test_bad_input_is_a_422_naming_the_field(client, demo, editor, fields, loc):
    assert loc in field_errors(post(client, editor, **fields))
    assert not Stakeholder.objects.exists()


def test_a_consent_given_tomorrow_is_refused(client, demo, editor):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    errors = field_errors(
        post(client, editor, email="a@example.org", **{**CONSENT, "consent_given_on": tomorrow})
    )
    assert errors[("consent_given_on",)] == "A consent cannot be given in the future."


def test_a_body_that_is_not_an_object_is_422(client, demo, editor):
    for body in ("[]", "null", '"text"', "{not json"):
        response = client.post(LIST, body, content_type=JSON, **editor)
        assert response.status_code in (400, 422), body


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("local-group", 403),
        ("coordinator", 403),
        ("lead-expert", 403),
        ("messina-editor", 404),
        ("citizen", 404),
    ],
)
def test_who_may_not_add_a_stakeholder(client, demo, token_for, who, status):
    assert post(client, token_for(who)).status_code == status
    assert not Stakeholder.objects.exists()


def test_visitors_must_sign_in_to_write(client, person):
    assert post(client, {}).status_code == 401
    url = f"/api/v1/stakeholders/{person.pk}"
    assert client.patch(url, {"interest": 5}, content_type=JSON).status_code == 401
    assert client.get(f"{url}/export").status_code == 401
    assert client.post(f"{url}/erase").status_code == 401
    bad = {"HTTP_AUTHORIZATION": "Bearer not-a-token"}
    assert client.get(f"{url}/export", **bad).status_code == 401


@pytest.mark.parametrize("who", ["botosani-coordinator", "admin"])
def test_the_coordinator_and_the_admin_add_stakeholders_too(client, demo, token_for, who):
    assert post(client, token_for(who)).status_code == 201


def test_an_editor_changes_a_stakeholder(client, person, editor):
    url = f"/api/v1/stakeholders/{person.pk}"
    response = client.patch(url, {"influence": 3, "local_group_role": "core"}, content_type=JSON,
                            **editor)  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["influence"] == 3 and body["local_group_role"] == "core"
    assert body["interest"] == 4 and body["email"] == "ana-maria.dobre@example.org"
    person.refresh_from_db()
    assert person.influence == 3
    # Nothing given, nothing changed.
    assert client.patch(url, {}, content_type=JSON, **editor).json() == body
    # The consent goes only with the contact details.
    errors = field_errors(client.patch(url, {"consent_given_on": None}, content_type=JSON,
                                       **editor))  # fmt: skip
    assert set(errors) == {("consent_given_on",)}
    withdrawn = {name: "" for name in CONTACT_FIELDS} | {"consent_given_on": None}
    response = client.patch(url, withdrawn, content_type=JSON, **editor)
    assert response.status_code == 200, response.content
    assert response.json()["email"] == "" and response.json()["consent_given_on"] is None


@pytest.mark.parametrize(
    ("patch", "loc"),
    [
        ({"name": None}, ("name",)),
        ({"sector": None}, ("sector",)),
        ({"influence": 6}, ("payload", "influence")),
        ({"interest": 0}, ("payload", "interest")),
        ({"sector": "press"}, ("sector",)),
        ({"email": "x@example.org", "consent_purpose": ""}, ("consent_purpose",)),
        ({"consent_given_on": "2999-01-01"}, ("consent_given_on",)),
        ({"consent_given_on": "not a date"}, ("payload", "consent_given_on")),
        ({"phone": "nul\x00"}, ("payload", "phone")),
        ({"erased_at": "2020-01-01T00:00:00Z"}, ("payload", "erased_at")),
        ({"organisation": "messina"}, ("payload", "organisation")),
    ],
)
def test_a_bad_patch_is_a_422_naming_the_field(client, person, editor, patch, loc):
    url = f"/api/v1/stakeholders/{person.pk}"
    assert loc in field_errors(client.patch(url, patch, content_type=JSON, **editor))
    person.refresh_from_db()
    assert person.influence == 1 and person.email == "ana-maria.dobre@example.org"


@pytest.mark.parametrize(
    ("who", "status"),
    [("local-group", 403), ("coordinator", 403), ("messina-editor", 404), ("citizen", 404)],
)
def test_who_may_not_change_export_or_erase(client, person, token_for, who, status):
    headers = token_for(who)
    url = f"/api/v1/stakeholders/{person.pk}"
    assert client.patch(url, {"interest": 5}, content_type=JSON, **headers).status_code == status
    assert client.get(f"{url}/export", **headers).status_code == status
    assert client.post(f"{url}/erase", **headers).status_code == status
    person.refresh_from_db()
    assert person.interest == 4 and not person.is_erased


def test_writes_to_unknown_records_are_404(client, demo, editor):
    for pk in (2**40, 2**31 - 1, 0):
        url = f"/api/v1/stakeholders/{pk}"
        assert client.patch(url, {"interest": 5}, content_type=JSON, **editor).status_code == 404
        assert client.post(f"{url}/erase", **editor).status_code == 404
    assert post(client, editor, url="/api/v1/organisations/nowhere/stakeholders").status_code == 404
    assert post(client, editor, url="/api/v1/organisations/x%00/stakeholders").status_code == 404


# --- export and erasure -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["botosani-editor", "botosani-coordinator", "admin"])
def test_the_keepers_export_everything_held_about_a_person(client, person, token_for, who):
    response = client.get(f"/api/v1/stakeholders/{person.pk}/export", **token_for(who))
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == (
        f'attachment; filename="stakeholder-{person.pk}.json"'
    )
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    person.refresh_from_db()
    expected = selectors.personal_data_export(person)
    assert body.keys() == expected.keys() and body["record"] == expected["record"]
    assert body["controller"] == "Municipality of Botoșani"
    assert body["record"]["email"] == "ana-maria.dobre@example.org"
    assert body["record"]["consent"]["given_on"] == "2020-01-24"


def test_erasure_through_the_api(client, person, make, token_for):
    make(name="Camera de Comerț și Industrie Botoșani")
    headers = token_for("botosani-coordinator")
    summary = client.get(SUMMARY, **headers).json()
    response = client.post(f"/api/v1/stakeholders/{person.pk}/erase", **headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["is_erased"] is True and body["erased_at"] is not None
    assert body["name"] == f"Erased stakeholder no. {person.pk}"
    assert body["description"] == ""
    assert body["email"] == body["phone"] == body["contact_name"] == ""
    assert body["consent_given_on"] is None and body["consent_purpose"] == ""
    assert (body["kind"], body["sector"], body["influence"], body["interest"]) == (
        "person",
        "citizen",
        1,
        4,
    )
    assert body["local_group_role"] == "member"
    # The anonymous facts the reports count are the same.
    after = client.get(SUMMARY, **headers).json()
    assert after == {**summary, "erased": 1}
    # An erased record can no longer be changed or erased; the export shows what is left.
    url = f"/api/v1/stakeholders/{person.pk}"
    errors = field_errors(client.patch(url, {"interest": 1}, content_type=JSON, **headers))
    assert errors == {(): "This record was erased; it can no longer be changed."}
    errors = field_errors(client.post(f"{url}/erase", **headers))
    assert errors == {(): "This record is already erased."}
    record = client.get(f"{url}/export", **headers).json()["record"]
    assert record["email"] == "" and record["name"] == body["name"]
    assert "Ana-Maria" not in client.get(LIST, **headers).content.decode()
