"""The demo loader: the DI4C network exactly as the seed documents describe it."""

import datetime as dt
from decimal import Decimal

import pytest

from di4c.accounts.models import Membership, Role, User
from di4c.core.demo import load_demo
from di4c.networks.models import Network, Organisation, Partnership, Phase, Programme
from tests.conftest import DI4C_CURRENT_PARTNERS

pytestmark = pytest.mark.django_db


def _counts():
    return [
        model.objects.count()
        for model in (Programme, Network, Phase, Organisation, Partnership, User, Membership)
    ]


def test_loading_twice_creates_nothing_twice(db):
    load_demo("pw-one-1234")
    first = _counts()
    history = Network.history.count()
    _accounts, created = load_demo("pw-one-1234")
    assert _counts() == first
    assert set(created.values()) == {0}
    assert Network.history.count() == history


def test_demo_matches_the_seeds(demo):
    assert demo.programme.name == "URBACT III"
    assert demo.acronym == "DI4C"
    assert demo.name_i18n["ro"] == "Inovații Digitale pentru Orașe"
    assert demo.budget_eur == Decimal("146993")
    phases = list(demo.phases.order_by("number").values_list("starts_on", "ends_on", "name"))
    assert phases == [
        (dt.date(2019, 9, 2), dt.date(2020, 3, 2), ""),
        (dt.date(2020, 5, 7), dt.date(2022, 8, 7), "DigiPlace"),
    ]
    lead = demo.partnerships.get(role="lead")
    assert lead.organisation.slug == "messina"
    current = set(
        demo.partnerships.filter(left_on__isnull=True).values_list("organisation__slug", flat=True)
    )
    assert current == DI4C_CURRENT_PARTNERS
    limerick = demo.partnerships.get(organisation__slug="limerick")
    assert (
        limerick.left_on
        < dt.date(2019, 9, 2)
        <= demo.partnerships.get(organisation__slug="trikala").joined_on
    )
    e_trikala = Organisation.objects.get(slug="e-trikala")
    assert e_trikala.parent.slug == "trikala"
    assert Organisation.objects.get(slug="ventspils-digital-centre").kind == (
        "digital_innovation_centre"
    )
    assert Organisation.objects.get(slug="limerick").kind == "county_council"
    assert {o.country.code for o in Organisation.objects.all()} == {
        "IT",
        "ES",
        "FI",
        "FR",
        "LV",
        "PT",
        "RO",
        "GR",
        "IE",
    }


def test_demo_has_one_account_per_role(demo):
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {role.value for role in Role}
    assert User.objects.filter(is_superuser=True).count() == 1
    assert User.objects.filter(memberships__isnull=True, is_superuser=False).exists()


def test_seed_scale_adds_load_data_once(db):
    from di4c.core.scale import seed_scale

    totals = seed_scale(networks=3, organisations=20, users=15)
    assert totals == {
        "networks": 3,
        "organisations": 20,
        "partnerships": Partnership.objects.count(),
        "users": 15,
    }
    assert 21 <= totals["partnerships"] <= 30
    assert Partnership.objects.filter(role="lead").count() == 3
    assert seed_scale(networks=3, organisations=20, users=15) == totals
