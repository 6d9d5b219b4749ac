"""The stakeholder pages with the test client, as people use them: a form that refuses
contact details without a consent keeps everything typed; who sees contact details; who is
turned away; the personal data export and erasure; the power/interest matrix and the
ecosystem map; constant query counts."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html as lxml_html

from di4c.engagement import selectors
from di4c.engagement.models import LocalGroupRole, Sector, Stakeholder, StakeholderKind

pytestmark = pytest.mark.django_db

BASE = "/organisations/botosani/stakeholders/"
KEEPERS = ["botosani-editor", "botosani-coordinator"]
READERS_WITHOUT_CONTACT = ["local-group", "coordinator", "lead-expert"]
OUTSIDERS = ["messina-editor", "citizen"]
CONSENT_DAY = dt.date(2025, 3, 14)

POSTED = {
    "kind": "person",
    "name": "Ana Munteanu",
    "sector": "entrepreneur",
    "description": "Runs a start-up hub in the old town.\nKeen on e-payments.",
    "influence": "3",
    "interest": "5",
    "local_group_role": "core",
    "contact_name": "Ana Munteanu",
    "email": "ana.munteanu@example.org",
    "phone": "+40 231 000 111",
    "consent_given_on": "",
    "consent_purpose": "",
    "consent_method": "",
}
WITH_CONSENT = {
    **POSTED,
    "consent_given_on": CONSENT_DAY.isoformat(),
    "consent_purpose": "Invitations to the local group meetings",
    "consent_method": "email",
}


def parsed(response):
    return lxml_html.fromstring(response.content.decode())


def text_of(response) -> str:
    return " ".join(parsed(response).text_content().split())


def the_form(doc, field: str):
    [form] = [form for form in doc.forms if field in form.fields]
    return form


def values(form) -> dict[str, list[str]]:
    """What the browser would send back: name -> values of the successful controls."""
    sent: dict[str, list[str]] = {}
    for name, value in form.form_values():
        if getattr(form.inputs[name], "tag", None) == "textarea":
            value = value.removeprefix("\n")  # as browsers read <textarea>\ntext
        sent.setdefault(name, []).append(value)
    return sent


def errors_of(doc, field: str) -> list[str]:
    return [li.text_content() for li in doc.xpath(f'//ul[@id="id_{field}_error"]/li')]


def add(organisation, **fields) -> Stakeholder:
    defaults = {
        "kind": StakeholderKind.ORGANISATION,
        "name": "Botoșani Chamber of Commerce",
        "sector": Sector.BUSINESS,
        "influence": 4,
        "interest": 3,
    }
    stakeholder = Stakeholder(organisation=organisation, **{**defaults, **fields})
    stakeholder.full_clean()
    stakeholder.save()
    return stakeholder


def with_contact(organisation, **fields) -> Stakeholder:
    return add(
        organisation,
        kind=StakeholderKind.PERSON,
        name="Mihai Stan",
        sector=Sector.CIVIL_SOCIETY,
        local_group_role=LocalGroupRole.MEMBER,
        description="Chairs the neighbourhood association.",
        contact_name="Mihai Stan",
        email="mihai.stan@example.org",
        phone="+40 745 123 456",
        consent_given_on=CONSENT_DAY,
        consent_purpose="Local group invitations",
        consent_method="written",
        **fields,
    )


# --- the form: contact details need a consent; nothing typed is lost -------------------------


def test_contact_details_without_consent_are_refused_and_everything_typed_is_kept(
    client_as, botosani
):
    before = Stakeholder.objects.count()
    response = client_as("botosani-editor").post(f"{BASE}new/", POSTED)
    assert response.status_code == 200
    assert Stakeholder.objects.count() == before
    doc = parsed(response)
    assert "Contact details are kept only with a recorded consent" in " ".join(
        errors_of(doc, "consent_given_on")
    )
    assert errors_of(doc, "consent_purpose") == ["Say what the contact details are used for."]
    assert errors_of(doc, "consent_method") == ["Say how the consent was given."]
    for field in ("name", "email", "influence", "interest"):
        assert errors_of(doc, field) == [], field
    kept = values(the_form(doc, "name"))
    for name, value in POSTED.items():
        if value == "":
            assert kept.get(name, [""]) == [""], name
        else:
            assert kept.get(name) == [value], name
    # The errors are tied to their fields for assistive technology.
    [date_input] = doc.xpath('//input[@name="consent_given_on"]')
    assert date_input.get("aria-invalid") == "true"
    assert doc.xpath('//*[@role="alert"]')


def test_a_stakeholder_with_contact_details_and_consent_is_saved(client_as, botosani):
    response = client_as("botosani-editor").post(f"{BASE}new/", WITH_CONSENT)
    assert response.status_code == 302
    saved = Stakeholder.objects.get(organisation=botosani, email="ana.munteanu@example.org")
    assert response["Location"] == f"{BASE}{saved.pk}/"
    assert (saved.kind, saved.sector, saved.influence, saved.interest) == (
        "person",
        "entrepreneur",
        3,
        5,
    )
    assert saved.local_group_role == "core"
    assert saved.description == "Runs a start-up hub in the old town.\nKeen on e-payments."
    assert saved.consent_given_on == CONSENT_DAY
    assert saved.consent_method == "email"
    assert saved.updated_by.email == "botosani-editor@demo.di4c.eu"


def test_a_bad_email_and_a_future_consent_are_shown_on_their_fields(client_as, botosani):
    posted = {
        **WITH_CONSENT,
        "email": "not-an-address",
        "consent_given_on": "2999-01-01",
    }
    doc = parsed(client_as("botosani-editor").post(f"{BASE}new/", posted))
    assert errors_of(doc, "email") == ["Enter a valid email address."]
    posted["email"] = "ana@example.org"
    doc = parsed(client_as("botosani-editor").post(f"{BASE}new/", posted))
    assert errors_of(doc, "consent_given_on") == ["A consent cannot be given in the future."]
    assert values(the_form(doc, "name"))["consent_given_on"] == ["2999-01-01"]


def test_influence_is_chosen_from_labelled_levels(client_as, botosani):
    doc = parsed(client_as("botosani-editor").get(f"{BASE}new/"))
    labels = [
        " ".join(label.text_content().split())
        for label in doc.xpath('//*[@id="id_influence"]//label')
    ]
    assert labels == ["1 – very low", "2 – low", "3 – medium", "4 – high", "5 – very high"]
    [legend] = doc.xpath('//fieldset[.//input[@name="influence"]]/legend')
    assert legend.text_content().strip() == "Influence:"
    [contact] = doc.xpath('//fieldset[.//input[@name="email"]]/legend')
    assert contact.text_content().strip() == "Contact details (kept only with consent)"


def test_editing_keeps_and_changes_the_record(client_as, botosani):
    stakeholder = with_contact(botosani)
    client = client_as("botosani-editor")
    doc = parsed(client.get(f"{BASE}{stakeholder.pk}/edit/"))
    form = values(the_form(doc, "name"))
    assert form["email"] == ["mihai.stan@example.org"]
    assert form["consent_given_on"] == [CONSENT_DAY.isoformat()]
    posted = {name: value[0] for name, value in form.items()}
    posted["interest"] = "2"
    response = client.post(f"{BASE}{stakeholder.pk}/edit/", posted)
    assert response.status_code == 302
    stakeholder.refresh_from_db()
    assert stakeholder.interest == 2
    assert stakeholder.email == "mihai.stan@example.org"


def test_removing_the_consent_but_keeping_the_e_mail_is_refused(client_as, botosani):
    stakeholder = with_contact(botosani)
    client = client_as("botosani-editor")
    form = values(the_form(parsed(client.get(f"{BASE}{stakeholder.pk}/edit/")), "name"))
    posted = {name: value[0] for name, value in form.items()}
    posted.update(consent_given_on="", consent_purpose="", consent_method="")
    doc = parsed(client.post(f"{BASE}{stakeholder.pk}/edit/", posted))
    assert errors_of(doc, "consent_method") == ["Say how the consent was given."]
    stakeholder.refresh_from_db()
    assert stakeholder.consent_method == "written"


# --- who sees what --------------------------------------------------------------------------


@pytest.mark.parametrize("who", READERS_WITHOUT_CONTACT)
def test_readers_see_the_map_without_contact_details(client_as, botosani, who):
    stakeholder = with_contact(botosani)
    client = client_as(who)
    for path in (BASE, f"{BASE}{stakeholder.pk}/", f"{BASE}matrix/", f"{BASE}ecosystem/"):
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert "Mihai Stan" in page, path  # the name is part of the map
        for secret in ("mihai.stan@example.org", "+40 745 123 456", "Local group invitations"):
            assert secret not in page, (path, secret)
    assert "Add a stakeholder" not in text_of(client.get(BASE))
    detail = text_of(client.get(f"{BASE}{stakeholder.pk}/"))
    assert "Erase their personal data" not in detail
    assert "Export everything held about them" not in detail
    for path in (
        f"{BASE}new/",
        f"{BASE}{stakeholder.pk}/edit/",
        f"{BASE}{stakeholder.pk}/export.json",
        f"{BASE}{stakeholder.pk}/erase/",
    ):
        assert client.get(path).status_code == 403, path
    assert client.post(f"{BASE}{stakeholder.pk}/erase/").status_code == 403
    assert Stakeholder.objects.get(pk=stakeholder.pk).email == "mihai.stan@example.org"


@pytest.mark.parametrize("who", KEEPERS)
def test_keepers_see_contact_details(client_as, botosani, who):
    stakeholder = with_contact(botosani)
    client = client_as(who)
    listing = text_of(client.get(BASE))
    assert "mihai.stan@example.org" in listing
    assert "+40 745 123 456" in listing
    assert "Add a stakeholder" in listing
    detail = text_of(client.get(f"{BASE}{stakeholder.pk}/"))
    assert "mihai.stan@example.org" in detail
    assert "Local group invitations" in detail
    assert "Export everything held about them (JSON)" in detail
    assert "Erase their personal data" in detail


@pytest.mark.parametrize("who", OUTSIDERS)
def test_other_cities_and_citizens_are_turned_away(client_as, botosani, who):
    stakeholder = with_contact(botosani)
    client = client_as(who)
    for path in (
        BASE,
        f"{BASE}new/",
        f"{BASE}matrix/",
        f"{BASE}ecosystem/",
        f"{BASE}{stakeholder.pk}/",
        f"{BASE}{stakeholder.pk}/edit/",
        f"{BASE}{stakeholder.pk}/export.json",
        f"{BASE}{stakeholder.pk}/erase/",
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "mihai.stan@example.org" not in response.content.decode()
    assert client.post(f"{BASE}new/", WITH_CONSENT).status_code == 403
    assert client.post(f"{BASE}{stakeholder.pk}/erase/").status_code == 403
    assert not Stakeholder.objects.filter(email="ana.munteanu@example.org").exists()


def test_visitors_are_asked_to_sign_in(client, botosani):
    stakeholder = with_contact(botosani)
    for path in (
        BASE,
        f"{BASE}new/",
        f"{BASE}matrix/",
        f"{BASE}ecosystem/",
        f"{BASE}{stakeholder.pk}/",
        f"{BASE}{stakeholder.pk}/export.json",
        f"{BASE}{stakeholder.pk}/erase/",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/?next="), path


def test_unknown_city_or_a_stakeholder_of_another_city_is_not_found(client_as, botosani, messina):
    theirs = add(messina, name="Messina Port Authority")
    client = client_as("botosani-editor")
    assert client.get("/organisations/no-such-city/stakeholders/").status_code == 404
    assert client.get(f"{BASE}{theirs.pk}/").status_code == 404
    assert client.get(f"{BASE}{theirs.pk}/edit/").status_code == 404
    assert client.get(f"{BASE}999999/").status_code == 404


def test_the_organisation_page_links_to_the_map_for_those_who_may_read_it(
    client, client_as, botosani
):
    link = "Stakeholders and local group"
    assert link not in text_of(client.get("/organisations/botosani/"))
    for who in ("local-group", "botosani-editor", "coordinator"):
        assert link in text_of(client_as(who).get("/organisations/botosani/")), who
    for who in OUTSIDERS:
        assert link not in text_of(client_as(who).get("/organisations/botosani/")), who


# --- the list: filters and counts -----------------------------------------------------------


def test_the_list_filters_by_sector_and_name_and_counts_per_sector(client_as, botosani):
    Stakeholder.objects.filter(organisation=botosani).delete()  # whatever the demo holds
    add(botosani, name="Botoșani Chamber of Commerce", sector=Sector.BUSINESS)
    add(botosani, name="Stefan cel Mare University", sector=Sector.ACADEMIA, influence=3)
    add(botosani, name="Tech Hub Botoșani", sector=Sector.ENTREPRENEUR, interest=5)
    client = client_as("local-group")
    doc = parsed(client.get(BASE))
    for name in ("sector", "text"):
        [field] = doc.xpath(f'//form[@method="get"]//*[@name="{name}"]')
        assert doc.xpath(f'//label[@for="{field.get("id")}"]'), name
    rows = lambda response: [  # noqa: E731
        " ".join(th.text_content().split())
        for th in parsed(response).xpath('//table[@data-testid="stakeholders"]/tbody/tr/th')
    ]
    assert rows(client.get(BASE, {"sector": "academia"})) == ["Stefan cel Mare University"]
    assert rows(client.get(BASE, {"text": "botoșani"})) == [
        "Botoșani Chamber of Commerce",
        "Tech Hub Botoșani",
    ]
    assert rows(client.get(BASE, {"sector": "ict"})) == []
    counts = {
        " ".join(row.xpath("th")[0].text_content().split()): row.xpath("td")[0].text_content()
        for row in doc.xpath('//table[@data-testid="sector-counts"]/tbody/tr')
    }
    expected = selectors.sector_counts(botosani)
    assert counts["Academia and research"] == str(expected["academia"])
    assert counts["ICT and technical bodies"] == str(expected.get("ict", 0))
    # A bad filter is ignored rather than failing.
    assert client.get(BASE, {"sector": "nonsense"}).status_code == 200


# --- export and erasure ---------------------------------------------------------------------


def test_the_export_is_a_json_download_of_everything_held(client_as, botosani):
    stakeholder = with_contact(botosani)
    response = client_as("botosani-editor").get(f"{BASE}{stakeholder.pk}/export.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    record = data["record"]
    assert record["email"] == "mihai.stan@example.org"
    assert record["phone"] == "+40 745 123 456"
    assert record["consent"] == {
        "given_on": CONSENT_DAY.isoformat(),
        "purpose": "Local group invitations",
        "method": "written",
    }
    assert data["controller"] == botosani.display_name


def test_erasure_keeps_the_anonymous_facts_only(client_as, botosani):
    stakeholder = with_contact(botosani)
    counts_before = selectors.sector_counts(botosani)
    client = client_as("botosani-editor")
    confirmation = client.get(f"{BASE}{stakeholder.pk}/erase/")
    assert confirmation.status_code == 200
    page = text_of(confirmation)
    assert "What is erased" in page and "What is kept" in page
    assert Stakeholder.objects.get(pk=stakeholder.pk).email  # nothing erased by looking

    response = client.post(f"{BASE}{stakeholder.pk}/erase/")
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}{stakeholder.pk}/"
    row = Stakeholder.objects.filter(pk=stakeholder.pk).values().get()
    for field in ("contact_name", "email", "phone", "description", "consent_purpose"):
        assert row[field] == "", field
    assert row["consent_given_on"] is None and row["consent_method"] == ""
    assert row["erased_at"] is not None
    assert "Mihai" not in row["name"]
    stored = " ".join(str(value) for value in row.values())
    # The whole phone number: a fragment such as "745" can turn up in a timestamp.
    for secret in ("mihai", "example.org", "745 123 456", "invitations"):
        assert secret not in stored.lower(), secret
    # The anonymous facts stay.
    assert (row["sector"], row["influence"], row["interest"], row["local_group_role"]) == (
        "civil_society",
        4,
        3,
        "member",
    )
    assert selectors.sector_counts(botosani) == counts_before

    detail = text_of(client.get(f"{BASE}{stakeholder.pk}/"))
    assert f"Erased stakeholder no. {stakeholder.pk}" in detail
    assert "Mihai" not in detail
    assert "Erase their personal data" not in detail
    listing = text_of(client.get(BASE))
    assert f"Erased stakeholder no. {stakeholder.pk} erased" in listing
    # It can no longer be changed, nor erased again.
    edit = client.get(f"{BASE}{stakeholder.pk}/edit/")
    assert edit.status_code == 302
    client.post(
        f"{BASE}{stakeholder.pk}/edit/",
        {**WITH_CONSENT, "name": "Mihai Stan again"},
    )
    assert Stakeholder.objects.get(pk=stakeholder.pk).email == ""
    assert "Mihai" not in Stakeholder.objects.get(pk=stakeholder.pk).name
    assert client.post(f"{BASE}{stakeholder.pk}/erase/").status_code == 302
    assert "already erased" in text_of(client.get(f"{BASE}{stakeholder.pk}/"))


# --- the matrix and the ecosystem -----------------------------------------------------------


def test_the_matrix_puts_each_stakeholder_in_its_cell(client_as, botosani):
    powerful = add(botosani, name="County Council", sector=Sector.PUBLIC, influence=5, interest=2)
    add(botosani, name="Residents' forum", sector=Sector.CITIZEN, influence=1, interest=4)
    doc = parsed(client_as("local-group").get(f"{BASE}matrix/"))
    [table] = doc.xpath('//table[@data-testid="matrix"]')
    assert table.xpath("caption")
    rows = [" ".join(th.text_content().split()) for th in table.xpath("tbody/tr/th")]
    assert rows == [f"Influence {n}" for n in (5, 4, 3, 2, 1)]
    columns = [" ".join(th.text_content().split()) for th in table.xpath("thead/tr/th")][1:]
    assert columns == [f"Interest {n}" for n in (1, 2, 3, 4, 5)]
    [cell] = table.xpath('.//td[@data-influence="5"][@data-interest="2"]')
    assert "Keep satisfied" in cell.text_content()
    assert "County Council" in cell.text_content()
    assert cell.xpath(f'.//a[@href="{BASE}{powerful.pk}/"]')
    [cell] = table.xpath('.//td[@data-influence="1"][@data-interest="4"]')
    assert "Keep informed" in cell.text_content()
    assert "Residents' forum" in cell.text_content()
    labels = {
        (td.get("data-influence"), td.get("data-interest")): td.xpath(
            'string(.//span[@class="quadrant-label"])'
        )
        for td in table.xpath(".//td")
    }
    assert labels[("3", "3")] == "Manage closely"
    assert labels[("2", "2")] == "Monitor"
    counts = {
        li.get("data-quadrant"): " ".join(li.xpath('string(.//*[@class="quadrant-count"])').split())
        for li in doc.xpath('//ul[@data-testid="quadrants"]/li')
    }
    expected = selectors.power_interest_matrix(botosani).quadrants
    assert counts["satisfy"].startswith(f"{expected['satisfy']} stakeholder")
    assert expected["satisfy"] >= 1 and expected["inform"] >= 1


def test_the_ecosystem_groups_by_sector_and_shows_the_gaps(client_as, botosani):
    Stakeholder.objects.filter(organisation=botosani).delete()
    add(botosani, name="Tech Hub Botoșani", sector=Sector.ENTREPRENEUR, local_group_role="core")
    add(botosani, name="Startup Garage", sector=Sector.ENTREPRENEUR)
    doc = parsed(client_as("local-group").get(f"{BASE}ecosystem/"))
    cards = {li.get("data-sector"): li for li in doc.xpath('//ul[@data-testid="ecosystem"]/li')}
    assert list(cards) == list(Sector.values)
    entrepreneurs = " ".join(cards["entrepreneur"].text_content().split())
    assert "Tech Hub Botoșani Local group: Core member" in entrepreneurs
    assert "Startup Garage" in entrepreneurs and "Startup Garage Local group" not in entrepreneurs
    assert "2 stakeholders, 1 in the local group" in entrepreneurs
    for sector in set(Sector.values) - {"entrepreneur"}:
        assert "No stakeholder yet" in cards[sector].text_content(), sector
    assert "6 sectors have no stakeholder yet" in " ".join(doc.text_content().split())


# --- constant query counts -------------------------------------------------------------------


def add_many(organisation, n: int, start: int = 0) -> None:
    sectors = list(Sector.values)
    Stakeholder.objects.bulk_create(
        [
            Stakeholder(
                organisation=organisation,
                kind=StakeholderKind.PERSON if i % 2 else StakeholderKind.ORGANISATION,
                name=f"Stakeholder {i:03d}",
                sector=sectors[i % len(sectors)],
                influence=i % 5 + 1,
                interest=(i * 3) % 5 + 1,
                local_group_role=LocalGroupRole.MEMBER if i % 3 == 0 else "",
                contact_name=f"Contact {i}" if i % 4 == 0 else "",
                email=f"person{i}@example.org" if i % 4 == 0 else "",
                consent_given_on=CONSENT_DAY if i % 4 == 0 else None,
                consent_purpose="Local group" if i % 4 == 0 else "",
                consent_method="email" if i % 4 == 0 else "",
                erased_at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC) if i % 7 == 0 else None,
            )
            for i in range(start, start + n)
        ]
    )


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["botosani-editor", "local-group", "coordinator"])
@pytest.mark.parametrize("page", ["", "matrix/", "ecosystem/"])
def test_the_pages_take_as_many_queries_for_60_stakeholders_as_for_5(
    client_as, botosani, who, page
):
    Stakeholder.objects.filter(organisation=botosani).delete()
    client = client_as(who)
    path = f"{BASE}{page}"
    add_many(botosani, 5)
    queries(client, path)  # warm up the session
    with_5 = queries(client, path)
    add_many(botosani, 55, start=5)
    with_60 = queries(client, path)
    assert text_of(client.get(path)).count("Stakeholder 0") >= 45
    assert with_60 == with_5
