"""The portal's demo content: the two seed documents as Botoșani news items, the other
partners' and the network's news, the good-practice library, the pages, and plan actions
inspired by practices."""

import datetime as dt
from importlib import resources
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from di4c.maturity.models import Dimension
from di4c.networks.models import Organisation
from di4c.plans.models import Action
from di4c.portal.demo import demo_portal_data, draw_cover, load_demo_portal
from di4c.portal.models import (
    NewsImage,
    NewsItem,
    NewsText,
    Page,
    PageText,
    Practice,
    PracticeFigure,
    PracticeText,
    Tag,
)
from di4c.portal.search.index import search
from di4c.services.models import ReferenceService

pytestmark = pytest.mark.django_db

BUCHAREST = ZoneInfo("Europe/Bucharest")
VISIT = "eveniment-urbact"
SELECTION = "botosani-partener-in-reteaua-urbact-di4c"
CITY_LANGUAGE = {"IT": "it", "ES": "es", "FI": "fi", "FR": "fr", "LV": "lv", "PT": "pt"}
CITY_LANGUAGE |= {"RO": "ro", "GR": "el"}


def seed_items():
    botosani = Organisation.objects.get(slug="botosani")
    return (
        NewsItem.objects.get(organisation=botosani, slug=VISIT),
        NewsItem.objects.get(organisation=botosani, slug=SELECTION),
    )


def check_the_seed_documents_are_botosani_news_in_romanian_english_and_italian(demo_portal):
    visit, selection = seed_items()
    botosani = visit.organisation
    for item in (visit, selection):
        assert set(item.texts.values_list("language", flat=True)) == {"ro", "en", "it"}
        assert item.original_language == "ro"
        assert item.is_public
        assert item.author_organisation == botosani
        assert item.updated_by.email == "botosani-editor@demo.di4c.eu"
        assert {"urbact", "digitalisation", "di4c"} <= set(item.tags.values_list("slug", flat=True))
        assert item.plan is not None and item.plan.organisation == botosani
    # Dated from their own text: the visit of 23–24 January 2020, the decision of 25 June 2019.
    assert visit.published_at.astimezone(BUCHAREST).date() == dt.date(2020, 1, 24)
    assert selection.published_at.astimezone(BUCHAREST).date() == dt.date(2019, 6, 28)
    # The seed page: "Ultima modificare: 08.11.2022 – 15:18".
    assert visit.updated_at.astimezone(BUCHAREST).replace(tzinfo=None) == dt.datetime(
        2022, 11, 8, 15, 18
    )
    assert selection.updated_at == selection.published_at
    # The meetings they talk about.
    assert (visit.meeting.kind, visit.meeting.host) == ("expert_visit", botosani)
    assert visit.meeting.starts_at.astimezone(BUCHAREST).date() == dt.date(2020, 1, 23)
    assert (selection.meeting.kind, selection.meeting.host) == ("transnational", botosani)


def check_the_seed_texts_keep_their_facts_in_every_language(demo_portal):
    visit, selection = seed_items()
    ro, en, it = (visit.version(code) for code in ("ro", "en", "it"))
    assert ro.title == "Eveniment URBACT"
    assert "În zilele de 23 și 24 ianuarie a.c." in ro.body
    for text, facts in (
        (ro, ["Ian Graham", "Dino Alessi", "10 decembrie 2019", "Ventspils", "Trikala"]),
        (en, ["Ian Graham", "Dino Alessi", "10 December 2019", "Ventspils", "Trikala"]),
        (it, ["Ian Graham", "Dino Alessi", "10 dicembre 2019", "Ventspils", "Trikala"]),
    ):
        for fact in facts:
            assert fact in text.body, (text.language, fact)
    ro, en, it = (selection.version(code) for code in ("ro", "en", "it"))
    for text, facts in (
        (ro, ["25 iunie 2019", "23 de Rețele", "203", "26 de țări", "146.993 €", "Limerick"]),
        (en, ["25 June 2019", "23 URBACT Action Planning Networks", "€146,993", "Limerick"]),
        (it, ["25 giugno 2019", "23 reti", "146.993 €", "Limerick"]),
    ):
        for fact in facts + ["2 septembrie 2019" if text.language == "ro" else "2019"]:
            assert fact in text.body, (text.language, fact)
    assert "februarie 2020" in ro.body and "February 2020" in en.body


