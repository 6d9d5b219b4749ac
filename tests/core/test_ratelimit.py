"""The posting limits: counted in the database per account and per address, within a window,
refused attempts not counted, addresses never stored in clear; and the honeypot field."""

import datetime as dt

import pytest
from django import forms
from django.test import RequestFactory
from django.utils import timezone

from di4c.accounts.models import User
from di4c.core.forms import HoneypotMixin
from di4c.core.models import RateEvent
from di4c.core.ratelimit import RateLimited, check_and_record, client_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.DI4C_RATE_LIMITS = {"post": (2, 3)}


def test_the_account_limit_holds_across_addresses(limits):
    user = User.objects.create_user("a@example.org", "x", full_name="A")
    check_and_record("post", user=user, address="10.0.0.1")
    check_and_record("post", user=user, address="10.0.0.2")
    with pytest.raises(RateLimited, match="at most 2 in 60 minutes"):
        check_and_record("post", user=user, address="10.0.0.3")


def test_the_address_limit_holds_across_accounts_and_refusals_are_not_counted(limits):
    for _ in range(3):
        check_and_record("post", user=None, address="10.0.0.1")
    for _ in range(3):
        with pytest.raises(RateLimited):
            check_and_record("post", address="10.0.0.1")
    assert RateEvent.objects.filter(kind="post").count() == 3
    check_and_record("post", address="10.0.0.2")
    assert not RateEvent.objects.filter(key__contains="10.0.0").exists()


def test_the_window_slides(limits):
    for _ in range(3):
        check_and_record("post", address="10.0.0.1")
    RateEvent.objects.update(at=timezone.now() - dt.timedelta(minutes=61))
    check_and_record("post", address="10.0.0.1")
    # The sweep removes what no window can count any more, and nothing else.
    RateEvent.objects.update(at=timezone.now() - dt.timedelta(hours=3))
    check_and_record("post", address="10.0.0.1")
    assert RateEvent.objects.count() == 1


def test_an_unconfigured_kind_is_not_limited(limits):
    for _ in range(10):
        check_and_record("other", address="10.0.0.1")
    assert not RateEvent.objects.exists()


def test_forwarded_addresses_are_trusted_only_behind_a_configured_proxy(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8"
    )
    settings.AXES_IPWARE_PROXY_COUNT = None
    assert client_address(request) == "10.9.9.9"
    settings.AXES_IPWARE_PROXY_COUNT = 1
    assert client_address(request) == "5.6.7.8"


class _Form(HoneypotMixin, forms.Form):
    name = forms.CharField()


def test_the_honeypot_refuses_a_filled_trap_and_keeps_the_rest():
    assert _Form(data={"name": "Ana", "website": ""}).is_valid()
    form = _Form(data={"name": "Ana", "website": "http://spam.example"})
    assert not form.is_valid()
    assert "Leave the last field empty" in str(form.non_field_errors())
    assert form["name"].value() == "Ana"
