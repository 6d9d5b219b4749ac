"""Health check, formats in the reader's language, translations complete."""

from pathlib import Path

import polib
import pytest
from django.db import OperationalError

import di4c
from di4c.core.i18n import format_money

LOCALE = Path(di4c.__file__).parent / "locale"


def test_healthz_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_healthz_503_when_database_unreachable(client, db, monkeypatch):
    class UnreachableDatabase:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("di4c.core.views.connection", UnreachableDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ro", "146.993\N{NO-BREAK SPACE}€"),
        ("en", "€146,993"),
        ("it", "146.993\N{NO-BREAK SPACE}€"),
        ("es", "146.993\N{NO-BREAK SPACE}€"),
        ("fi", "146\N{NO-BREAK SPACE}993\N{NO-BREAK SPACE}€"),
        ("fr", "146\N{NARROW NO-BREAK SPACE}993\N{NO-BREAK SPACE}€"),
        ("el", "146.993\N{NO-BREAK SPACE}€"),
        ("lv", "146\N{NO-BREAK SPACE}993\N{NO-BREAK SPACE}€"),
        ("pt", "146\N{NO-BREAK SPACE}993\N{NO-BREAK SPACE}€"),
    ],
)
def test_money_in_the_readers_language(language, expected):
    assert format_money(146993, language=language) == expected


def test_money_keeps_cents_when_there_are_some():
    assert format_money("1234.5", language="ro") == "1.234,50\N{NO-BREAK SPACE}€"


# English and Romanian must be complete: a missing string fails the suite. The other partner
# languages are reported (coverage in the summary at the end of the run, see conftest.py) and
# must at least be compiled from their current catalogue.
COMPLETE_LANGUAGES = ["en", "ro", "it"]
REPORTED_LANGUAGES = ["es", "fi", "fr", "el", "lv", "pt"]


def test_every_interface_language_has_a_catalogue():
    from django.conf import settings

    codes = [code for code, _name in settings.LANGUAGES]
    assert codes == ["en", "ro", "it", "es", "fi", "fr", "el", "lv", "pt"]
    for code in codes:
        assert (LOCALE / code / "LC_MESSAGES" / "django.po").exists(), code


@pytest.mark.parametrize("language", COMPLETE_LANGUAGES)
def test_translations_are_complete(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert po.percent_translated() == 100


@pytest.mark.parametrize("language", COMPLETE_LANGUAGES + REPORTED_LANGUAGES)
def test_translations_are_compiled(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in mo if entry.msgid}
    for entry in po.translated_entries():
        if not entry.msgid_plural:
            assert compiled.get((entry.msgctxt, entry.msgid)) == entry.msgstr, (
                f"{language}: django.mo is stale for {entry.msgid!r}: run compilemessages"
            )


def test_every_template_string_is_in_the_catalogue():
    """makemessages was run after the last template change."""
    import re

    po = polib.pofile(str(LOCALE / "ro" / "LC_MESSAGES" / "django.po"))
    known = {entry.msgid for entry in po}
    missing = []
    for template in Path(di4c.__file__).parent.rglob("templates/**/*.html"):
        for match in re.finditer(r'{% translate "([^"]+)"', template.read_text()):
            # makemessages doubles a literal % in template strings.
            if match.group(1) not in known and match.group(1).replace("%", "%%") not in known:
                missing.append((template.name, match.group(1)))
    assert missing == []


@pytest.mark.django_db
def test_language_switch_keeps_the_current_page(client, demo):
    response = client.post("/i18n/setlang/", {"language": "ro", "next": "/networks/di4c/"})
    assert response.status_code == 302
    assert response["Location"] == "/networks/di4c/"
    page = client.get("/networks/di4c/").content.decode()
    assert '<html lang="ro">' in page
    assert "Inovații Digitale pentru Orașe" in page
    client.post("/i18n/setlang/", {"language": "it", "next": "/networks/di4c/"})
    assert "Innovazione Digitale per le Città" in client.get("/networks/di4c/").content.decode()


def test_numbers_keep_their_decimals_in_the_readers_language():
    from decimal import Decimal

    from di4c.core.i18n import format_number

    assert format_number(Decimal("38.19394"), language="ro") == "38,19394"
    assert format_number(106847, language="ro") == "106.847"
    assert format_number(106847, language="en") == "106,847"


@pytest.mark.parametrize("language", COMPLETE_LANGUAGES + REPORTED_LANGUAGES)
def test_translations_keep_every_placeholder(language):
    """A translation that drops or renames %(name)s fails at run time (KeyError) or hides a
    figure from the reader."""
    import re

    placeholder = re.compile(r"%\((\w+)\)[sd]")
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    wrong = []
    for entry in po.translated_entries():
        expected = set(placeholder.findall(entry.msgid))
        if entry.msgid_plural:
            expected |= set(placeholder.findall(entry.msgid_plural))
            for text in entry.msgstr_plural.values():
                # A singular form may leave the count out ("one action"), never add a name.
                if not set(placeholder.findall(text)) <= expected:
                    wrong.append(entry.msgid)
        elif set(placeholder.findall(entry.msgstr)) != expected:
            wrong.append(entry.msgid)
    assert wrong == []
