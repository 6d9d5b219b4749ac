"""The language in the address (`?lang=xx`), the header's language form without a CSRF token,
and what base.html puts on every page: search box, footer links, meta and Open Graph tags."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

pytestmark = pytest.mark.django_db

LANGUAGE_COOKIE = "di4c_language"


def test_the_lang_parameter_shows_the_page_in_that_language_only(client, demo):
    response = client.get("/networks/di4c/?lang=ro")
    page = response.content.decode()
    assert '<html lang="ro">' in page
    assert "Inovații Digitale pentru Orașe" in page
    assert response["Content-Language"] == "ro"
    # Not remembered: a link to another language version changes no one's interface language.
    assert LANGUAGE_COOKIE not in response.cookies
    assert '<html lang="en">' in client.get("/organisations/").content.decode()
    # The language in the address wins over a remembered one, for that page.
    client.cookies[LANGUAGE_COOKIE] = "fi"
    assert '<html lang="it">' in client.get("/networks/di4c/?lang=it").content.decode()
    assert '<html lang="fi">' in client.get("/networks/di4c/").content.decode()


def test_the_language_form_remembers_the_choice(client, demo):
    response = client.get("/networks/di4c/", {"lang": "ro", "set_language": "1"})
    assert response.cookies[LANGUAGE_COOKIE].value == "ro"
    assert response.cookies[LANGUAGE_COOKIE]["samesite"] == "Lax"
    # The next page, without the parameter, stays in Romanian.
    assert '<html lang="ro">' in client.get("/organisations/").content.decode()


@pytest.mark.parametrize("code", ["xx", "de", "", "en-gb", "../ro"])
def test_unknown_codes_are_ignored(client, demo, code):
    response = client.get("/networks/di4c/", {"lang": code})
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert LANGUAGE_COOKIE not in response.cookies


def test_the_language_form_brings_the_page_back_at_its_own_address(client, demo):
    response = client.get(
        "/organisations/", {"page": "2", "lang": "pt", "set_language": "1", "x": ["a", "b"]}
    )
    assert response.status_code == 302
    assert response["Location"] == "/organisations/?page=2&x=a&x=b"
    assert response.cookies[LANGUAGE_COOKIE].value == "pt"
    assert '<html lang="pt">' in client.get(response["Location"]).content.decode()
    # An unknown language in the form changes nothing: the page is shown as it is.
    assert client.get("/organisations/", {"lang": "zz", "set_language": "1"}).status_code == 200


@pytest.mark.parametrize("path", ["//evil.example/", "/\\evil.example/"])
def test_the_language_form_never_sends_anyone_elsewhere(path):
    from django.http import HttpResponse

    from di4c.core.middleware import LanguageFromQuery

    request = RequestFactory().get("/", {"lang": "ro", "set_language": "1"})
    request.path = request.path_info = path
    response = LanguageFromQuery(lambda request: HttpResponse("the page"))(request)
    assert response.status_code == 200
    assert response.content == b"the page"
    assert response.cookies[LANGUAGE_COOKIE].value == "ro"


def test_set_language_stays_available(client, demo):
    response = client.post("/i18n/setlang/", {"language": "el", "next": "/organisations/"})
    assert response.status_code == 302
    assert '<html lang="el">' in client.get("/organisations/").content.decode()


def test_anonymous_pages_carry_no_csrf_token(client, demo):
    for address in ("/", "/networks/di4c/", "/organisations/", "/search/?q=oulu"):
        response = client.get(address)
        assert response.status_code == 200, address
        assert "csrfmiddlewaretoken" not in response.content.decode(), address
        assert "csrftoken" not in response.cookies, address


def test_signed_in_people_still_sign_out_with_a_post(client_as):
    page = client_as("citizen").get("/organisations/").content.decode()
    assert 'action="/accounts/logout/"' in page
    assert "csrfmiddlewaretoken" in page


def _language_form(page: str) -> str:
    return re.search(r'<form[^>]*class="language-form".*?</form>', page, re.S).group(0)


def test_the_language_form_lists_the_nine_languages_and_keeps_the_address(client, demo):
    page = client.get("/search/?q=oulu&kind=news&lang=fr").content.decode()
    form = _language_form(page)
    assert 'method="get"' in form
    assert 'action="/search/"' in form
    assert '<select name="lang" id="language-select">' in form
    assert re.findall(r'<option value="(\w+)"', form) == [
        "en",
        "ro",
        "it",
        "es",
        "fi",
        "fr",
        "el",
        "lv",
        "pt",
    ]
    for local_name in ("English", "Română", "Italiano", "Suomi", "Ελληνικά", "Latviešu"):
        assert local_name in form
    assert '<option value="fr" lang="fr" selected>' in form
    assert '<input type="hidden" name="q" value="oulu">' in form
    assert '<input type="hidden" name="kind" value="news">' in form
    assert 'name="lang" value="fr"' not in form  # the select gives it


def test_kept_parameters_are_escaped(client, demo):
    form = _language_form(client.get('/organisations/?x="><script>').content.decode())
    assert "<script>" not in form
    assert 'value="&quot;&gt;&lt;script&gt;"' in form


def test_every_page_has_the_search_box_and_the_footer_links(client, demo):
    page = client.get("/organisations/").content.decode()
    search = re.search(r'<form role="search"[^>]*>.*?</form>', page, re.S).group(0)
    assert 'action="/search/"' in search and 'method="get"' in search
    assert '<label for="site-search">Search</label>' in search
    assert 'name="q"' in search
    assert '<a href="/practices/">Good practices</a>' in page
    footer = page[page.index('<footer class="site-footer">') :]
    for href, text in (
        ("/pages/about/", "About di4c"),
        ("/pages/accessibility/", "Accessibility statement"),
        ("/pages/privacy/", "Privacy notice"),
        ("/practices/", "Good practices"),
        ("/search/", "Search the site"),
    ):
        assert f'<a href="{href}">{text}</a>' in footer


def test_default_head_tags(client, demo):
    page = client.get("/organisations/?page=1&lang=it").content.decode()
    head = page[: page.index("</head>")]
    assert '<meta name="description" content="' in head
    assert '<meta property="og:title" content="' in head
    assert '<meta property="og:type" content="website">' in head
    assert '<meta property="og:locale" content="it_IT">' in head
    # No content languages: the canonical address has no ?lang=, and there are no alternates.
    assert '<link rel="canonical" href="http://testserver/organisations/">' in head
    assert 'hreflang="' not in head
    assert "og:image" not in head


def _render(path: str, language: str = "en", **context) -> str:
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    with translation.override(language):
        return render_to_string("base.html", context, request=request)


def test_head_of_a_page_in_two_languages():
    head = _render(
        "/somewhere/?page=2&q=x",
        "ro",
        content_languages=["ro", "en"],
        meta_description='Two "versions" & more',
        og_type="article",
        og_image="/media/cover.jpg",
    )
    head = head[: head.index("</head>")]
    assert '<link rel="canonical" href="http://testserver/somewhere/?lang=ro&amp;page=2">' in head
    assert (
        '<link rel="alternate" hreflang="en" href="http://testserver/somewhere/?lang=en&amp;page=2">'
        in head
    )
    assert '<link rel="alternate" hreflang="ro"' in head
    assert (
        '<link rel="alternate" hreflang="x-default" href="http://testserver/somewhere/?page=2">'
        in head
    )
    assert '<meta name="description" content="Two &quot;versions&quot; &amp; more">' in head
    assert '<meta property="og:description" content="Two &quot;versions&quot; &amp; more">' in head
    assert '<meta property="og:type" content="article">' in head
    assert (
        '<meta property="og:url" content="http://testserver/somewhere/?lang=ro&amp;page=2">' in head
    )
    assert '<meta property="og:image" content="http://testserver/media/cover.jpg">' in head
    assert '<meta property="og:locale" content="ro_RO">' in head
    assert '<meta property="og:locale:alternate" content="en_GB">' in head


def test_a_reader_language_the_content_lacks_gets_the_plain_canonical_address():
    head = _render("/somewhere/", "fi", content_languages=["ro", "en"])
    assert '<link rel="canonical" href="http://testserver/somewhere/">' in head
    assert head.count('rel="alternate"') == 3  # ro, en, x-default


def test_the_title_block_is_the_open_graph_title(client, demo):
    page = client.get('/search/?q=<b>"Oulu"</b>').content.decode()
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert title == "“&lt;b&gt;&quot;Oulu&quot;&lt;/b&gt;” – Search · di4c"
    assert (
        '<meta property="og:title" content="“&lt;b&gt;&quot;Oulu&quot;&lt;/b&gt;” – Search">'
        in page
    )


def test_keyboard_focus_is_visible():
    from pathlib import Path

    import di4c

    css = (Path(di4c.__file__).parent / "core/static/core/di4c.css").read_text()
    assert ":focus-visible { outline: 3px solid var(--ink)" in css
    assert ".site-header :focus-visible" in css
