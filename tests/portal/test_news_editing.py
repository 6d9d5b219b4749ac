"""Writing news through the pages, as editors do: who may write what, the item's settings with
the past-date warning, versions per language, photos (described, cleaned of their metadata),
deleting; refused input is shown with everything that was typed."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from di4c.portal.models import NewsImage, NewsItem
from tests.portal.news_helpers import (  # noqa: F401 (fixtures)
    _empty_page_cache,
    add_photo,
    at,
    errors_of,
    jpeg_bytes,
    media_folder,
    parsed,
    publish,
    select,
    text_of,
    upload,
)

pytestmark = pytest.mark.django_db

CITY = "/organisations/botosani/news/"
MESSINA = "/organisations/messina/news/"
NETWORK = "/networks/di4c/news/"


@pytest.fixture
def editor(demo, demo_user):
    NewsItem.objects.all().delete()
    return demo_user("botosani-editor")


@pytest.fixture
def item(editor, botosani):
    return publish(editor, botosani, "Kick-off in Botoșani", at(2019, 9, 2), tags=["Smart city"])


def form_values(response, field: str) -> dict:
    """What the page's form holding `field` would send back, as typed."""
    doc = parsed(response)
    [form] = [form for form in doc.forms if field in form.fields]
    values = {}
    for name, value in form.form_values():
        if getattr(form.inputs[name], "tag", None) == "textarea":
            value = value.removeprefix("\n")
        values[name] = value
    return values


NEW_ITEM = {
    "language": "en",
    "title": "Kick-off in Botoșani",
    "summary": "Eight cities met.",
    "body": "The partners met in **Botoșani**.",
    "slug": "",
    "status": "draft",
    "published_at": "",
    "tags": "Smart city, local group",
    "meeting": "",
    "plan": "",
}


# --- who may write --------------------------------------------------------------------------


def test_a_city_editor_writes_the_citys_news_only(client_as, editor, item):
    client = client_as("botosani-editor")
    assert client.get(CITY + "new/").status_code == 200
    assert client.get(item.get_absolute_url() + "edit/").status_code == 200
    assert client.get(MESSINA + "new/").status_code == 403
    assert client.get(NETWORK + "new/").status_code == 403
    response = client.post(NETWORK + "new/", {**NEW_ITEM, "author_organisation": ""})
    assert response.status_code == 403
    assert not NewsItem.objects.filter(network__isnull=False).exists()


def test_the_network_coordinator_writes_the_networks_news(client_as, editor, messina):
    client = client_as("coordinator")
    assert client.get(CITY + "new/").status_code == 403
    response = client.post(NETWORK + "new/", {**NEW_ITEM, "author_organisation": str(messina.pk)})
    assert response.status_code == 302
    item = NewsItem.objects.get(network__slug="di4c")
    assert response["Location"] == item.get_absolute_url() == NETWORK + "kick-off-in-botosani/"
    assert item.author_organisation == messina


def test_a_network_item_is_published_by_one_of_its_partners(client_as, editor, demo):
    from tests.factories import OrganisationFactory

    outsider = OrganisationFactory()
    response = client_as("coordinator").post(
        NETWORK + "new/", {**NEW_ITEM, "author_organisation": str(outsider.pk)}
    )
    assert response.status_code == 200
    assert errors_of(parsed(response), "author_organisation")
    assert not NewsItem.objects.exists()


@pytest.mark.parametrize("who", ["citizen", "messina-editor", "local-group"])
def test_others_are_refused(client_as, item, who):
    client = client_as(who)
    assert client.get(CITY + "new/").status_code == 403
    for page in ("edit/", "versions/ro/", "photos/", "delete/"):
        assert client.get(item.get_absolute_url() + page).status_code == 403, page
    assert client.post(item.get_absolute_url() + "delete/").status_code == 403
    assert NewsItem.objects.filter(pk=item.pk).exists()


