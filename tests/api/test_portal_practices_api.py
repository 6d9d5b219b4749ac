"""The portal API, good practices: visitors read published practices only; a city's editors
write the city's practices; everyone else is refused (403, 401 without a token); bad input is a
422 naming the field; the list takes the same number of queries whatever the number of
practices."""

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from di4c.portal import services
from di4c.portal.models import Practice
from tests.api.capacity_api_helpers import JSON, field_errors

pytestmark = pytest.mark.django_db

PRACTICES = "/api/v1/practices"
DIMENSION = "di4c-city:SG"
SERVICE = "civil-status-certificate"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def make_practice(botosani, demo_user):
    """A practice of Botoșani (or another city) written through the services."""

    def make(
        *,
        organisation=None,
        actor="botosani-editor",
        status="published",
        title="Ghișeul digital",
        language="ro",
        slug="",
        **data,
    ) -> Practice:
        return services.practice_create(
            actor=demo_user(actor),
            organisation=organisation or botosani,
            language=language,
            text={"title": title, "summary": "Cereri online.", "results": "**+38 %** online"},
            status=status,
            slug=slug,
            **data,
        )

    return make


NEW_PRACTICE = {
    "city": "botosani",
    "texts": [
        {
            "language": "ro",
            "title": "Plata online a taxelor locale",
            "summary": "Taxele locale se plătesc online.",
            "problem": "Cozi la ghișeu.",
            "what_was_done": "Un portal de plăți.",
            "results": "Jumătate din plăți sunt online.",
        },
        {"language": "en", "title": "Paying local taxes online"},
    ],
    "status": "published",
    "cost_eur": "25000.00",
    "duration_months": 12,
    "transferability": "high",
    "contact_email": "digital@primariabt.ro",
    "website": "https://www.primariabt.ro",
    "dimensions": [DIMENSION],
    "services": [SERVICE],
    "figures": [{"value": "50 %", "label": "of payments made online"}],
}


def conforms(openapi, component: str, payload) -> None:
    schema = {"$ref": f"#/components/schemas/{component}", "components": openapi["components"]}
    jsonschema.Draft202012Validator(schema).validate(payload)


def created(client, payload, headers):
    return client.post(PRACTICES, payload, content_type=JSON, **headers)


# --- reading --------------------------------------------------------------------------------------


def test_the_list_shows_published_practices(client, make_practice, openapi):
    practice = make_practice(dimensions=[DIMENSION], services=[SERVICE], cost_eur="1200")
    make_practice(status="draft", title="Ciornă")
    body = client.get(PRACTICES).json()
    assert body["count"] == 1
    row = body["items"][0]
    conforms(openapi, "PracticeSummaryOut", row)
    assert row["slug"] == practice.slug == "ghiseul-digital"
    assert row["url"] == practice.get_absolute_url()
    assert row["city"]["slug"] == "botosani"
    assert row["dimensions"] == [DIMENSION] and row["services"] == [SERVICE]
    assert row["cost_eur"] == 1200.0
    assert row["versions"] == [
        {"language": "ro", "title": "Ghișeul digital", "summary": "Cereri online."}
    ]


def test_the_list_filters(client, make_practice, messina, demo):
    make_practice(dimensions=[DIMENSION], services=[SERVICE], transferability="high")
    make_practice(
        organisation=messina,
        actor="messina-editor",
        title="Sala di controllo",
        language="it",
        dimensions=["di4c-city:DI"],
        transferability="low",
    )

    def slugs(**params) -> list[str]:
        response = client.get(PRACTICES, params)
        assert response.status_code == 200, response.content
        return sorted(row["city"]["slug"] for row in response.json()["items"])

    assert slugs() == ["botosani", "messina"]
    assert slugs(city="messina") == ["messina"]
    assert slugs(dimension=DIMENSION) == ["botosani"]
    assert slugs(dimension="di4c-city:DI") == ["messina"]
    assert slugs(service=SERVICE) == ["botosani"]
    assert slugs(transferability="low") == ["messina"]
    assert slugs(language="it") == ["messina"]
    assert slugs(language="fi") == []
    for params, field in (
        ({"dimension": "di4c-city:XX"}, "dimension"),
        ({"dimension": "SG"}, "dimension"),
        ({"transferability": "easy"}, "transferability"),
        ({"language": "xx"}, "language"),
    ):
        assert (field,) in field_errors(client.get(PRACTICES, params)), params