def check_the_seed_page_shows_when_it_was_last_modified_and_by_whom(demo_portal):
    visit, _selection = seed_items()
    with translation.override("ro"):
        html = render_to_string(
            "portal/_last_modified.html",
            {"updated_at": visit.updated_at, "by": visit.author_organisation.display_name},
        )
    assert "Ultima modificare: 08.11.2022 – 15:18 de către Primăria Municipiului Botoșani" in html


def check_every_demo_item_has_a_cover_picture_described_for_people_who_cannot_see_it(demo_portal):
    items = NewsItem.objects.prefetch_related("images")
    assert items.count() == 8
    for item in items:
        cover = item.cover
        assert cover is not None, item.slug
        assert cover.alt_text.startswith("Illustration:")
        assert (cover.width, cover.height) == (1200, 630)
        assert cover.image.storage.exists(cover.image.name)
        assert cover.thumbnail.storage.exists(cover.thumbnail.name)
        with cover.image.open("rb") as stored:
            assert stored.read(3) == b"\xff\xd8\xff"  # re-encoded as JPEG, without metadata
    visit, selection = seed_items()
    for item in (visit, selection):
        assert set(item.cover.alt_text_i18n) == {"ro", "it"}
        assert "Botoșani · DI4C" in item.cover.alt_text
        with translation.override("ro"):
            assert item.cover.display_alt_text.startswith("Ilustrație:")
    assert NewsImage.objects.filter(uploaded_at__year__gte=2023).count() == 0


def test_the_stored_covers_are_small_and_can_be_drawn_again():
    for row in demo_portal_data("news")["news"]:
        cover = row["cover"]
        stored = resources.files("di4c.portal").joinpath(f"data/demo/photos/{cover['file']}")
        assert stored.is_file(), cover["file"]
        assert len(stored.read_bytes()) < 60_000, cover["file"]
    drawn = draw_cover(scene="bus", title="Trikala · DI4C", subtitle="smart mobility")
    assert drawn.startswith(b"\x89PNG") and len(drawn) < 60_000


def check_other_partners_and_the_network_publish_news_some_only_in_their_language(demo_portal):
    by_owner = {
        (item.network.slug if item.network else item.organisation.slug, item.slug): item
        for item in NewsItem.objects.select_related("network", "organisation")
    }
    network_items = [item for (owner, _slug), item in by_owner.items() if owner == "di4c"]
    assert len(network_items) == 3
    for item in network_items:
        assert item.updated_by.email == "coordinator@demo.di4c.eu"
        assert item.author_organisation.slug == "messina"
        assert item.meeting is not None and item.meeting.network.slug == "di4c"
    kick_off = by_owner[("di4c", "phase-1-kick-off-in-messina")]
    assert kick_off.published_at.date() == dt.date(2019, 10, 18)
    assert by_owner[("di4c", "final-meeting-in-messina")].meeting.kind == "final_event"
    # Messina's item exists only in Italian: readers of any other language see the marker.
    control_room = by_owner[("messina", "sala-di-controllo-della-citta")]
    assert list(control_room.texts.values_list("language", flat=True)) == ["it"]
    assert control_room.version("en").is_fallback
    assert control_room.updated_by.email == "messina-editor@demo.di4c.eu"
    assert set(by_owner[("oulu", "kayttajapalaute-digitaalisiin-palveluihin")].texts.values_list(
        "language", flat=True
    )) == {"fi", "en"}  # fmt: skip
    assert by_owner[("trikala", "driverless-bus-line")].original_language == "el"
    # A tag shared by cities and the network.
    di4c = Tag.objects.get(slug="di4c")
    owners = {(item.network_id, item.organisation_id) for item in di4c.news_items.all()}
    assert len(owners) >= 4


