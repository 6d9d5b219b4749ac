"""Static pages ("About us", accessibility statement, privacy notice) of the site, a network and
a city: reading in the reader's language with a fallback marker, who may write them, the
"does not exist yet" page, the accessibility statement's starting text, and forms that keep
what was typed."""

import pytest

from di4c.portal import services
from di4c.portal.models import Page, PageText

pytestmark = pytest.mark.django_db

NETWORK_ABOUT = "/networks/di4c/pages/about/"
CITY_ABOUT = "/organisations/botosani/pages/about/"


@pytest.fixture
def network_about(demo, demo_user):
    coordinator = demo_user("coordinator")
    services.page_text_save(
        actor=coordinator,
        owner=demo,
        kind="about",
        language="en",
        title="About the DI4C network",
        body="DI4C is **eight cities** that [plan together](https://urbact.eu/).\n\n## Partners\n",
    )
    return services.page_text_save(
        actor=coordinator,
        owner=demo,
        kind="about",
        language="ro",
        title="Despre rețeaua DI4C",
        body="Opt orașe care planifică împreună.",
    )


def test_page_in_the_readers_language_with_markdown_and_last_modified(network_about, client):
    response = client.get(NETWORK_ABOUT)
    page = response.content.decode()
    assert response.status_code == 200
    assert "About the DI4C network" in page
    assert "<strong>eight cities</strong>" in page
    assert 'rel="noopener noreferrer nofollow"' in page
    assert "<h3>Partners</h3>" in page  # a text's headings sit under the page's h1
    assert 'class="fallback-marker"' not in page
    assert "Last modified on" in page and f"by {network_about.network.display_name}" in page
    assert 'href="?lang=ro"' in page  # the other version
    assert response.context["content_languages"] == ["en", "ro"]
    assert response.context["meta_description"].startswith("DI4C is eight cities")
    romanian = client.get(NETWORK_ABOUT, {"lang": "ro"}).content.decode()
    assert "Despre rețeaua DI4C" in romanian and 'class="fallback-marker"' not in romanian


def test_missing_language_falls_back_with_a_marker(network_about, client):
    page = client.get(NETWORK_ABOUT, {"lang": "it"}).content.decode()
    # Italian is missing: the original (English) version, marked, in its own language.
    assert "About the DI4C network" in page
    assert 'class="fallback-marker"' in page
    assert 'lang="en" data-testid="page"' in page


def test_site_page_is_by_di4c(client, demo, demo_user):
    services.page_text_save(
        actor=demo_user("admin"),
        owner=None,
        kind="privacy",
        language="en",
        title="Privacy notice",
        body="We keep as little as we can.",
    )
    page = client.get("/pages/privacy/").content.decode()
    assert "We keep as little as we can." in page and "by di4c" in page


def test_a_missing_page_is_404_for_visitors_and_an_invitation_for_its_editors(
    demo, client, client_as
):
    assert client.get(CITY_ABOUT).status_code == 404
    assert client_as("botosani-editor").get(CITY_ABOUT).status_code == 404
    response = client_as("botosani-coordinator").get(CITY_ABOUT)
    page = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="page-missing"' in page
    assert f'href="{CITY_ABOUT}edit/"' in page and "Write it" in page
    assert client.get("/pages/unknown-kind/").status_code == 404
    assert client.get("/organisations/no-such-city/pages/about/").status_code == 404


@pytest.mark.parametrize(
    ("who", "address", "status"),
    [
        ("coordinator", NETWORK_ABOUT, 200),
        ("botosani-coordinator", CITY_ABOUT, 200),
        ("admin", "/pages/about/", 200),
        ("admin", CITY_ABOUT, 200),
        ("botosani-editor", CITY_ABOUT, 403),
        ("messina-editor", CITY_ABOUT, 403),
        ("coordinator", CITY_ABOUT, 403),
        ("botosani-coordinator", NETWORK_ABOUT, 403),
        ("citizen", "/pages/about/", 403),
        ("coordinator", "/pages/about/", 403),
    ],
)
def test_who_may_edit_which_page(demo, client_as, who, address, status):
    client = client_as(who)
    assert client.get(f"{address}edit/").status_code == status
    response = client.post(f"{address}edit/?language=en", {"title": "About", "body": "Text"})
    assert response.status_code == (302 if status == 200 else status)
    assert PageText.objects.filter(title="About").exists() == (status == 200)


