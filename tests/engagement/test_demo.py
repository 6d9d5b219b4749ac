"""The demo's stakeholder map of Botoșani: loaded once, every sector present, contact details
only with their consent, and one record already erased with nothing personal left."""

import datetime as dt

import pytest

from di4c.engagement.demo import demo_stakeholders_data, load_demo_stakeholders
from di4c.engagement.models import LocalGroupRole, Sector, Stakeholder
from di4c.engagement.selectors import power_interest_matrix

pytestmark = pytest.mark.django_db


def test_loading_twice_creates_the_stakeholders_once(demo, botosani):
    expected = len(demo_stakeholders_data()["stakeholders"])
    assert 12 <= expected <= 20
    assert load_demo_stakeholders() == expected
    rows = list(Stakeholder.objects.order_by("pk").values())
    assert load_demo_stakeholders() == 0
    assert list(Stakeholder.objects.order_by("pk").values()) == rows
    assert Stakeholder.objects.filter(organisation=botosani).count() == expected
    assert Stakeholder.objects.filter(erased_at__isnull=False).count() == 1


def test_the_demo_map_covers_every_sector_and_the_whole_matrix(demo_stakeholders, botosani):
    stakeholders = Stakeholder.objects.filter(organisation=botosani)
    assert set(stakeholders.values_list("sector", flat=True)) == set(Sector.values)
    roles = set(stakeholders.values_list("local_group_role", flat=True))
    assert {value for value in LocalGroupRole.values if value} <= roles
    assert "" in roles  # some are in the ecosystem, not in the group
    assert set(stakeholders.values_list("kind", flat=True)) == {"organisation", "person"}
    assert all(count > 0 for count in power_interest_matrix(botosani).quadrants.values())
    names = set(stakeholders.values_list("name", flat=True))
    assert "Consiliul Județean Botoșani" in names
    assert "Camera de Comerț și Industrie Botoșani" in names
    assert stakeholders.filter(updated_by__email="botosani-editor@demo.di4c.eu").exists()


def test_contact_details_come_with_their_consent(demo_stakeholders, botosani):
    with_contact = [s for s in Stakeholder.objects.filter(organisation=botosani) if s.has_contact]
    assert 4 <= len(with_contact) < Stakeholder.objects.count()
    for stakeholder in with_contact:
        assert dt.date(2019, 1, 1) <= stakeholder.consent_given_on <= dt.date(2020, 12, 31)
        assert stakeholder.consent_purpose == "Invitations to the URBACT local group meetings"
        assert stakeholder.consent_method
        assert stakeholder.email.endswith("@example.org")  # reserved for examples
        stakeholder.full_clean()


def test_the_erased_record_has_no_personal_data(demo_stakeholders, botosani):
    erased = Stakeholder.objects.get(organisation=botosani, erased_at__isnull=False)
    assert erased.name == f"Erased stakeholder no. {erased.pk}"
    assert erased.contact_name == erased.email == erased.phone == erased.description == ""
    assert erased.consent_given_on is None
    assert erased.consent_purpose == erased.consent_method == ""
    assert (erased.kind, erased.sector) == ("person", "citizen")
    assert erased.created_at < erased.erased_at
    [row] = [r for r in demo_stakeholders_data()["stakeholders"] if r.get("erase")]
    values = Stakeholder.objects.filter(pk=erased.pk).values().get().values()
    for secret in (row["name"], row["email"], row["phone"]):
        assert all(secret not in str(value) for value in values)
    assert not Stakeholder.objects.filter(name=row["name"]).exists()


def test_the_full_demo_loads_the_map_once(db):
    from di4c.core.demo import load_demo

    _accounts, created = load_demo("pw-demo-1234", plans=False, meetings=False)
    assert created["stakeholders"] == len(demo_stakeholders_data()["stakeholders"])
    _accounts, created = load_demo("pw-demo-1234", plans=False, meetings=False)
    assert created["stakeholders"] == 0
    _accounts, created = load_demo("pw-demo-1234", plans=False, meetings=False, engagement=False)
    assert created["stakeholders"] == 0