def check_the_library_holds_a_dozen_practices_of_different_cities(demo_portal):
    practices = Practice.objects.select_related("organisation").prefetch_related(
        "texts", "figures", "dimensions", "services"
    )
    assert practices.count() == 12
    assert practices.filter(status="published").count() == 11
    draft = practices.get(status="draft")
    assert draft.organisation.slug == "botosani" and draft.published_at is None
    slugs = set(practices.values_list("slug", flat=True))
    assert {
        "trikala-driverless-bus-line",
        "oulu-user-feedback-in-digital-services",
        "messina-city-control-room",
        "botosani-energy-positive-district-study",
        "oulu-5g-for-city-services-and-companies",
    } <= slugs
    assert len({practice.organisation_id for practice in practices}) == 8
    in_city_language = 0
    for practice in practices:
        languages = {text.language for text in practice.texts.all()}
        assert "en" in languages, practice.slug
        in_city_language += CITY_LANGUAGE[practice.organisation.country.code] in languages
        english = practice.version("en")
        for field in ("summary", "problem", "what_was_done", "results", "transferability_notes"):
            assert getattr(english, field).strip(), (practice.slug, field)
        assert 1 <= len(practice.figures.all()) <= 3, practice.slug
        assert practice.contact_email.endswith("@example.org")
        assert practice.dimensions.all(), practice.slug
    assert in_city_language >= 6
    oulu = practices.get(slug="oulu-user-feedback-in-digital-services")
    assert "four actions" in oulu.version("en").summary
    assert oulu.figures.first().value == "4"
    assert oulu.figures.first().label_i18n["fi"]
    control_room = practices.get(slug="messina-city-control-room")
    assert control_room.original_language == "it"
    assert control_room.updated_by.email == "messina-editor@demo.di4c.eu"
    for word in ("traffic", "hydrogeological", "water", "air"):
        assert word in control_room.version("en").summary
    # Facts from the sources carry no invented cost; illustrative ones say so.
    for slug in ("trikala-driverless-bus-line", "messina-city-control-room"):
        assert practices.get(slug=slug).cost_eur is None
    once_only = practices.get(slug="roquetas-services-catalogue-once-only")
    assert "illustrative" in once_only.version("en").summary
    assert once_only.cost_eur is not None
    labels = PracticeFigure.objects.filter(practice__in=practices).values_list("label", flat=True)
    assert any("illustrative" in label or "target" in label for label in labels)


def check_practices_use_real_dimension_and_service_codes(demo_portal):
    for framework_code, dimension_code in Practice.objects.values_list(
        "dimensions__framework_code", "dimensions__dimension_code"
    ):
        assert Dimension.objects.filter(
            framework__code=framework_code, code=dimension_code
        ).exists(), (framework_code, dimension_code)
    codes = set(ReferenceService.objects.values_list("code", flat=True))
    for row in demo_portal_data("practices")["practices"]:
        assert set(row["services"]) <= codes, row["slug"]
    assert (
        Practice.objects.get(slug="ventspils-open-data-portal")
        .services.filter(code="open-data")
        .exists()
    )


def check_plan_actions_are_inspired_by_practices(demo_portal):
    inspired = Action.objects.filter(inspired_by__isnull=False).distinct()
    assert inspired.count() >= 2
    first = Action.objects.get(plan__organisation__slug="botosani", code="A1")
    assert set(first.inspired_by.values_list("slug", flat=True)) == {
        "oulu-user-feedback-in-digital-services",
        "roquetas-services-catalogue-once-only",
    }
    assert not Practice.objects.filter(status="draft", inspired_actions__isnull=False).exists()


