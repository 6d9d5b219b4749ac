"""The portal API, news: visitors read published items only; a city's editors write the city's
news, a network's coordinators the network's; everyone else is refused (403, 401 without a
token); bad input is a 422 naming the field; the list takes the same number of queries
whatever the number of items."""

import datetime as dt
import io

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from di4c.portal import services
from di4c.portal.models import NewsItem
from tests.api.capacity_api_helpers import JSON, field_errors

pytestmark = pytest.mark.django_db

NEWS = "/api/v1/news"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def make_news(botosani, demo_user):
    """A news item of Botoșani (or another owner) written through the services."""

    def make(
        *,
        owner=None,
        actor="botosani-editor",
        status="published",
        published_at=None,
        texts=None,
        tags=(),
        slug="",
    ) -> NewsItem:
        if status == "published" and published_at is None:
            published_at = timezone.now() - dt.timedelta(hours=1)
        return services.news_create(
            actor=demo_user(actor),
            owner=owner or botosani,
            status=status,
            published_at=published_at,
            slug=slug,
            tags=tags,
            texts=texts
            or [
                {
                    "language": "ro",
                    "title": "Proiectul „Inovații Digitale pentru Orașe”",
                    "summary": "Botoșani participă la rețeaua URBACT.",
                    "body": "Municipiul **Botoșani** participă.\n\n<script>alert(1)</script>",
                },
                {
                    "language": "en",
                    "title": "The Digital Innovation for Cities project",
                    "summary": "Botoșani joins the URBACT network.",
                    "body": "Botoșani takes part.",
                },
            ],
        )

    return make


def conforms(openapi, component: str, payload) -> None:
    schema = {"$ref": f"#/components/schemas/{component}", "components": openapi["components"]}
    jsonschema.Draft202012Validator(schema).validate(payload)


