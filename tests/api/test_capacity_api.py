"""The capacity API, framework and city setup: the skills framework in the reader's language;
a city's departments, staff roles and target profiles, read by its staff and networks and
written by its editors only; a target profile with any error is refused whole (422 listing
every error) and nothing is saved. Rounds, answers and results: test_capacity_rounds_api;
trainings: test_capacity_trainings_api."""

import pytest

from di4c.capacity import services
from di4c.capacity.models import Department, Round, StaffRole, TargetLevel
from tests.api.capacity_api_helpers import (
    API,
    CAPACITY,
    JSON,
    answer,
    city_setup,
    field_errors,
    make_round,
)

pytestmark = pytest.mark.django_db

CITY = f"{CAPACITY}/organisations/botosani"
OUTSIDERS = ["citizen", "messina-editor"]


@pytest.fixture
def setup(botosani, demo_user):
    return city_setup(botosani, demo_user("botosani-editor"))


def test_openapi_lists_the_capacity_endpoints(openapi):
    paths = openapi["paths"]
    city = "/api/v1/capacity/organisations/{slug}"
    rounds = "/api/v1/capacity/rounds/{pk}"
    for path, methods in {
        "/api/v1/capacity/frameworks": {"get"},
        "/api/v1/capacity/frameworks/{code}/{version}": {"get"},
        f"{city}/departments": {"get", "post"},
        f"{city}/departments/{{pk}}": {"patch", "delete"},
        f"{city}/roles": {"get", "post"},
        f"{city}/roles/from-framework": {"post"},
        f"{city}/roles/{{pk}}": {"patch", "delete"},
        f"{city}/targets": {"get", "put"},
        f"{city}/rounds": {"get", "post"},
        f"{city}/dashboard": {"get"},
        f"{city}/trainings": {"get", "post"},
        rounds: {"get", "patch"},
        f"{rounds}/open": {"post"},
        f"{rounds}/close": {"post"},
        f"{rounds}/links": {"post"},
        f"{rounds}/participation": {"get"},
        f"{rounds}/results": {"get"},
        f"{rounds}/needs": {"get"},
        f"{rounds}/comparison": {"get"},
        "/api/v1/capacity/self-assessments": {"post"},
        "/api/v1/capacity/trainings/{pk}": {"get", "patch"},
        "/api/v1/capacity/trainings/{pk}/cancel": {"post"},
        "/api/v1/capacity/trainings/{pk}/enrol": {"post"},
        "/api/v1/capacity/trainings/{pk}/enrolments": {"get", "post"},
        "/api/v1/capacity/trainings/{pk}/attendance": {"put"},
        "/api/v1/capacity/enrolments/{pk}": {"delete"},
    }.items():
        assert set(paths[path]) == methods, path
        assert all(paths[path][m]["tags"] == ["capacity"] for m in methods), path
    results = paths[f"{rounds}/results"]["get"]
    assert "`shown` false" in results["description"]
    answer_op = paths["/api/v1/capacity/self-assessments"]["post"]
    assert {"201", "401", "409", "422"} <= set(answer_op["responses"])


# --- the framework ------------------------------------------------------------------------------


def test_the_framework_is_listed_and_read_whole(client, db):
    frameworks = client.get(f"{CAPACITY}/frameworks").json()
    assert [(f["code"], f["version"]) for f in frameworks] == [("di4c-skills", 1)]
    body = client.get(f"{CAPACITY}/frameworks/di4c-skills/1").json()
    assert body["language"] == "en"
    assert len(body["areas"]) == 8
    competences = [c for area in body["areas"] for c in area["competences"]]
    assert len(competences) == 30 and competences[0]["code"] == "1.1"
    assert {area["kind"] for area in body["areas"]} == {"digcomp", "public_administration"}
    assert [level["level"] for level in competences[0]["levels"]] == list(range(1, 9))
    assert all(level["descriptor"] for c in competences for level in c["levels"])
    assert [band["levels"] for band in body["bands"]] == [[1, 2], [3, 4], [5, 6], [7, 8]]
    assert competences[0]["levels"][6]["band"] == "Highly specialised"
    assert {role["code"] for role in body["suggested_roles"]} >= {"front_office", "it_staff"}