def check_the_site_the_network_and_botosani_have_their_pages(demo_portal):
    def languages(**owner):
        return {
            kind: set(
                PageText.objects.filter(page__kind=kind, **owner).values_list("language", flat=True)
            )
            for kind in ("about", "accessibility", "privacy")
        }

    assert languages(page__network=None, page__organisation=None) == {
        "about": {"en", "ro"},
        "accessibility": {"en", "ro"},
        "privacy": {"en", "ro"},
    }
    assert languages(page__network__slug="di4c")["about"] == {"en", "ro", "it"}
    assert languages(page__organisation__slug="botosani")["about"] == {"ro", "en"}
    botosani = Page.objects.get(organisation__slug="botosani", kind="about")
    assert botosani.original_language == "ro"
    assert botosani.updated_by.email == "botosani-coordinator@demo.di4c.eu"

    statement = Page.objects.get(network=None, organisation=None, kind="accessibility")
    body = statement.version("en").body
    for words in ("partially conformant", "WCAG", "2.1", "2016/2102", "Enforcement procedure"):
        assert words in body
    assert "parțial conform" in statement.version("ro").body
    privacy = Page.objects.get(network=None, organisation=None, kind="privacy").version("en")
    for words in ("Legal bases", "Article 6(1)(a)", "No requests to third parties", "erase"):
        assert words in privacy.body
    network = Page.objects.get(network__slug="di4c", kind="about")
    assert "146,993 EUR" in network.version("en").body
    assert "146.993 EUR" in network.version("ro").body
    assert "146.993 euro" in network.version("it").body
    assert "Limerick" in network.version("en").body


def check_search_finds_the_seed_items(demo_portal):
    for query, language in (
        ("digitalizare", "ro"),
        ("digitalisation", "en"),
        ("Digitalizarea", "it"),
    ):
        results = search(query, kinds=["news"], reader_language=language)
        titles = {entry.title for entry in results.page.object_list}
        visit, selection = seed_items()
        assert {visit.version(language).title, selection.version(language).title} <= titles, query


def check_loading_again_creates_nothing_twice(demo_portal):
    models = (NewsItem, NewsText, NewsImage, Tag, Practice, PracticeText, PracticeFigure)
    models += (Page, PageText)
    before = [model.objects.count() for model in models]
    inspired = list(Action.inspired_by.through.objects.values_list("pk", flat=True))
    visit, _selection = seed_items()
    counts = load_demo_portal()
    assert set(counts.values()) == {0}
    assert [model.objects.count() for model in models] == before
    assert list(Action.inspired_by.through.objects.values_list("pk", flat=True)) == inspired
    assert seed_items()[0].updated_at == visit.updated_at


def test_without_plans_and_meetings_the_news_simply_has_no_links(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    counts = load_demo_portal()
    assert counts["news items"] == 8 and counts["good practices"] == 12
    assert counts["actions inspired by practices"] == 0
    assert not NewsItem.objects.filter(meeting__isnull=False).exists()
    assert not NewsItem.objects.filter(plan__isnull=False).exists()


def test_the_portal_demo(demo_portal):
    """Every check on one load of the demo (loading it takes most of the time); a failing
    check names itself in the traceback."""
    for check in (
        check_the_seed_documents_are_botosani_news_in_romanian_english_and_italian,
        check_the_seed_texts_keep_their_facts_in_every_language,
        check_the_seed_page_shows_when_it_was_last_modified_and_by_whom,
        check_every_demo_item_has_a_cover_picture_described_for_people_who_cannot_see_it,
        check_other_partners_and_the_network_publish_news_some_only_in_their_language,
        check_the_library_holds_a_dozen_practices_of_different_cities,
        check_practices_use_real_dimension_and_service_codes,
        check_plan_actions_are_inspired_by_practices,
        check_the_site_the_network_and_botosani_have_their_pages,
        check_search_finds_the_seed_items,
        check_loading_again_creates_nothing_twice,
    ):
        check(demo_portal)
