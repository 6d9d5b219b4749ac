"""The good-practice library: sharing a practice through its pages (settings, figures,
dimensions, services, versions per language, attachments), who may do what, the public list
with its filters, and a constant number of queries whatever the library's size."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from di4c.portal import services
from di4c.portal.cache import forget_revision
from di4c.portal.models import Practice, PracticeAttachment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 a practice's report"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def share(actor, organisation, title, *, language="en", status="published", text=None, **data):
    return services.practice_create(
        actor=actor,
        organisation=organisation,
        language=language,
        text={"title": title, **(text or {})},
        status=status,
        **data,
    )


@pytest.fixture
def control_room(demo, messina, demo_user):
    return share(
        demo_user("messina-editor"),
        messina,
        "Messina's city control room",
        text={
            "summary": "One room that sees the city's sensors and services.",
            "problem": "Data in **silos**.",
            "what_was_done": "A control room for mobility, environment and civil protection.",
            "results": "Faster responses to incidents.",
            "transferability_notes": "Needs a data team.",
        },
        cost_eur="146993",
        duration_months=18,
        transferability="low",
        contact_name="Ufficio Smart City",
        contact_email="smartcity@example.org",
        website="https://example.org/control-room",
        dimensions=["di4c-city:DI", "di4c-city:IC"],
        services=["resident-parking-permit"],
        figures=[{"value": "-30 %", "label": "time to respond to an incident"}],
    )


def settings_form(**changes):
    form = {
        "status": "published",
        "transferability": "medium",
        "figure_0_value": "",
        "figure_0_label": "",
    }
    form.update(changes)
    return form


def test_an_editor_shares_a_practice_through_the_form(demo, botosani, client_as, client):
    editor = client_as("botosani-editor")
    form = editor.get("/practices/new/").content.decode()
    assert 'data-testid="figure-rows"' in form
    assert "Strategy and governance" in form  # the installed framework's dimension names
    response = editor.post(
        "/practices/new/",
        settings_form(
            city=botosani.pk,
            language="ro",
            title="Ghișeul digital",
            summary="Toate cererile online.",
            what_was_done="Un portal unic.",
            slug="ghiseul-digital",
            started_on="2021-03-01",
            duration_months="24",
            cost_eur="50000",
            transferability="high",
            contact_name="Primăria Botoșani",
            figure_0_value="+38 %",
            figure_0_label="of requests made online",
            figure_1_value="12",
            figure_1_label="services online",
            dimensions=["di4c-city:PS", "di4c-city:SG"],
            services=["birth-registration"],
        ),
    )
    assert response.status_code == 302 and response["Location"] == "/practices/ghiseul-digital/"
    practice = Practice.objects.get(slug="ghiseul-digital")
    assert (practice.organisation, practice.original_language, practice.status) == (
        botosani,
        "ro",
        "published",
    )
    assert [(f.value, f.label) for f in practice.figures.all()] == [
        ("+38 %", "of requests made online"),
        ("12", "services online"),
    ]
    assert sorted(str(d) for d in practice.dimensions.all()) == ["di4c-city:PS", "di4c-city:SG"]
    assert [s.code for s in practice.services.all()] == ["birth-registration"]
    client.logout()
    page = client.get("/practices/ghiseul-digital/", {"lang": "ro"}).content.decode()
    assert "Ghișeul digital" in page and "+38 %" in page
    assert "Digital public services" in page or "Servicii publice digitale" in page
    assert 'data-testid="practice-cost"' in page
    assert "Primăria Botoșani" in page


def test_practice_page_shows_every_field(control_room, client):
    response = client.get(f"/practices/{control_room.slug}/")
    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Messina&#x27;s city control room",
        "One room that sees the city",
        "Data in <strong>silos</strong>.",
        "A control room for mobility",
        "Faster responses to incidents.",
        "Needs a data team.",
        "€146,993",
        "18 months",
        "Hard to transfer",
        "Ufficio Smart City",
        "mailto:smartcity@example.org",
        "https://example.org/control-room",
        "DI – Data and interoperability",
        "IC – Infrastructure and connectivity",
        "Resident parking permit",
        "-30 %",
        "time to respond to an incident",
        "Last modified on",
    ):
        assert text in page, text
    assert 'class="fallback-marker"' not in page
    assert "Manage this practice" not in page
    assert response.context["content_languages"] == ["en"]
    # Another language: the original shown, marked.
    assert (
        'class="fallback-marker"'
        in client.get(f"/practices/{control_room.slug}/", {"lang": "it"}).content.decode()
    )


def test_settings_figures_dimensions_and_services_are_edited(control_room, client_as):
    client = client_as("messina-editor")
    form = client.get(f"/practices/{control_room.slug}/edit/").content.decode()
    assert 'value="-30 %"' in form and 'value="146993.00"' in form
    response = client.post(
        f"/practices/{control_room.slug}/edit/",
        settings_form(
            slug=control_room.slug,
            cost_eur="150000",
            transferability="medium",
            figure_0_value="",
            figure_0_label="",
            figure_1_value="4",
            figure_1_label="agencies in one room",
            dimensions=["di4c-city:CS"],
            services=[],
        ),
    )
    assert response.status_code == 302
    control_room.refresh_from_db()
    assert control_room.cost_eur == 150000 and control_room.transferability == "medium"
    assert [f.value for f in control_room.figures.all()] == ["4"]
    assert [str(d) for d in control_room.dimensions.all()] == ["di4c-city:CS"]
    assert not control_room.services.exists()
    assert control_room.updated_by.email.startswith("messina-editor")


def test_unknown_dimension_and_half_a_figure_keep_what_was_typed(control_room, client_as):
    client = client_as("messina-editor")
    response = client.post(
        f"/practices/{control_room.slug}/edit/",
        settings_form(
            slug=control_room.slug,
            contact_name="Typed contact",
            dimensions=["di4c-city:ZZ"],
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Unknown maturity dimension(s): di4c-city:ZZ." in page
    assert 'value="Typed contact"' in page
    half = client.post(
        f"/practices/{control_room.slug}/edit/",
        settings_form(slug=control_room.slug, figure_1_value="99", figure_1_label=""),
    )
    text = half.content.decode()
    assert "Give each figure both a value and what it measures." in text
    assert 'value="99"' in text
    unknown_service = client.post(
        f"/practices/{control_room.slug}/edit/",
        settings_form(slug=control_room.slug, services=["no-such-service"]),
    )
    assert "Unknown service(s): no-such-service." in unknown_service.content.decode()
    negative = client.post(
        f"/practices/{control_room.slug}/edit/",
        settings_form(slug=control_room.slug, cost_eur="-1"),
    )
    assert negative.status_code == 200
    control_room.refresh_from_db()
    assert control_room.contact_name == "Ufficio Smart City"
    assert [str(d) for d in control_room.dimensions.all()] == ["di4c-city:DI", "di4c-city:IC"]


def test_slug_collision_proposes_a_free_address(control_room, botosani, client_as):
    response = client_as("botosani-editor").post(
        "/practices/new/",
        settings_form(city=botosani.pk, language="en", title="Other", slug=control_room.slug),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"{control_room.slug}-2" in page
    assert 'value="Other"' in page


def test_versions_per_language(control_room, client_as, client):
    editor = client_as("messina-editor")
    form = editor.get(f"/practices/{control_room.slug}/versions/it/").content.decode()
    assert "There is no version in Italian yet" in form
    assert "Messina&#x27;s city control room" in form  # the original, to translate from
    response = editor.post(
        f"/practices/{control_room.slug}/versions/it/",
        {"title": "La sala di controllo di Messina", "summary": "Una sala sola.", "problem": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/practices/{control_room.slug}/"
    bad = editor.post(
        f"/practices/{control_room.slug}/versions/ro/", {"title": "", "results": "Păstrat."}
    )
    assert bad.status_code == 200 and "Păstrat." in bad.content.decode()
    assert editor.get(f"/practices/{control_room.slug}/versions/xx/").status_code == 404
    client.logout()
    italian = client.get(f"/practices/{control_room.slug}/", {"lang": "it"}).content.decode()
    assert "La sala di controllo di Messina" in italian
    assert 'class="fallback-marker"' not in italian
    assert sorted(control_room.texts.values_list("language", flat=True)) == ["en", "it"]


def test_attachments_upload_download_and_delete(control_room, client_as, client, media, settings):
    editor = client_as("messina-editor")
    address = f"/practices/{control_room.slug}/attachments/"
    response = editor.post(address, {"file": SimpleUploadedFile("report.pdf", PDF)})
    assert response.status_code == 302
    attachment = PracticeAttachment.objects.get(practice=control_room)
    assert (attachment.name, attachment.content_type) == ("report.pdf", "application/pdf")
    exe = editor.post(address, {"file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")})
    assert "is not a document type di4c accepts" in exe.content.decode()
    settings.DI4C_MAX_UPLOAD_BYTES = 10
    big = editor.post(address, {"file": SimpleUploadedFile("big.pdf", PDF)})
    assert "the limit is 10 bytes" in big.content.decode()
    assert PracticeAttachment.objects.count() == 1
    client.logout()
    page = client.get(f"/practices/{control_room.slug}/").content.decode()
    download_url = f"/practices/{control_room.slug}/attachments/{attachment.pk}/"
    assert download_url in page
    download = client.get(download_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="report.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF
    assert client.get(f"/practices/{control_room.slug}/attachments/999999/").status_code == 404
    # Deleted by its editors only.
    assert client_as("botosani-editor").post(address, {"delete": attachment.pk}).status_code == 403
    assert client_as("messina-editor").post(address, {"delete": attachment.pk}).status_code == 302
    assert not PracticeAttachment.objects.exists()


def test_drafts_exist_only_for_their_editors(demo, botosani, demo_user, client, client_as, media):
    draft = share(demo_user("botosani-editor"), botosani, "Not ready yet", status="draft")
    attachment = services.practice_attachment_add(
        actor=demo_user("botosani-editor"),
        practice=draft,
        upload=SimpleUploadedFile("notes.pdf", PDF),
    )
    addresses = [
        f"/practices/{draft.slug}/",
        f"/practices/{draft.slug}/edit/",
        f"/practices/{draft.slug}/versions/ro/",
        f"/practices/{draft.slug}/attachments/",
        f"/practices/{draft.slug}/attachments/{attachment.pk}/",
    ]
    for who in ("messina-editor", "citizen", "coordinator"):
        for address in addresses:
            assert client_as(who).get(address).status_code == 404, (who, address)
    for who in ("botosani-editor", "botosani-coordinator", "admin"):
        for address in addresses:
            assert client_as(who).get(address).status_code == 200, (who, address)
    client.logout()
    assert client.get(addresses[0]).status_code == 404
    assert client.get(addresses[-1]).status_code == 404
    assert client.get(addresses[1]).status_code == 302  # to sign in
    assert "Not ready yet" not in client.get("/practices/").content.decode()


def test_other_cities_editors_are_refused(control_room, botosani, client_as):
    client = client_as("botosani-editor")
    for address in ("edit/", "versions/ro/", "attachments/"):
        assert client.get(f"/practices/{control_room.slug}/{address}").status_code == 403
    response = client.post(
        f"/practices/{control_room.slug}/edit/", settings_form(slug="taken-over", cost_eur="1")
    )
    assert response.status_code == 403
    control_room.refresh_from_db()
    assert control_room.slug != "taken-over"
    # Nor can they share a practice in another city's name.
    form = settings_form(city=control_room.organisation_id, language="en", title="In Messina")
    refused = client.post("/practices/new/", form)
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert not Practice.objects.filter(slug="in-messina").exists()
    assert client_as("citizen").get("/practices/new/").status_code == 403
    assert client_as("local-group").get("/practices/new/").status_code == 403


def test_share_link_only_for_editors(control_room, client, client_as):
    assert "/practices/new/" not in client.get("/practices/").content.decode()
    assert "/practices/new/" not in client_as("citizen").get("/practices/").content.decode()
    assert "/practices/new/" in client_as("botosani-editor").get("/practices/").content.decode()
    detail = client_as("messina-editor").get(f"/practices/{control_room.slug}/").content.decode()
    assert "Manage this practice" in detail and "/versions/ro/" in detail


@pytest.fixture
def library(demo, botosani, messina, demo_user):
    """Four published practices and a draft, in two cities and two languages."""
    botosani_editor, messina_editor = demo_user("botosani-editor"), demo_user("messina-editor")
    return {
        "desk": share(
            botosani_editor,
            botosani,
            "Digital desk",
            transferability="high",
            dimensions=["di4c-city:PS"],
            services=["birth-registration"],
            figures=[{"value": "+38 %", "label": "online"}],
        ),
        "skills": share(
            botosani_editor, botosani, "Skills for clerks", dimensions=["di4c-city:SK"]
        ),
        "room": share(
            messina_editor,
            messina,
            "Sala di controllo",
            language="it",
            transferability="low",
            dimensions=["di4c-city:DI"],
            services=["resident-parking-permit"],
        ),
        "parking": share(
            messina_editor, messina, "Parking app", services=["disabled-parking-card"]
        ),
        "draft": share(messina_editor, messina, "Secret draft", status="draft"),
    }


def titles(response) -> list[str]:
    return sorted(card["version"].title for card in response.context["cards"])


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["Digital desk", "Parking app", "Sala di controllo", "Skills for clerks"]),
        ({"city": "messina"}, ["Parking app", "Sala di controllo"]),
        ({"dimension": "di4c-city:PS"}, ["Digital desk"]),
        ({"dimension": "SK"}, ["Skills for clerks"]),
        ({"service": "resident-parking-permit"}, ["Sala di controllo"]),
        ({"life_event": "mobility"}, ["Parking app", "Sala di controllo"]),
        ({"life_event": "civil-status"}, ["Digital desk"]),
        ({"transferability": "low"}, ["Sala di controllo"]),
        ({"language": "it"}, ["Sala di controllo"]),
        ({"city": "botosani", "transferability": "high"}, ["Digital desk"]),
        (
            {"city": "oulu"},
            ["Digital desk", "Parking app", "Sala di controllo", "Skills for clerks"],
        ),
    ],
)
def test_list_filters(library, client, filters, expected):
    response = client.get("/practices/", filters)
    assert response.status_code == 200
    assert titles(response) == expected


def test_list_cards_and_bad_filters(library, client):
    page = client.get("/practices/").content.decode()
    assert "+38 %" in page and "Botoșani" in page
    assert "Secret draft" not in page
    assert 'lang="it"' in page  # the Italian-only practice's card
    bad = client.get("/practices/", {"transferability": "sideways", "city": "messina"})
    assert "Select a valid choice" in bad.content.decode()
    assert titles(bad) == ["Parking app", "Sala di controllo"]  # the valid filter still applies


def test_list_is_paginated_by_twelve_and_keeps_the_filters(demo, botosani, demo_user, client):
    editor = demo_user("botosani-editor")
    for index in range(13):
        share(editor, botosani, f"Practice number {index}", transferability="high")
    first = client.get("/practices/", {"transferability": "high"})
    assert len(first.context["cards"]) == 12
    assert "transferability=high&amp;page=2" in first.content.decode()
    second = client.get("/practices/", {"transferability": "high", "page": 2})
    assert len(second.context["cards"]) == 1


def _count(client, address) -> int:
    # Nothing cached, the revision read again: every counted request does the same work.
    cache.clear()
    forget_revision()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def _grow(botosani, messina, demo_user, size: int) -> Practice:
    editors = {botosani: demo_user("botosani-editor"), messina: demo_user("messina-editor")}
    last = None
    for index in range(size):
        city = botosani if index % 2 else messina
        last = share(
            editors[city],
            city,
            f"Grown practice {size}-{index}",
            dimensions=["di4c-city:PS", "di4c-city:DI"],
            services=["birth-registration", "resident-parking-permit"],
            figures=[{"value": str(index), "label": "things"}, {"value": "2", "label": "more"}],
        )
        services.practice_text_save(
            actor=editors[city], practice=last, language="ro", text={"title": f"Practică {index}"}
        )
    return last


@pytest.mark.parametrize("who", [None, "botosani-editor"])
def test_list_and_detail_keep_a_constant_number_of_queries(
    demo, botosani, messina, demo_user, client, client_as, who, media
):
    from di4c.plans.models import Plan

    reader = client_as(who) if who else client
    practice = _grow(botosani, messina, demo_user, 2)
    addresses = ["/practices/", f"/practices/{practice.slug}/", "/practices/?dimension=PS"]
    before = [_count(reader, address) for address in addresses]
    _grow(botosani, messina, demo_user, 14)
    editor = demo_user("botosani-editor")
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        services.practice_attachment_add(
            actor=editor, practice=practice, upload=SimpleUploadedFile(name, PDF)
        )
    assert Plan.objects.count() == 0  # inspired actions are counted in test_practice_links
    after = [_count(reader, address) for address in addresses]
    assert after == before


def test_published_at_is_set_when_published(demo, botosani, demo_user):
    before = timezone.now()
    practice = share(demo_user("botosani-editor"), botosani, "Now public")
    assert practice.published_at >= before


def test_a_new_attachment_shows_on_the_cached_practice_page(control_room, demo_user, client, media):
    address = f"/practices/{control_room.slug}/"
    assert "practice-attachments" not in client.get(address).content.decode()
    services.practice_attachment_add(
        actor=demo_user("messina-editor"),
        practice=control_room,
        upload=SimpleUploadedFile("report.pdf", PDF),
    )
    assert "practice-attachments" in client.get(address).content.decode()
