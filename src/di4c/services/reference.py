"""The reference list of municipal services (a versioned YAML file) and its loader."""

from importlib import resources

import yaml
from django.db import transaction

from di4c.services.models import LifeEvent, ReferenceService

REFERENCE_FILE = "data/reference-services-v1.yaml"


def reference_data() -> dict:
    text = resources.files("di4c.services").joinpath(REFERENCE_FILE).read_text("utf-8")
    return yaml.safe_load(text)


@transaction.atomic
def load_reference() -> int:
    """Create the life events and reference services that are missing (idempotent)."""
    data = reference_data()
    events = {}
    for position, row in enumerate(data["life_events"]):
        event, _created = LifeEvent.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_i18n": row.get("name_i18n", {}),
                "position": position,
            },
        )
        events[row["code"]] = event
    existing = set(ReferenceService.objects.values_list("code", flat=True))
    new = [
        ReferenceService(
            code=row["code"],
            life_event=events[row["life_event"]],
            is_key=bool(row.get("key")),
            name=row["name"],
            name_i18n=row.get("name_i18n", {}),
            description=row.get("description", ""),
            description_i18n=row.get("description_i18n", {}),
            list_version=data.get("version", 1),
        )
        for row in data["services"]
        if row["code"] not in existing
    ]
    ReferenceService.objects.bulk_create(new)
    return len(new)