@pytest.mark.parametrize("how", ["query", "header"])
def test_the_framework_speaks_the_readers_language(client, db, how):
    url = f"{CAPACITY}/frameworks/di4c-skills/1"
    english = client.get(url).json()
    if how == "query":
        body = client.get(url, {"lang": "ro"}).json()
    else:
        body = client.get(url, HTTP_ACCEPT_LANGUAGE="ro").json()
    assert body["language"] == "ro"
    assert body["areas"][0]["name"] == "Alfabetizare informațională și de date"
    first, first_en = body["areas"][0]["competences"][0], english["areas"][0]["competences"][0]
    assert first["levels"][0]["descriptor"] != first_en["levels"][0]["descriptor"]


def test_unknown_frameworks_and_languages(client, db):
    assert client.get(f"{CAPACITY}/frameworks/di4c-skills/2").status_code == 404
    assert client.get(f"{CAPACITY}/frameworks/nothing/1").status_code == 404
    assert client.get(f"{CAPACITY}/frameworks/di4c-skills/99999999999").status_code == 404
    response = client.get(f"{CAPACITY}/frameworks/di4c-skills/1", {"lang": "xx"})
    assert field_errors(response) == {
        ("lang",): "Choose a language among: en, ro, it, es, fi, fr, el, lv, pt."
    }


# --- departments --------------------------------------------------------------------------------


def test_the_citys_staff_and_networks_read_the_departments(client, setup, token_for):
    for who in ("botosani-editor", "local-group", "coordinator", "lead-expert"):
        response = client.get(f"{CITY}/departments", **token_for(who))
        assert response.status_code == 200, who
        names = [row["name"] for row in response.json()["items"]]
        assert {"API Taxes", "API Registry", "API Archive"} <= set(names)
    assert client.get(f"{CITY}/departments").status_code == 401
    for who in OUTSIDERS:
        assert client.get(f"{CITY}/departments", **token_for(who)).status_code == 403, who
    assert (
        client.get(f"{CAPACITY}/organisations/nowhere/departments", **token_for("admin"))
    ).status_code == 404


def test_departments_are_written_by_the_citys_editors_only(client, botosani, token_for):
    url = f"{CITY}/departments"
    body = {"name": "API Urbanism", "staff_count": 12}
    assert client.post(url, body, content_type=JSON).status_code == 401
    for who in [*OUTSIDERS, "local-group"]:
        assert client.post(url, body, content_type=JSON, **token_for(who)).status_code == 403
    assert not Department.objects.filter(name="API Urbanism").exists()
    editor = token_for("botosani-editor")
    response = client.post(url, body, content_type=JSON, **editor)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["name"] == "API Urbanism" and created["staff_count"] == 12
    one = f"{url}/{created['id']}"
    for who in OUTSIDERS:
        headers = token_for(who)
        assert client.patch(one, {"name": "X"}, content_type=JSON, **headers).status_code == 403
        assert client.delete(one, **headers).status_code == 403
    assert client.patch(one, {"name": "X"}, content_type=JSON).status_code == 401
    assert client.delete(one).status_code == 401
    response = client.patch(one, {"staff_count": None}, content_type=JSON, **editor)
    assert response.status_code == 200 and response.json()["staff_count"] is None
    assert client.delete(one, **editor).status_code == 204
    assert not Department.objects.filter(name="API Urbanism").exists()


def test_department_input_errors_name_the_field(client, setup, token_for, messina):
    editor = token_for("botosani-editor")
    url = f"{CITY}/departments"
    duplicate = client.post(url, {"name": "API Taxes"}, content_type=JSON, **editor)
    assert "already has a department of this name" in field_errors(duplicate)[("name",)]
    negative = client.post(url, {"name": "API Y", "staff_count": -1}, content_type=JSON, **editor)
    assert negative.json()["detail"][0]["loc"][-1] == "staff_count"
    stranger = client.post(url, {"name": "Z", "boss": "me"}, content_type=JSON, **editor)
    assert stranger.status_code == 422
    # A department of Botoșani is not found under Messina's address, nor changed from there.
    taxes = setup["departments"]["API Taxes"]
    there = f"{CAPACITY}/organisations/messina/departments/{taxes.pk}"
    messina_editor = token_for("messina-editor")
    assert (
        client.patch(there, {"name": "X"}, content_type=JSON, **messina_editor).status_code == 404
    )
    assert client.delete(there, **messina_editor).status_code == 404
    taxes.refresh_from_db()
    assert taxes.name == "API Taxes"