def png(width=40, height=30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def photo(name="piata.png", content=None):
    return SimpleUploadedFile(name, content or png(), content_type="image/png")


def created(client, payload, headers):
    return client.post(NEWS, payload, content_type=JSON, **headers)


CITY_ITEM = {
    "owner": {"city": "botosani"},
    "texts": [
        {"language": "ro", "title": "Întâlnirea grupului local", "body": "Am discutat planul."},
        {"language": "en", "title": "Local group meeting", "summary": "We discussed the plan."},
    ],
    "status": "published",
    "tags": ["Grup local", "URBACT"],
}


# --- reading --------------------------------------------------------------------------------------


def test_the_list_shows_published_items_with_their_versions_tags_and_cover(
    client, make_news, openapi, demo_user
):
    item = make_news(tags=["Digitalizare"])
    services.news_image_add(
        actor=demo_user("botosani-editor"),
        item=item,
        upload=photo(),
        alt_text="Primăria Botoșani",
        is_cover=True,
    )
    make_news(status="draft", slug="ciorna")
    make_news(published_at=timezone.now() + dt.timedelta(days=3), slug="programat")
    body = client.get(NEWS).json()
    assert body["count"] == 1
    row = body["items"][0]
    conforms(openapi, "NewsSummaryOut", row)
    assert row["id"] == item.pk
    assert row["owner"] == {"kind": "city", "slug": "botosani", "name": row["owner"]["name"]}
    assert row["url"] == item.get_absolute_url()
    assert row["author_organisation"]["slug"] == "botosani"
    assert row["tags"] == [{"slug": "digitalizare", "name": "Digitalizare"}]
    assert {v["language"] for v in row["versions"]} == {"en", "ro"}
    assert row["cover"]["alt_text"] == "Primăria Botoșani"
    assert row["cover"]["thumbnail_url"].endswith(".jpg")
    assert "body" not in row["versions"][0]


def test_the_list_filters_by_owner_tag_and_language(client, make_news, messina, demo, demo_user):
    make_news(tags=["Digitalizare"])
    make_news(
        owner=messina,
        actor="messina-editor",
        texts=[{"language": "it", "title": "Sala di controllo"}],
        tags=["Smart city"],
    )
    make_news(
        owner=demo,
        actor="coordinator",
        texts=[{"language": "en", "title": "Kick-off in Messina"}],
    )

    def slugs(**params) -> list[str]:
        response = client.get(NEWS, params)
        assert response.status_code == 200, response.content
        return sorted(row["owner"]["slug"] for row in response.json()["items"])

    assert slugs() == ["botosani", "di4c", "messina"]
    assert slugs(city="messina") == ["messina"]
    assert slugs(network="di4c") == ["di4c"]
    assert slugs(tag="digitalizare") == ["botosani"]
    assert slugs(language="it") == ["messina"]
    assert slugs(language="en") == ["botosani", "di4c"]
    assert "Unknown language" in field_errors(client.get(NEWS, {"language": "xx"}))[("language",)]


def test_the_detail_has_bodies_in_markdown_and_sanitised_html(client, make_news):
    item = make_news()
    body = client.get(f"{NEWS}/{item.pk}").json()
    romanian = next(v for v in body["versions"] if v["language"] == "ro")
    assert "<strong>Botoșani</strong>" in romanian["body_html"]
    assert "<script" not in romanian["body_html"]
    assert romanian["body"].startswith("Municipiul **Botoșani**")
    assert body["status"] == "published" and body["is_public"] is True
    assert body["images"] == [] and body["warnings"] == []


@pytest.mark.parametrize("who", [None, "citizen", "messina-editor"])
def test_drafts_and_scheduled_items_are_hidden_from_others(client, make_news, token_for, who):
    draft = make_news(status="draft", slug="ciorna")
    scheduled = make_news(published_at=timezone.now() + dt.timedelta(days=2), slug="programat")
    headers = token_for(who) if who else {}
    for item in (draft, scheduled):
        assert client.get(f"{NEWS}/{item.pk}", **headers).status_code == 404
    assert client.get(NEWS, **headers).json()["count"] == 0


def test_the_citys_editor_reads_its_draft(client, make_news, token_for):
    draft = make_news(status="draft")
    response = client.get(f"{NEWS}/{draft.pk}", **token_for("botosani-editor"))
    assert response.status_code == 200
    assert response.json()["status"] == "draft"
    assert response.json()["is_public"] is False


def test_unknown_ids_are_404(client, demo):
    assert client.get(f"{NEWS}/999999").status_code == 404
    assert client.get(f"{NEWS}/99999999999999").status_code == 404


# --- writing --------------------------------------------------------------------------------------


def test_the_citys_editor_publishes_its_news(client, token_for, openapi, botosani):
    response = created(client, CITY_ITEM, token_for("botosani-editor"))
    assert response.status_code == 201, response.content
    body = response.json()
    conforms(openapi, "NewsDetailOut", body)
    assert body["owner"]["slug"] == "botosani"
    assert body["slug"] == "intalnirea-grupului-local"
    assert body["original_language"] == "ro"
    assert sorted(tag["slug"] for tag in body["tags"]) == ["grup-local", "urbact"]
    assert body["is_public"] is True
    assert client.get(f"{NEWS}/{body['id']}").status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [("messina-editor", 403), ("citizen", 403), ("coordinator", 403), (None, 401)],
)
def test_others_cannot_publish_the_citys_news(client, token_for, demo, who, status):
    headers = token_for(who) if who else {}
    assert created(client, CITY_ITEM, headers).status_code == status
    assert not NewsItem.objects.exists()


