"""Pages of programmes, networks and organisations, read and written as users do."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from di4c.accounts.models import Role
from di4c.networks.models import Network, Organisation
from tests.factories import (
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    PartnershipFactory,
    PhaseFactory,
    network_coordinator,
)

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return response.content.decode().replace("\N{NO-BREAK SPACE}", " ")


def test_network_page_shows_the_seeded_network_lead_first(client, demo):
    response = client.get("/networks/di4c/", HTTP_ACCEPT_LANGUAGE="en")
    page = text_of(response)
    assert response.status_code == 200
    assert "Digital Innovation 4 Cities" in page
    assert "€146,993" in page
    assert page.index("Municipality of Messina") < page.index("City of Oulu")
    assert page.index("City of Oulu") < page.index("Former partners")
    assert page.index("Former partners") < page.index("Limerick City and County Council")
    assert "2 September 2019 – 2 March 2020" in page
    assert "Phase 2 (DigiPlace)" in page
    assert "with e-Trikala" in page


def test_network_page_in_romanian_formats_money_and_names(client, demo):
    response = client.get("/networks/di4c/", HTTP_ACCEPT_LANGUAGE="ro")
    page = text_of(response)
    assert '<html lang="ro">' in page
    assert "146.993 €" in page
    assert "Inovații Digitale pentru Orașe" in page
    assert "Primăria Municipiului Botoșani" in page


def test_last_modified_line_names_author_and_time(client, demo, demo_user):
    page = text_of(client.get("/organisations/botosani/", HTTP_ACCEPT_LANGUAGE="ro"))
    assert "Ultima modificare:" in page
    assert "de către Elena Popescu" in page


def test_programme_page_lists_its_networks(client, demo):
    page = text_of(client.get("/programmes/urbact-iii/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "DI4C" in page
    assert "23 Action Planning Networks" in page


def test_organisation_page_lists_its_networks(client, demo):
    page = text_of(client.get("/organisations/limerick/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "DI4C – Digital Innovation 4 Cities" in page
    assert "25 June 2019 – 1 September 2019" in page


def test_unknown_slug_answers_404_page(client, db):
    response = client.get("/networks/nowhere/")
    assert response.status_code == 404
    assert "Page not found" in text_of(response)


def test_editor_of_a_city_gets_403_on_network_edit(client_as):
    client = client_as("botosani-editor")
    assert client.get("/networks/di4c/edit/").status_code == 403
    response = client.post("/networks/di4c/edit/", {"acronym": "HACK"})
    assert response.status_code == 403
    assert Network.objects.get(slug="di4c").acronym == "DI4C"


def test_botosani_editor_cannot_edit_messina_page(client_as):
    client = client_as("botosani-editor")
    response = client.post("/organisations/messina/edit/", {"name": "Hacked"})
    assert response.status_code == 403
    assert Organisation.objects.get(slug="messina").name == "Municipality of Messina"


def test_anonymous_visitor_is_sent_to_sign_in(client, demo):
    response = client.get("/networks/di4c/edit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def _network_form(network, **overrides):
    phases = list(network.phases.order_by("number"))
    data = {
        "acronym": network.acronym,
        "name": network.name,
        "name_ro": network.name_i18n.get("ro", ""),
        "name_it": network.name_i18n.get("it", ""),
        "theme": network.theme,
        "aims": network.aims,
        "budget_eur": str(network.budget_eur),
        "website": network.website,
        "phases-TOTAL_FORMS": str(len(phases) + 1),
        "phases-INITIAL_FORMS": str(len(phases)),
        "phases-MIN_NUM_FORMS": "0",
        "phases-MAX_NUM_FORMS": "1000",
    }
    for index, phase in enumerate(phases):
        data.update(
            {
                f"phases-{index}-id": str(phase.pk),
                f"phases-{index}-number": str(phase.number),
                f"phases-{index}-name": phase.name,
                f"phases-{index}-starts_on": phase.starts_on.isoformat(),
                f"phases-{index}-ends_on": phase.ends_on.isoformat(),
            }
        )
    data.update(overrides)
    return data


def test_coordinator_edits_network_and_sees_the_change(client_as, demo):
    client = client_as("coordinator")
    response = client.post(
        "/networks/di4c/edit/",
        _network_form(demo, budget_eur="150000", name_ro="Inovații digitale"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    demo.refresh_from_db()
    assert demo.budget_eur == Decimal("150000")
    assert demo.name_i18n["ro"] == "Inovații digitale"
    page = text_of(client.get("/networks/di4c/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "€150,000" in page
    assert "by Giulia Ferraro" in page
    history = text_of(client.get("/networks/di4c/history/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "146993.00 → 150000.00" in history


def test_bad_input_redisplays_what_was_typed_with_field_errors(client_as, demo):
    client = client_as("coordinator")
    form = _network_form(
        demo,
        budget_eur="-10",
        acronym="DI4C-NEW",
        **{"phases-1-starts_on": "2020-01-01"},
    )
    response = client.post("/networks/di4c/edit/", form, HTTP_ACCEPT_LANGUAGE="en")
    page = text_of(response)
    assert response.status_code == 200
    assert "The budget cannot be negative." in page
    assert 'value="DI4C-NEW"' in page
    demo.refresh_from_db()
    assert demo.acronym == "DI4C"


def test_overlapping_phases_show_a_specific_error(client_as, demo):
    client = client_as("coordinator")
    form = _network_form(demo, **{"phases-1-starts_on": "2020-01-01"})
    page = text_of(client.post("/networks/di4c/edit/", form, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Phase 2 (DigiPlace) (from 2020-01-01) overlaps Phase 1 (until 2020-03-02)." in page
    assert 'value="2020-01-01"' in page


def test_phase_ending_before_start_is_reported_on_the_phase(client_as, demo):
    client = client_as("coordinator")
    form = _network_form(demo, **{"phases-0-ends_on": "2019-01-01"})
    page = text_of(client.post("/networks/di4c/edit/", form, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Phase 1, ends_on: A phase cannot end before it starts." in page


def test_second_lead_partner_is_refused_in_the_form(client_as, demo):
    client = client_as("coordinator")
    newcomer = OrganisationFactory(name="Newtown")
    response = client.post(
        "/networks/di4c/partners/add/",
        {"organisation": newcomer.pk, "role": "lead", "joined_on": "2020-01-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "This network already has a lead partner." in text_of(response)
    assert not demo.partnerships.filter(organisation=newcomer).exists()


def test_partner_leaving_before_joining_is_refused(client_as, demo):
    client = client_as("coordinator")
    partnership = demo.partnerships.get(organisation__slug="oulu")
    response = client.post(
        f"/networks/di4c/partners/{partnership.pk}/edit/",
        {"role": "partner", "joined_on": "2019-06-25", "left_on": "2019-01-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "A partner cannot leave before it joins." in text_of(response)


def test_unknown_country_is_refused_in_the_form(client_as, botosani):
    client = client_as("botosani-coordinator")
    response = client.post(
        "/organisations/botosani/edit/",
        {"name": "Botoșani", "kind": "municipality", "country": "XX"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Select a valid choice. XX is not one of the available choices." in text_of(response)


def test_city_coordinator_edits_own_organisation(client_as, botosani):
    client = client_as("botosani-coordinator")
    response = client.post(
        "/organisations/botosani/edit/",
        {
            "name": "Municipality of Botoșani",
            "name_ro": "Primăria Municipiului Botoșani",
            "kind": "municipality",
            "country": "RO",
            "population": "106000",
        },
    )
    assert response.status_code == 302
    botosani.refresh_from_db()
    assert botosani.population == 106000


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _grow_network(network, partners: int) -> None:
    for _index in range(partners):
        PartnershipFactory(network=network, joined_on=dt.date(2019, 6, 25))
    PhaseFactory(
        network=network, number=9, starts_on=dt.date(2030, 1, 1), ends_on=dt.date(2030, 2, 1)
    )


def test_pages_keep_a_constant_number_of_queries(client, db):
    small = NetworkFactory()
    _grow_network(small, 2)
    big = NetworkFactory(programme=small.programme)
    _grow_network(big, 25)
    coordinator = network_coordinator(big)
    MembershipFactory(user=coordinator, role=Role.NETWORK_COORDINATOR, network=small)
    assert _count_queries(client, small.get_absolute_url()) == _count_queries(
        client, big.get_absolute_url()
    )
    few = _count_queries(client, "/organisations/")
    OrganisationFactory.create_batch(30)
    assert _count_queries(client, "/organisations/") == few
    client.force_login(coordinator)
    assert _count_queries(client, f"/networks/{small.slug}/edit/") == _count_queries(
        client, f"/networks/{big.slug}/edit/"
    )


def test_network_history_includes_phases_and_partnerships(client_as, demo):
    client = client_as("coordinator")
    partnership = demo.partnerships.get(organisation__slug="oulu")
    response = client.post(
        f"/networks/di4c/partners/{partnership.pk}/edit/",
        {"role": "partner", "joined_on": "2019-06-25", "left_on": "2022-08-07"},
    )
    assert response.status_code == 302
    page = text_of(client.get("/networks/di4c/history/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "City of Oulu" in page
    assert "Left on</strong>: – → 7 August 2022" in page
    assert "Phase 2 (DigiPlace)" in page
    assert client_as("lead-expert").get("/networks/di4c/history/").status_code == 403


def test_history_page_keeps_a_constant_number_of_queries(client, db):
    network = NetworkFactory()
    coordinator = network_coordinator(network)
    client.force_login(coordinator)
    url = f"/networks/{network.slug}/history/"
    PartnershipFactory(network=network)
    before = _count_queries(client, url)
    _grow_network(network, 10)
    for partnership in network.partnerships.all():
        partnership.note = "changed"
        partnership.save()
    assert _count_queries(client, url) == before