def test_a_department_with_results_cannot_be_deleted(client, setup, botosani, demo_user, token_for):
    editor = demo_user("botosani-editor")
    round_ = make_round(botosani, editor)
    answer(round_, "API Archive", "api-it", 3, actor=editor)
    archive = setup["departments"]["API Archive"]
    response = client.delete(f"{CITY}/departments/{archive.pk}", **token_for("botosani-editor"))
    assert "rename it instead" in field_errors(response)[()]
    assert Department.objects.filter(pk=archive.pk).exists()


# --- staff roles --------------------------------------------------------------------------------


def test_roles_are_written_by_the_citys_editors_only(client, botosani, token_for):
    url = f"{CITY}/roles"
    body = {"code": "api-clerk", "name": "Clerk", "position": 3}
    assert client.post(url, body, content_type=JSON).status_code == 401
    for who in [*OUTSIDERS, "local-group"]:
        assert client.post(url, body, content_type=JSON, **token_for(who)).status_code == 403
    editor = token_for("botosani-editor")
    response = client.post(url, body, content_type=JSON, **editor)
    assert response.status_code == 201, response.content
    role = response.json()
    assert role["code"] == "api-clerk" and role["position"] == 3
    one = f"{url}/{role['id']}"
    for who in OUTSIDERS:
        patch = client.patch(one, {"name": "X"}, content_type=JSON, **token_for(who))
        assert patch.status_code == 403
        assert client.delete(one, **token_for(who)).status_code == 403
    renamed = client.patch(one, {"name": "Registry clerk"}, content_type=JSON, **editor)
    assert renamed.status_code == 200 and renamed.json()["name"] == "Registry clerk"
    listed = client.get(url, **token_for("local-group")).json()["items"]
    assert "Registry clerk" in [row["name"] for row in listed]
    bad_code = client.patch(one, {"code": "Not a slug!"}, content_type=JSON, **editor)
    assert ("code",) in field_errors(bad_code)
    assert client.delete(one, **editor).status_code == 204
    assert not StaffRole.objects.filter(code="api-clerk").exists()


def test_the_suggested_roles_come_with_their_targets(client, botosani, token_for):
    url = f"{CITY}/roles/from-framework"
    assert client.post(url).status_code == 401
    assert client.post(url, **token_for("citizen")).status_code == 403
    assert client.post(url, **token_for("local-group")).status_code == 403
    response = client.post(url, **token_for("botosani-editor"))
    assert response.status_code == 201, response.content
    codes = {role["code"] for role in response.json()}
    assert codes == {"front_office", "back_office", "department_head", "it_staff"}
    targets = client.get(f"{CITY}/targets", **token_for("botosani-editor")).json()["targets"]
    assert targets["front_office"]["6.2"] == 5 and targets["it_staff"]["1.1"] == 5
    again = client.post(url, **token_for("botosani-editor"))
    assert again.status_code == 201 and again.json() == []


# --- target profiles ----------------------------------------------------------------------------


def test_the_target_matrix(client, setup, token_for):
    response = client.get(f"{CITY}/targets", **token_for("local-group"))
    assert response.status_code == 200
    body = response.json()
    assert body["framework"] == {"code": "di4c-skills", "version": 1}
    assert len(body["competences"]) == 30
    assert body["targets"]["api-front"]["1.1"] == 4
    assert body["targets"]["api-it"]["8.3"] == 6
    assert client.get(f"{CITY}/targets").status_code == 401
    for who in OUTSIDERS:
        assert client.get(f"{CITY}/targets", **token_for(who)).status_code == 403
    romanian = client.get(f"{CITY}/targets", {"lang": "ro"}, **token_for("local-group")).json()
    assert romanian["competences"][0]["name"].startswith("Navigarea")