def test_visitors_are_sent_to_sign_in(demo, client):
    response = client.get("/networks/di4c/pages/about/edit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.post("/pages/about/edit/", {"title": "x"})
    assert not Page.objects.exists()


def test_coordinators_write_a_version_per_language_and_readers_see_it(demo, client, client_as):
    editor = client_as("botosani-coordinator")
    response = editor.post(
        f"{CITY_ABOUT}edit/?language=ro",
        {"title": "Despre Botoșani", "body": "Municipiul Botoșani."},
    )
    assert response.status_code == 302 and response["Location"] == CITY_ABOUT
    page = Page.objects.get(organisation__slug="botosani", kind="about")
    assert page.original_language == "ro" and page.updated_by.email.startswith("botosani-coord")
    form = editor.get(f"{CITY_ABOUT}edit/?language=en").content.decode()
    assert 'data-testid="page-languages"' in form
    assert "There is no version in English yet" in form
    editor.post(f"{CITY_ABOUT}edit/?language=en", {"title": "About Botoșani", "body": "The city."})
    client.logout()
    assert "About Botoșani" in client.get(CITY_ABOUT).content.decode()
    assert "Despre Botoșani" in client.get(CITY_ABOUT, {"lang": "ro"}).content.decode()


def test_bad_input_keeps_what_was_typed(network_about, client_as):
    client = client_as("coordinator")
    typed = "A long text I do not want to lose.\n\n- one\n- two"
    response = client.post(f"{NETWORK_ABOUT}edit/?language=it", {"title": "", "body": typed})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The page is not saved yet" in page
    assert "A long text I do not want to lose." in page
    too_long = client.post(f"{NETWORK_ABOUT}edit/?language=it", {"title": "x" * 301, "body": typed})
    assert too_long.status_code == 200 and "at most 300 characters" in too_long.content.decode()
    assert not PageText.objects.filter(language="it").exists()


def test_a_version_can_be_deleted_but_not_the_last(network_about, client_as):
    client = client_as("coordinator")
    response = client.post(f"{NETWORK_ABOUT}edit/?language=ro", {"delete": "1"})
    assert response.status_code == 302
    assert list(network_about.texts.values_list("language", flat=True)) == ["en"]
    form = client.get(f"{NETWORK_ABOUT}edit/?language=en").content.decode()
    assert "Delete the version in" not in form  # the last one stays
    followed = client.post(f"{NETWORK_ABOUT}edit/?language=en", {"delete": "1"}, follow=True)
    assert "A page keeps at least one version." in followed.content.decode()
    assert network_about.texts.count() == 1


def test_accessibility_statement_starts_from_a_model_text(demo, client_as):
    client = client_as("coordinator")
    form = client.get("/networks/di4c/pages/accessibility/edit/").content.decode()
    assert 'data-testid="starter-note"' in form
    for words in ("WCAG", "2.1", "Directive (EU) 2016/2102", "Enforcement procedure"):
        assert words in form
    assert "Feedback and contact information" in form
    # Once written, the form shows the stored text, not the model text.
    client.post(
        "/networks/di4c/pages/accessibility/edit/?language=en",
        {"title": "Accessibility", "body": "Fully compliant."},
    )
    again = client.get("/networks/di4c/pages/accessibility/edit/?language=en").content.decode()
    assert "Fully compliant." in again and "starter-note" not in again
    other = client.get("/networks/di4c/pages/privacy/edit/").content.decode()
    assert "starter-note" not in other


def test_cached_page_changes_when_the_page_does(network_about, client, demo_user):
    first = client.get(NETWORK_ABOUT)
    assert client.get(NETWORK_ABOUT)["X-Di4c-Cache"] == "hit"
    services.page_text_save(
        actor=demo_user("coordinator"),
        owner=network_about.network,
        kind="about",
        language="en",
        title="About DI4C, updated",
    )
    second = client.get(NETWORK_ABOUT).content.decode()
    assert "About DI4C, updated" in second
    assert first.content.decode() != second


def test_only_plain_addresses_are_cached(client, demo):
    """Filtered lists and odd parameters are rendered fresh: any value would otherwise make a
    new cache entry (an anonymous loop could fill the cache)."""
    assert client.get("/practices/")["X-Di4c-Cache"] == "miss"
    assert client.get("/practices/")["X-Di4c-Cache"] == "hit"
    assert client.get("/practices/?lang=ro")["X-Di4c-Cache"] == "miss"
    assert client.get("/practices/?page=1")["X-Di4c-Cache"] == "miss"
    for query in ("?city=junk1", "?page=100000", "?lang=xx", "?junk=1", "?page=1&page=2"):
        response = client.get("/practices/" + query)
        assert response.status_code == 200, query
        assert "X-Di4c-Cache" not in response, query
