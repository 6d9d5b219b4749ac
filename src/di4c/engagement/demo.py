"""The demo's stakeholder map of Botoșani (data/demo_botosani_stakeholders.yaml): the URBACT
local group and the wider ecosystem, across every sector, with contact details (and their
consent) for some and one record already erased, so that erasure is visible. Illustrative data:
the people are fictional and so are their contact details.

Written through the engagement services as Botoșani's city editor, then dated back to when the
records were put in the map. Idempotent: a record is found again by city and name, and the
erased record is skipped once the city has any erased record.
"""

import datetime as dt
from importlib import resources

import yaml
from django.db import transaction
from django.utils import timezone

from di4c.engagement import services
from di4c.engagement.models import Stakeholder

DATA_FILE = "data/demo_botosani_stakeholders.yaml"


def demo_stakeholders_data() -> dict:
    text = resources.files("di4c.engagement").joinpath(DATA_FILE).read_text("utf-8")
    return yaml.safe_load(text)


def _when(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _data(row: dict, purpose: str) -> dict:
    data = {
        name: row[name]
        for name in services.STAKEHOLDER_FIELDS
        if name in row and not name.startswith("consent_")
    }
    consent = row.get("consent")
    if consent:
        data["consent_given_on"] = consent["given_on"]
        data["consent_purpose"] = consent.get("purpose", purpose)
        data["consent_method"] = consent["method"]
    return data


@transaction.atomic
def load_demo_stakeholders() -> int:
    """Create the demo stakeholders that are missing; return how many were created."""
    from di4c.accounts.models import User
    from di4c.networks.models import Organisation

    data = demo_stakeholders_data()
    organisation = Organisation.objects.filter(slug=data["organisation"]).first()
    author = User.objects.filter(email=data["author"]).first()
    if organisation is None or author is None:
        return 0  # the demo network or accounts are not loaded
    existing = set(
        Stakeholder.objects.filter(organisation=organisation, erased_at__isnull=True).values_list(
            "name", flat=True
        )
    )
    any_erased = Stakeholder.objects.filter(
        organisation=organisation, erased_at__isnull=False
    ).exists()
    created = 0
    for row in data["stakeholders"]:
        if any_erased if row.get("erase") else row["name"] in existing:
            continue
        stakeholder = services.stakeholder_create(
            actor=author, organisation=organisation, data=_data(row, data["consent_purpose"])
        )
        added = _when(row["added"]) if row.get("added") else stakeholder.created_at
        dates = {"created_at": added, "updated_at": added}
        if row.get("erase"):
            services.stakeholder_erase(actor=author, stakeholder=stakeholder)
            erased = _when(row["erased_on"]) if row.get("erased_on") else timezone.now()
            dates = {"created_at": added, "updated_at": erased, "erased_at": erased}
        Stakeholder.objects.filter(pk=stakeholder.pk).update(**dates)
        created += 1
    return created