def test_targets_are_set_by_the_citys_editors_only(client, setup, token_for):
    url = f"{CITY}/targets"
    body = {"api-front": {"1.1": 6, "1.2": None}}
    assert client.put(url, body, content_type=JSON).status_code == 401
    for who in [*OUTSIDERS, "local-group"]:
        assert client.put(url, body, content_type=JSON, **token_for(who)).status_code == 403
    assert TargetLevel.objects.get(role__code="api-front", competence__code="1.1").level == 4
    response = client.put(url, body, content_type=JSON, **token_for("botosani-editor"))
    assert response.status_code == 200, response.content
    saved = response.json()
    assert saved["changed"] == 2
    assert saved["targets"]["api-front"]["1.1"] == 6
    assert "1.2" not in saved["targets"]["api-front"]  # cleared
    assert saved["targets"]["api-front"]["1.3"] == 4  # not named: left as it was


def test_a_bad_target_profile_lists_every_error_and_saves_nothing(client, setup, token_for):
    before = sorted(
        TargetLevel.objects.filter(role__organisation__slug="botosani").values_list(
            "role__code", "competence__code", "level"
        )
    )
    body = {
        "api-front": {"1.1": 0, "1.2": 9, "9.9": 3, "1.3": "high", "2.1": 7},
        "api-ghost": {"1.1": 3},
        "api-it": 5,
    }
    response = client.put(
        f"{CITY}/targets", body, content_type=JSON, **token_for("botosani-editor")
    )
    errors = field_errors(response)
    assert set(errors) == {
        ("api-front", "1.1"),
        ("api-front", "1.2"),
        ("api-front", "9.9"),
        ("api-front", "1.3"),
        ("api-ghost",),
        ("api-it",),
    }
    assert "outside the scale" in errors[("api-front", "1.1")]
    assert "outside the scale" in errors[("api-front", "1.2")]
    assert "not a competence" in errors[("api-front", "9.9")]
    assert "Unknown role “api-ghost”" in errors[("api-ghost",)]
    after = sorted(
        TargetLevel.objects.filter(role__organisation__slug="botosani").values_list(
            "role__code", "competence__code", "level"
        )
    )
    assert after == before  # not even the one right cell (2.1 = 7) was saved


def test_targets_for_an_unknown_role_only_are_refused(client, setup, token_for):
    response = client.put(
        f"{CITY}/targets",
        {"api-nobody": {"1.1": 3}},
        content_type=JSON,
        **token_for("botosani-editor"),
    )
    assert list(field_errors(response)) == [("api-nobody",)]
    assert not StaffRole.objects.filter(code="api-nobody").exists()
    assert not TargetLevel.objects.filter(role__code="api-nobody").exists()


# --- dashboard ----------------------------------------------------------------------------------


def test_the_dashboard(client, setup, botosani, demo_user, token_for):
    url = f"{CITY}/dashboard"
    assert client.get(url).status_code == 401
    for who in OUTSIDERS:
        assert client.get(url, **token_for(who)).status_code == 403
    # From a city without rounds, whatever the demo may hold.
    Round.objects.filter(organisation=botosani).delete()
    empty = client.get(url, **token_for("coordinator")).json()
    assert empty["results_shown"] is False and empty["reason"] == "No round has closed yet."
    editor = demo_user("botosani-editor")
    round_ = make_round(botosani, editor)
    answer(round_, "API Taxes", "api-front", 4, actor=editor, count=3)
    answer(round_, "API Registry", "api-front", 3, actor=editor, count=3)
    services.round_close(actor=editor, round_=round_)
    body = client.get(url, **token_for("local-group")).json()
    assert body["latest_round"]["id"] == round_.pk
    assert body["results_shown"] is True and body["respondents"] == 6
    assert body["staff"] >= 66  # the three API departments' headcounts, and any others
    assert body["at_target_share"] == 50.0  # three at 4 (target 4), three at 3
    assert client.get(f"{API}/openapi.json").status_code == 200