def test_the_detail_has_every_field_with_html(client, make_practice, demo_user):
    practice = make_practice(
        figures=[{"value": "+38 %", "label": "requests made online"}],
        contact_name="Ana Pop",
    )
    services.practice_attachment_add(
        actor=demo_user("botosani-editor"),
        practice=practice,
        upload=SimpleUploadedFile("raport.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    body = client.get(f"{PRACTICES}/{practice.slug}").json()
    version = body["versions"][0]
    assert version["results_html"] == "<p><strong>+38 %</strong> online</p>"
    assert body["figures"] == [{"value": "+38 %", "label": "requests made online"}]
    assert body["contact_name"] == "Ana Pop" and body["status"] == "published"
    attachment = body["attachments"][0]
    assert attachment["name"] == "raport.pdf" and attachment["content_type"] == "application/pdf"
    assert attachment["url"].endswith(f"/practices/{practice.slug}/attachments/{attachment['id']}/")


@pytest.mark.parametrize("who", [None, "citizen", "messina-editor"])
def test_drafts_are_hidden_from_others(client, make_practice, token_for, who):
    draft = make_practice(status="draft")
    headers = token_for(who) if who else {}
    assert client.get(f"{PRACTICES}/{draft.slug}", **headers).status_code == 404
    assert client.get(PRACTICES, **headers).json()["count"] == 0


def test_the_citys_editor_reads_its_draft(client, make_practice, token_for):
    draft = make_practice(status="draft")
    response = client.get(f"{PRACTICES}/{draft.slug}", **token_for("botosani-editor"))
    assert response.status_code == 200 and response.json()["status"] == "draft"
    assert client.get(f"{PRACTICES}/no-such-practice").status_code == 404


# --- writing --------------------------------------------------------------------------------------


def test_the_citys_editor_adds_a_practice_in_two_languages(client, token_for, openapi):
    response = created(client, NEW_PRACTICE, token_for("botosani-editor"))
    assert response.status_code == 201, response.content
    body = response.json()
    conforms(openapi, "PracticeDetailOut", body)
    assert body["slug"] == "plata-online-a-taxelor-locale"
    assert body["original_language"] == "ro"
    assert [v["language"] for v in body["versions"]] == ["en", "ro"]
    assert body["dimensions"] == [DIMENSION] and body["services"] == [SERVICE]
    assert body["cost_eur"] == 25000.0 and body["transferability"] == "high"
    assert body["figures"] == [{"value": "50 %", "label": "of payments made online"}]
    assert body["published_at"] is not None
    assert client.get(f"{PRACTICES}/{body['slug']}").status_code == 200


@pytest.mark.parametrize(
    ("who", "status"), [("messina-editor", 403), ("citizen", 403), (None, 401)]
)
def test_others_cannot_add_the_citys_practices(client, token_for, demo, who, status):
    headers = token_for(who) if who else {}
    assert created(client, NEW_PRACTICE, headers).status_code == status
    assert not Practice.objects.exists()


def test_bad_input_names_its_field(client, token_for, make_practice):
    make_practice(slug="plata-online")
    editor = token_for("botosani-editor")
    no_title = [{"language": "ro", "title": ""}, {"language": "en", "title": " "}]
    cases = [
        ({"texts": []}, ("title",)),
        ({"texts": no_title}, ("title",)),
        ({"texts": [{"language": "xx", "title": "T"}]}, ("texts.0.language",)),
        (
            {"texts": [{"language": "ro", "title": "T"}, {"language": "qq", "title": "T"}]},
            ("texts.1.language",),
        ),
        (
            {"texts": [{"language": "ro", "title": "T"}, {"language": "en", "title": ""}]},
            ("texts.1.title",),
        ),
        (
            {"texts": [{"language": "ro", "title": "T"}, {"language": "ro", "title": "U"}]},
            ("texts.1.language",),
        ),
        ({"dimensions": ["di4c-city:XX"]}, ("dimensions",)),
        ({"services": ["teleportation"]}, ("services",)),
        ({"city": "atlantis"}, ("city",)),
        ({"transferability": "easy"}, ("transferability",)),
        ({"status": "archived"}, ("status",)),
        ({"contact_email": "not an address"}, ("contact_email",)),
        ({"figures": [{"value": "50 %", "label": ""}]}, ("figures.0",)),
        ({"title": "Extra"}, ("payload", "title")),
        (
            {"figures": [{"value": "1", "label": "x", "label_i18n": {"xx": "y"}}]},
            ("payload", "figures", 0, "label_i18n"),
        ),
        (
            {"figures": [{"value": "1", "label": "x", "label_i18n": {"it": "y\x00"}}]},
            ("payload", "figures", 0, "label_i18n"),
        ),
        ({"texts": [{"language": "ro", "title": "T\x00"}]}, ("payload", "texts", 0, "title")),
    ]
    for change, field in cases:
        response = created(client, {**NEW_PRACTICE, **change}, editor)
        assert field in field_errors(response), (change, response.content)
    collision = created(client, {**NEW_PRACTICE, "slug": "plata-online"}, editor)
    assert "“plata-online-2”" in field_errors(collision)[("slug",)]
    assert created(client, {**NEW_PRACTICE, "cost_eur": "-5"}, editor).status_code == 422
    assert Practice.objects.count() == 1


def test_the_editor_changes_a_practice_and_others_are_refused(client, make_practice, token_for):
    practice = make_practice(dimensions=[DIMENSION])
    url = f"{PRACTICES}/{practice.slug}"
    change = {"dimensions": ["di4c-city:DI", "di4c-city:PS"], "cost_eur": "900.50"}
    for who in ("messina-editor", "citizen"):
        assert client.patch(url, change, content_type=JSON, **token_for(who)).status_code == 403
    assert client.patch(url, change, content_type=JSON).status_code == 401
    response = client.patch(url, change, content_type=JSON, **token_for("botosani-coordinator"))
    assert response.status_code == 200, response.content
    assert response.json()["dimensions"] == ["di4c-city:DI", "di4c-city:PS"]
    assert response.json()["cost_eur"] == 900.5
    editor = token_for("botosani-editor")
    for change, field in (
        ({"dimensions": ["nope:XX"]}, "dimensions"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"status": None}, "status"),
        ({"original_language": "xx"}, "original_language"),
    ):
        assert (field,) in field_errors(client.patch(url, change, content_type=JSON, **editor))
    renamed = client.patch(url, {"slug": "ghiseul"}, content_type=JSON, **editor)
    assert renamed.json()["url"].endswith("/practices/ghiseul/")
    assert client.get(url).status_code == 404


def test_versions_are_added_and_replaced(client, make_practice, token_for):
    practice = make_practice()
    url = f"{PRACTICES}/{practice.slug}/versions"
    text = {"title": "Sportello digitale", "summary": "Richieste online.", "results": "Più."}
    for who in ("messina-editor", "citizen"):
        response = client.put(f"{url}/it", text, content_type=JSON, **token_for(who))
        assert response.status_code == 403
    editor = token_for("botosani-editor")
    response = client.put(f"{url}/it", text, content_type=JSON, **editor)
    assert response.status_code == 200, response.content
    assert [v["language"] for v in response.json()["versions"]] == ["it", "ro"]
    assert ("language",) in field_errors(client.put(f"{url}/xx", text, content_type=JSON, **editor))
    assert ("title",) in field_errors(
        client.put(f"{url}/fr", {"title": ""}, content_type=JSON, **editor)
    )


def test_deleting_a_practice(client, make_practice, token_for):
    practice = make_practice()
    url = f"{PRACTICES}/{practice.slug}"
    assert client.delete(url).status_code == 401
    for who in ("messina-editor", "citizen"):
        assert client.delete(url, **token_for(who)).status_code == 403
    assert client.delete(url, **token_for("botosani-editor")).status_code == 204
    assert not Practice.objects.exists()


# --- attachments ----------------------------------------------------------------------------------


def test_attachments_are_added_checked_and_removed(client, make_practice, token_for):
    practice = make_practice()
    url = f"{PRACTICES}/{practice.slug}/attachments"
    editor = token_for("botosani-editor")

    def pdf():
        return SimpleUploadedFile("raport final.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")

    for who, status in (("messina-editor", 403), ("citizen", 403), (None, 401)):
        headers = token_for(who) if who else {}
        assert client.post(url, {"file": pdf()}, **headers).status_code == status
    response = client.post(url, {"file": pdf()}, **editor)
    assert response.status_code == 201, response.content
    attachment = response.json()
    assert attachment["name"] == "raport final.pdf"
    assert attachment["content_type"] == "application/pdf"
    program = SimpleUploadedFile("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff")
    assert ("file",) in field_errors(client.post(url, {"file": program}, **editor))
    assert ("file",) in field_errors(client.post(url, {}, **editor))
    other = token_for("messina-editor")
    assert client.delete(f"{url}/{attachment['id']}", **other).status_code == 403
    assert client.delete(f"{url}/{attachment['id']}", **editor).status_code == 204
    assert client.delete(f"{url}/{attachment['id']}", **editor).status_code == 404
    assert not practice.attachments.exists()


# --- query counts --------------------------------------------------------------------------------


def test_the_list_takes_a_constant_number_of_queries(client, make_practice, token_for):
    readers = {"visitor": {}, "editor": token_for("botosani-editor")}

    def add(number: int) -> None:
        make_practice(
            title=f"Practica {number}",
            dimensions=[DIMENSION, "di4c-city:DI"][: number % 2 + 1],
            services=[SERVICE],
        )

    def counts() -> dict:
        result = {}
        for name, headers in readers.items():
            with CaptureQueriesContext(connection) as captured:
                response = client.get(PRACTICES, {"service": SERVICE}, **headers)
                assert response.status_code == 200
            result[name] = len(captured)
        return result

    add(0)
    counts()
    small = counts()
    for number in range(1, 8):
        add(number)
    assert client.get(PRACTICES).json()["count"] == 8
    assert counts() == small
    assert small["visitor"] <= 5  # count, practices, and their texts, dimensions and services