def test_a_visitor_is_sent_to_sign_in(client, item):
    for url in (
        CITY + "new/",
        item.get_absolute_url() + "edit/",
        item.get_absolute_url() + "photos/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_the_edit_pages_of_a_draft_are_not_found_for_others(client_as, editor, botosani):
    draft = publish(editor, botosani, "Secret", None, status="draft")
    assert client_as("messina-editor").get(draft.get_absolute_url() + "edit/").status_code == 404


# --- creating and editing -------------------------------------------------------------------


def test_writing_an_item(client_as, editor, botosani):
    client = client_as("botosani-editor")
    response = client.post(CITY + "new/", NEW_ITEM)
    item = NewsItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == item.get_absolute_url()
    assert item.slug == "kick-off-in-botosani" and item.status == "draft"
    assert sorted(tag.name for tag in item.tags.all()) == ["Smart city", "local group"]
    assert item.version().body == "The partners met in **Botoșani**."
    page = text_of(client.get(response["Location"]))
    assert "The news item is saved." in page and "Draft — not public" in page


def test_an_item_without_a_title_keeps_what_was_typed(client_as, editor):
    response = client_as("botosani-editor").post(CITY + "new/", {**NEW_ITEM, "title": "  "})
    assert response.status_code == 200
    doc = parsed(response)
    assert errors_of(doc, "title") == ["Give the news item a title in at least one language."]
    kept = form_values(response, "body")
    assert kept["summary"] == "Eight cities met."
    assert kept["body"] == NEW_ITEM["body"]
    assert kept["tags"] == "Smart city, local group"
    assert not NewsItem.objects.exists()


def test_a_taken_address_is_refused_with_a_free_one_proposed(client_as, item):
    response = client_as("botosani-editor").post(
        CITY + "new/", {**NEW_ITEM, "title": "Another", "slug": "kick-off-in-botosani"}
    )
    assert response.status_code == 200
    assert errors_of(parsed(response), "slug") == [
        "Municipality of Botoșani already has an item at the address “kick-off-in-botosani”: "
        "choose another, e.g. “kick-off-in-botosani-2”."
    ]
    assert form_values(response, "title")["title"] == "Another"
    assert NewsItem.objects.count() == 1


def test_a_past_publication_date_asks_for_confirmation(client_as, editor):
    client = client_as("botosani-editor")
    data = {**NEW_ITEM, "status": "published", "published_at": "2019-09-02T10:00"}
    response = client.post(CITY + "new/", data)
    assert response.status_code == 200
    doc = parsed(response)
    [message] = errors_of(doc, "published_at")
    assert message.startswith("This publication date is in the past (2 September 2019, 10:00)")
    assert "tick “Yes, publish with this past date”" in message
    assert doc.xpath('//input[@name="confirm_past_date"][@type="checkbox"]')
    assert "Yes, publish with this past date" in text_of(response)
    kept = form_values(response, "published_at")
    assert kept["published_at"] == "2019-09-02T10:00" and kept["title"] == NEW_ITEM["title"]
    assert not NewsItem.objects.exists()

    response = client.post(CITY + "new/", {**data, "confirm_past_date": "on"})
    assert response.status_code == 302
    item = NewsItem.objects.get()
    assert item.published_at == at(2019, 9, 2, 10, 0)
    assert item.is_public


def test_no_confirmation_for_a_future_date_or_the_last_hour(client_as, editor):
    client = client_as("botosani-editor")
    soon = timezone.localtime() + dt.timedelta(days=2)
    response = client.post(
        CITY + "new/",
        {**NEW_ITEM, "status": "published", "published_at": soon.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    assert not NewsItem.objects.get().is_public  # scheduled
    recent = timezone.localtime() - dt.timedelta(minutes=20)
    response = client.post(
        CITY + "new/",
        {
            **NEW_ITEM,
            "title": "Just now",
            "status": "published",
            "published_at": recent.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    # A draft with a past date is no publication: no question either.
    response = client.post(
        CITY + "new/", {**NEW_ITEM, "title": "Old draft", "published_at": "2019-01-01T10:00"}
    )
    assert response.status_code == 302


def test_the_settings_page_shows_the_stored_values_and_saves_changes(client_as, item, messina):
    client = client_as("botosani-editor")
    url = item.get_absolute_url() + "edit/"
    shown = form_values(client.get(url), "slug")
    assert shown["slug"] == "kick-off-in-botosani"
    assert shown["published_at"] == "2019-09-02T12:00"
    assert shown["tags"] == "Smart city"
    assert "author_organisation" not in shown  # a city's news is the city's own
    # Saving again with the stored past date needs no confirmation.
    response = client.post(url, {**shown, "slug": "kick-off", "tags": "Smart city, URBACT"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert response["Location"] == item.get_absolute_url() == CITY + "kick-off/"
    assert sorted(tag.name for tag in item.tags.all()) == ["Smart city", "URBACT"]
    # Moving it to another past date asks first.
    response = client.post(
        item.get_absolute_url() + "edit/",
        {**shown, "slug": "kick-off", "published_at": "2018-01-01T10:00"},
    )
    assert response.status_code == 200
    assert errors_of(parsed(response), "published_at")


def test_a_refused_change_keeps_the_item_as_it_was(client_as, editor, botosani, item):
    other = publish(editor, botosani, "Other item")
    client = client_as("botosani-editor")
    url = other.get_absolute_url() + "edit/"
    shown = form_values(client.get(url), "slug")
    response = client.post(url, {**shown, "slug": item.slug, "tags": "New tag"})
    assert response.status_code == 200
    assert errors_of(parsed(response), "slug")[0].startswith(
        "Municipality of Botoșani already has an item at the address"
    )
    assert form_values(response, "slug")["tags"] == "New tag"
    other.refresh_from_db()
    assert other.slug == "other-item" and not other.tags.exists()


# --- versions -------------------------------------------------------------------------------


def test_adding_editing_and_deleting_a_version(client_as, item):
    client = client_as("botosani-editor")
    url = item.get_absolute_url() + "versions/it/"
    assert "Add a version in Italian" in text_of(client.get(url))
    response = client.post(url, {"title": "Avvio a Botoșani", "summary": "", "body": "Testo"})
    assert response.status_code == 302
    assert response["Location"] == item.get_absolute_url() + "?lang=it"
    page = parsed(client.get(response["Location"]))
    assert select(page, "article h1")[0].text_content() == "Avvio a Botoșani"
    assert select(page, "article")[0].get("lang") == "it"

    response = client.post(url, {"title": "", "summary": "Sommario", "body": "Testo nuovo"})
    assert response.status_code == 200
    assert errors_of(parsed(response), "title") == ["Give this version a title."]
    assert form_values(response, "body")["body"] == "Testo nuovo"
    assert item.texts.get(language="it").body == "Testo"

    response = client.post(url, {"delete": "1"})
    assert response.status_code == 302
    assert list(item.texts.values_list("language", flat=True)) == ["en"]


def test_the_last_version_cannot_be_deleted(client_as, item):
    client = client_as("botosani-editor")
    url = item.get_absolute_url() + "versions/en/"
    response = client.post(url, {"delete": "1"}, follow=True)
    assert "An item keeps at least one version: delete the item instead." in text_of(response)
    assert item.texts.count() == 1


def test_an_unknown_language_is_not_found(client_as, item):
    assert (
        client_as("botosani-editor").get(item.get_absolute_url() + "versions/xx/").status_code
        == 404
    )


# --- photos ---------------------------------------------------------------------------------


def photos_url(item) -> str:
    return item.get_absolute_url() + "photos/"


def test_an_uploaded_photo_keeps_no_metadata(client_as, item, media):
    source = Image.open(io.BytesIO(jpeg_bytes()))
    assert source.getexif()[0x010F] == "Canon"  # the upload carries a camera and a place
    client = client_as("botosani-editor")
    response = client.post(
        photos_url(item),
        {
            "image": upload(),
            "alt_text": "Partners at the city hall",
            "caption": "Day one",
            "is_cover": "on",
        },
    )
    assert response.status_code == 302
    photo = NewsImage.objects.get(item=item)
    assert photo.is_cover and photo.alt_text == "Partners at the city hall"
    for stored in (photo.image, photo.thumbnail):
        with stored.open("rb") as file, Image.open(file) as image:
            assert image.format == "JPEG"
            assert not image.getexif()
            assert "exif" not in image.info
    page = parsed(client.get(item.get_absolute_url()))
    assert select(page, '.news-cover img[alt="Partners at the city hall"]')


def test_a_photo_without_a_description_is_refused_and_the_rest_kept(client_as, item, media):
    response = client_as("botosani-editor").post(
        photos_url(item), {"image": upload(), "alt_text": "  ", "caption": "Day one"}
    )
    assert response.status_code == 200
    assert errors_of(parsed(response), "alt_text") == [
        "Describe the photo for people who cannot see it."
    ]
    assert form_values(response, "caption")["caption"] == "Day one"
    assert not NewsImage.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused(client_as, item, media):
    response = client_as("botosani-editor").post(
        photos_url(item),
        {
            "image": upload("photo.jpg", b"%PDF-1.4 not a photo", "image/jpeg"),
            "alt_text": "Partners",
            "caption": "Day one",
        },
    )
    assert response.status_code == 200
    doc = parsed(response)
    assert errors_of(doc, "image") == ["This file is not a photo: use a JPEG, PNG or WebP image."]
    kept = form_values(response, "alt_text")
    assert kept["alt_text"] == "Partners" and kept["caption"] == "Day one"
    assert not NewsImage.objects.exists()


def test_an_oversized_photo_is_refused_with_the_limit(client_as, item, media, settings):
    settings.DI4C_MAX_UPLOAD_BYTES = 1024
    big = jpeg_bytes(size=(400, 400))
    assert len(big) > 1024
    response = client_as("botosani-editor").post(
        photos_url(item), {"image": upload(content=big), "alt_text": "Big", "caption": ""}
    )
    assert response.status_code == 200
    [message] = errors_of(parsed(response), "image")
    assert message.startswith("The file is ") and message.endswith("; the limit is 1 KB.")
    assert "up to 1 KB" in text_of(response)
    assert form_values(response, "alt_text")["alt_text"] == "Big"
    assert not NewsImage.objects.exists()


def test_a_new_cover_replaces_the_old_and_photos_can_be_removed(client_as, editor, item, media):
    first = add_photo(editor, item, "First cover", cover=True)
    client = client_as("botosani-editor")
    client.post(photos_url(item), {"image": upload(), "alt_text": "New cover", "is_cover": "on"})
    first.refresh_from_db()
    assert not first.is_cover
    assert NewsImage.objects.get(is_cover=True).alt_text == "New cover"
    page = text_of(client.get(photos_url(item)))
    assert "Cover photo" in page
    response = client.post(photos_url(item), {"delete": str(first.pk)})
    assert response.status_code == 302
    assert list(NewsImage.objects.values_list("alt_text", flat=True)) == ["New cover"]


# --- deleting -------------------------------------------------------------------------------


def test_deleting_an_item_asks_first(client_as, item):
    client = client_as("botosani-editor")
    url = item.get_absolute_url() + "delete/"
    assert "Delete “Kick-off in Botoșani”" in text_of(client.get(url))
    assert NewsItem.objects.filter(pk=item.pk).exists()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == CITY
    assert not NewsItem.objects.filter(pk=item.pk).exists()
    assert client.get(item.get_absolute_url()).status_code == 404