def test_the_networks_coordinator_publishes_for_the_network_and_city_editors_cannot(
    client, token_for, demo
):
    payload = {
        "owner": {"network": "di4c"},
        "texts": [{"language": "en", "title": "Final event in Trikala"}],
        "author_organisation": "trikala",
    }
    assert created(client, payload, token_for("botosani-editor")).status_code == 403
    response = created(client, payload, token_for("coordinator"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"]["kind"] == "network"
    assert body["author_organisation"]["slug"] == "trikala"
    assert body["status"] == "draft"
    assert client.get(f"{NEWS}/{body['id']}").status_code == 404


def test_a_title_in_no_language_is_refused(client, token_for, demo):
    editor = token_for("botosani-editor")
    for texts in ([], [{"language": "ro", "title": "  "}, {"language": "en", "title": ""}]):
        response = created(client, {**CITY_ITEM, "texts": texts}, editor)
        assert ("title",) in field_errors(response)
    assert not NewsItem.objects.exists()


def test_a_slug_collision_suggests_a_free_address(client, token_for, make_news):
    make_news(slug="vizita")
    make_news(slug="vizita-2")
    response = created(client, {**CITY_ITEM, "slug": "vizita"}, token_for("botosani-editor"))
    message = field_errors(response)[("slug",)]
    assert "“vizita”" in message and "“vizita-3”" in message
    assert NewsItem.objects.count() == 2


def test_bad_input_names_its_field(client, token_for, demo):
    editor = token_for("botosani-editor")
    cases = [
        ({"texts": [{"language": "xx", "title": "T"}]}, ("texts.0.language",)),
        (
            {"texts": [{"language": "ro", "title": "A"}, {"language": "ro", "title": "B"}]},
            ("texts.1.language",),
        ),
        ({"owner": {"city": "atlantis"}}, ("owner",)),
        ({"owner": {"city": "botosani", "network": "di4c"}}, ("owner",)),
        ({"owner": {}}, ("owner",)),
        ({"slug": "2019"}, ("slug",)),
        ({"status": "archived"}, ("status",)),
        ({"meeting": 999999}, ("meeting",)),
        ({"plan": 999999}, ("plan",)),
        ({"published_at": "0001-01-01T00:00:00Z"}, ("published_at",)),
    ]
    for change, field in cases:
        response = created(client, {**CITY_ITEM, **change}, editor)
        assert field in field_errors(response), (change, response.content)
    unknown = created(client, {**CITY_ITEM, "colour": "red"}, editor)
    assert unknown.status_code == 422
    assert not NewsItem.objects.exists()


def test_a_past_publication_date_publishes_with_a_warning(client, token_for, demo):
    editor = token_for("botosani-editor")
    past = created(client, {**CITY_ITEM, "published_at": "2019-10-23T10:00:00"}, editor)
    assert past.status_code == 201, past.content
    body = past.json()
    assert body["is_public"] is True
    # Without an offset, the instance's time (Bucharest, in summer time then); answered in UTC.
    assert body["published_at"] == "2019-10-23T07:00:00Z"
    assert len(body["warnings"]) == 1 and "past" in body["warnings"][0]
    future = (timezone.now() + dt.timedelta(days=2)).isoformat()
    scheduled = created(
        client, {**CITY_ITEM, "slug": "mai-tarziu", "published_at": future}, editor
    ).json()
    assert scheduled["warnings"] == [] and scheduled["is_public"] is False


def test_the_editor_changes_the_item_and_others_are_refused(client, make_news, token_for):
    item = make_news()
    url = f"{NEWS}/{item.pk}"
    change = {"slug": "proiectul-di4c", "tags": ["Digitalizare"], "status": "draft"}
    for who, status in (("messina-editor", 403), ("citizen", 403)):
        response = client.patch(url, change, content_type=JSON, **token_for(who))
        assert response.status_code == status
    assert client.patch(url, change, content_type=JSON).status_code == 401
    response = client.patch(url, change, content_type=JSON, **token_for("botosani-editor"))
    assert response.status_code == 200, response.content
    assert response.json()["slug"] == "proiectul-di4c"
    assert response.json()["tags"][0]["slug"] == "digitalizare"
    # A draft now: the others do not even see it.
    response = client.patch(url, change, content_type=JSON, **token_for("messina-editor"))
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.slug == "proiectul-di4c" and item.status == "draft"


def test_patch_errors_name_their_field(client, make_news, token_for):
    make_news(slug="luat")
    item = make_news(slug="liber")
    editor = token_for("botosani-editor")
    url = f"{NEWS}/{item.pk}"
    for change, field in (
        ({"slug": "luat"}, "slug"),
        ({"slug": None}, "slug"),
        ({"original_language": "xx"}, "original_language"),
        ({"author_organisation": "atlantis"}, "author_organisation"),
    ):
        response = client.patch(url, change, content_type=JSON, **editor)
        assert (field,) in field_errors(response), change
    assert (
        "“luat-2”"
        in field_errors(client.patch(url, {"slug": "luat"}, content_type=JSON, **editor))[("slug",)]
    )


def test_versions_are_added_replaced_and_removed(client, make_news, token_for):
    item = make_news()
    editor = token_for("botosani-editor")
    url = f"{NEWS}/{item.pk}/versions"
    italian = {"title": "Il progetto DI4C", "summary": "Botoșani nella rete.", "body": "Testo."}
    response = client.put(f"{url}/it", italian, content_type=JSON, **editor)
    assert response.status_code == 200, response.content
    assert {v["language"] for v in response.json()["versions"]} == {"en", "it", "ro"}
    response = client.put(
        f"{url}/it", {**italian, "title": "Il progetto"}, **editor, content_type=JSON
    )
    assert next(v for v in response.json()["versions"] if v["language"] == "it")["title"] == (
        "Il progetto"
    )
    assert ("language",) in field_errors(
        client.put(f"{url}/xx", italian, content_type=JSON, **editor)
    )
    assert ("title",) in field_errors(
        client.put(f"{url}/fr", {"title": " "}, content_type=JSON, **editor)
    )
    for who in ("messina-editor", "citizen"):
        assert (
            client.put(f"{url}/fr", italian, content_type=JSON, **token_for(who)).status_code == 403
        )
        assert client.delete(f"{url}/it", **token_for(who)).status_code == 403
    assert client.delete(f"{url}/it").status_code == 401
    assert client.delete(f"{url}/it", **editor).status_code == 204
    assert client.delete(f"{url}/it", **editor).status_code == 404
    assert client.delete(f"{url}/ro", **editor).status_code == 204
    last = client.delete(f"{url}/en", **editor)
    assert last.status_code == 422
    assert "at least one version" in last.json()["detail"][0]["msg"]
    assert [t.language for t in item.texts.all()] == ["en"]


def test_deleting_an_item(client, make_news, token_for):
    item = make_news()
    url = f"{NEWS}/{item.pk}"
    assert client.delete(url).status_code == 401
    for who in ("messina-editor", "citizen", "local-group"):
        assert client.delete(url, **token_for(who)).status_code == 403
    assert client.delete(url, **token_for("botosani-coordinator")).status_code == 204
    assert not NewsItem.objects.exists()


# --- photos -------------------------------------------------------------------------------------


def test_the_editor_uploads_a_cover_photo(client, make_news, token_for):
    item = make_news()
    url = f"{NEWS}/{item.pk}/photos"
    response = client.post(
        url,
        {"file": photo(), "alt_text": "Piața centrală", "caption": "2019", "is_cover": "true"},
        **token_for("botosani-editor"),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_cover"] is True and body["alt_text"] == "Piața centrală"
    assert body["width"] == 40 and body["url"].endswith(".jpg")
    cover = client.get(NEWS).json()["items"][0]["cover"]
    assert cover["url"] == body["url"]
    detail = client.get(f"{NEWS}/{item.pk}").json()
    assert [image["id"] for image in detail["images"]] == [body["id"]]
    assert client.delete(f"{url}/{body['id']}", **token_for("messina-editor")).status_code == 403
    assert client.delete(f"{url}/{body['id']}", **token_for("botosani-editor")).status_code == 204
    assert client.get(f"{NEWS}/{item.pk}").json()["images"] == []


def test_a_photo_needs_a_description_an_image_and_a_size_within_the_limit(
    client, make_news, token_for, settings
):
    item = make_news()
    url = f"{NEWS}/{item.pk}/photos"
    editor = token_for("botosani-editor")
    errors = field_errors(client.post(url, {"file": photo(), "alt_text": "  "}, **editor))
    assert "Describe the photo" in errors[("alt_text",)]
    not_an_image = SimpleUploadedFile("poza.png", b"%PDF-1.4 not a photo", "image/png")
    errors = field_errors(client.post(url, {"file": not_an_image, "alt_text": "Poza"}, **editor))
    assert ("file",) in errors
    assert ("file",) in field_errors(client.post(url, {"alt_text": "Poza"}, **editor))
    nul = field_errors(client.post(url, {"file": photo(), "alt_text": "Po\x00za"}, **editor))
    assert ("alt_text",) in nul
    settings.DI4C_MAX_UPLOAD_BYTES = 100
    errors = field_errors(client.post(url, {"file": photo(), "alt_text": "Poza"}, **editor))
    assert ("file",) in errors
    assert not item.images.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("messina-editor", 403), ("citizen", 403), (None, 401)]
)
def test_others_cannot_upload_photos(client, make_news, token_for, who, status):
    item = make_news()
    headers = token_for(who) if who else {}
    for data in ({"file": photo(), "alt_text": "Poza"}, {"alt_text": "Poza"}):
        response = client.post(f"{NEWS}/{item.pk}/photos", data, **headers)
        assert response.status_code == status
    assert not item.images.exists()


# --- links ---------------------------------------------------------------------------------------


def test_a_link_to_a_plan_shows_only_while_the_plan_is_public(
    client, demo_plans, botosani, token_for, demo_user
):
    from di4c.plans.models import Plan
    from di4c.plans.services import plan_publish

    plan = Plan.objects.get(organisation=botosani)
    plan_publish(actor=demo_user("botosani-coordinator"), plan=plan, public=False)
    editor = token_for("botosani-editor")
    response = created(client, {**CITY_ITEM, "plan": plan.pk}, editor)
    assert response.status_code == 201, response.content
    url = f"{NEWS}/{response.json()['id']}"
    assert client.get(url).json()["plan"] is None
    assert client.get(url, **editor).json()["plan"] == plan.pk
    plan_publish(actor=demo_user("botosani-coordinator"), plan=plan, public=True)
    assert client.get(url).json()["plan"] == plan.pk
    other = Plan.objects.exclude(organisation=botosani).first()
    errors = field_errors(client.patch(url, {"plan": other.pk}, content_type=JSON, **editor))
    assert errors[("plan",)] == "Choose one of the city's own plans."
    unlinked = client.patch(url, {"plan": None}, content_type=JSON, **editor)
    assert unlinked.status_code == 200 and unlinked.json()["plan"] is None


# --- query counts --------------------------------------------------------------------------------


def test_the_list_takes_a_constant_number_of_queries(client, make_news, token_for, demo_user):
    readers = {"visitor": {}, "editor": token_for("botosani-editor")}
    editor = demo_user("botosani-editor")

    def add(number: int) -> None:
        item = make_news(slug=f"stire-{number}", tags=[f"Eticheta {number}", "Comun"])
        services.news_image_add(
            actor=editor, item=item, upload=photo(), alt_text=f"Poza {number}", is_cover=True
        )
        services.news_image_add(actor=editor, item=item, upload=photo(), alt_text="Galerie")

    def counts() -> dict:
        result = {}
        for name, headers in readers.items():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(NEWS, {"tag": "comun"}, **headers).status_code == 200
            result[name] = len(captured)
        return result

    add(0)
    counts()  # the token's first use is recorded once
    small = counts()
    for number in range(1, 8):
        add(number)
    assert client.get(NEWS).json()["count"] == 8
    assert counts() == small
    assert small["visitor"] <= 5  # count, items, and their texts, tags and photos
