"""The portal API, static pages ("About us", accessibility statement, privacy notice): everyone
reads them; a city's coordinators write the city's, a network's coordinators the network's,
the platform administrators the site's own; everyone else is refused (403, 401 without a
token); bad input is a 422 naming the field."""

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from di4c.portal.models import Page
from tests.api.capacity_api_helpers import JSON, field_errors

pytestmark = pytest.mark.django_db

PAGES = "/api/v1/pages"
ABOUT_RO = {"title": "Despre noi", "body": "Primăria **Botoșani**.\n\n<iframe src=x></iframe>"}


def conforms(openapi, component: str, payload) -> None:
    schema = {"$ref": f"#/components/schemas/{component}", "components": openapi["components"]}
    jsonschema.Draft202012Validator(schema).validate(payload)


def put(client, kind, language, text, headers, **owner):
    query = "".join(f"?{name}={slug}" for name, slug in owner.items())
    return client.put(
        f"{PAGES}/{kind}/versions/{language}{query}", text, content_type=JSON, **headers
    )


def test_the_citys_coordinator_writes_its_about_page_and_everyone_reads_it(
    client, token_for, openapi
):
    coordinator = token_for("botosani-coordinator")
    response = put(client, "about", "ro", ABOUT_RO, coordinator, city="botosani")
    assert response.status_code == 200, response.content
    response = put(client, "about", "en", {"title": "About us"}, coordinator, city="botosani")
    body = response.json()
    conforms(openapi, "PortalPageOut", body)
    assert body["owner"]["slug"] == "botosani" and body["owner"]["kind"] == "city"
    assert body["original_language"] == "ro"
    assert body["url"] == "/organisations/botosani/pages/about/"
    detail = client.get(f"{PAGES}/about", {"city": "botosani"}).json()
    romanian = next(v for v in detail["versions"] if v["language"] == "ro")
    assert "<strong>Botoșani</strong>" in romanian["body_html"]
    assert "<iframe" not in romanian["body_html"]
    listed = client.get(PAGES, {"city": "botosani"}).json()
    assert listed["count"] == 1
    conforms(openapi, "PortalPageSummaryOut", listed["items"][0])
    assert listed["items"][0]["versions"] == [
        {"language": "en", "title": "About us"},
        {"language": "ro", "title": "Despre noi"},
    ]
    # The site's own pages and Messina's are other pages.
    assert client.get(PAGES).json()["count"] == 0
    assert client.get(f"{PAGES}/about").status_code == 404
    assert client.get(f"{PAGES}/about", {"city": "messina"}).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("botosani-editor", 403),
        ("messina-editor", 403),
        ("coordinator", 403),
        ("citizen", 403),
        (None, 401),
    ],
)
def test_others_cannot_write_the_citys_pages(client, token_for, demo, who, status):
    headers = token_for(who) if who else {}
    assert put(client, "about", "ro", ABOUT_RO, headers, city="botosani").status_code == status
    assert not Page.objects.exists()


def test_network_and_site_pages_have_their_own_editors(client, token_for, demo):
    text = {"title": "Accessibility statement", "body": "We aim at WCAG 2.1 AA."}
    network = {"network": "di4c"}
    assert (
        put(client, "accessibility", "en", text, token_for("botosani-coordinator"), **network)
    ).status_code == 403
    response = put(client, "accessibility", "en", text, token_for("coordinator"), **network)
    assert response.status_code == 200, response.content
    assert response.json()["owner"]["kind"] == "network"
    assert response.json()["url"] == "/networks/di4c/pages/accessibility/"
    assert put(client, "privacy", "en", text, token_for("coordinator")).status_code == 403
    response = put(client, "privacy", "en", {"title": "Privacy notice"}, token_for("admin"))
    assert response.status_code == 200, response.content
    assert response.json()["owner"] is None and response.json()["url"] == "/pages/privacy/"
    assert [row["kind"] for row in client.get(PAGES).json()["items"]] == ["privacy"]
    assert [row["kind"] for row in client.get(PAGES, network).json()["items"]] == ["accessibility"]


def test_bad_input_names_its_field(client, token_for, demo):
    coordinator = token_for("botosani-coordinator")
    city = {"city": "botosani"}
    assert ("kind",) in field_errors(put(client, "contact", "ro", ABOUT_RO, coordinator, **city))
    errors = field_errors(put(client, "about", "xx", ABOUT_RO, coordinator, **city))
    assert "Unknown language" in errors[("language",)]
    errors = field_errors(put(client, "about", "ro", {"title": " "}, coordinator, **city))
    assert ("title",) in errors
    both = client.get(f"{PAGES}/about", {"city": "botosani", "network": "di4c"})
    assert ("city",) in field_errors(both)
    assert put(client, "about", "ro", ABOUT_RO, coordinator, city="atlantis").status_code == 404
    assert client.get(PAGES, {"network": "atlantis"}).status_code == 404
    assert not Page.objects.exists()


def test_versions_are_removed_but_the_last_one_stays(client, token_for, demo):
    coordinator = token_for("botosani-coordinator")
    city = {"city": "botosani"}
    put(client, "about", "ro", ABOUT_RO, coordinator, **city)
    put(client, "about", "en", {"title": "About us"}, coordinator, **city)
    url = f"{PAGES}/about/versions"
    assert client.delete(f"{url}/en?city=botosani").status_code == 401
    for who in ("botosani-editor", "messina-editor", "citizen"):
        assert client.delete(f"{url}/en?city=botosani", **token_for(who)).status_code == 403
    assert client.delete(f"{url}/en?city=botosani", **coordinator).status_code == 204
    assert client.delete(f"{url}/en?city=botosani", **coordinator).status_code == 404
    last = client.delete(f"{url}/ro?city=botosani", **coordinator)
    assert last.status_code == 422
    page = client.get(f"{PAGES}/about", city).json()
    assert [v["language"] for v in page["versions"]] == ["ro"]


def test_the_list_takes_a_constant_number_of_queries(client, token_for, demo):
    coordinator = token_for("botosani-coordinator")
    city = {"city": "botosani"}

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGES, city).status_code == 200
        return len(captured)

    put(client, "about", "ro", ABOUT_RO, coordinator, **city)
    small = count()
    for kind in ("about", "accessibility", "privacy"):
        for language in ("en", "it", "fi"):
            put(client, kind, language, {"title": f"{kind} {language}"}, coordinator, **city)
    assert client.get(PAGES, city).json()["count"] == 3
    assert count() == small
