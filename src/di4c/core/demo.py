"""The demo: the DI4C network from the seed documents and one account per role.

Idempotent: records are found by slug or e-mail and created only when missing, so loading
twice creates nothing twice and keeps what users changed in between.
"""

import os
import secrets
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

import yaml
from django.conf import settings
from django.db import transaction

from di4c.accounts.models import Membership, User
from di4c.networks.models import Network, Organisation, Partnership, Phase, Programme


@dataclass
class DemoAccount:
    email: str
    full_name: str
    role: str
    scope: str


def demo_data() -> dict:
    text = resources.files("di4c.networks").joinpath("data/demo_di4c.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def demo_password() -> str:
    """DI4C_DEMO_PASSWORD, or one generated once and kept under the data folder."""
    password = os.environ.get("DI4C_DEMO_PASSWORD")
    if password:
        return password
    stored = settings.DATA_DIR / "demo_password"
    if not stored.exists():
        stored.write_text(secrets.token_urlsafe(12))
        stored.chmod(0o600)
    return stored.read_text().strip()


def _get_or_create(model, lookup: dict, defaults: dict, author=None):
    instance = model.objects.filter(**lookup).first()
    if instance is not None:
        return instance, False
    instance = model(**lookup, **defaults)
    instance.full_clean()
    if author is not None:
        instance._history_user = author
    instance.save()
    return instance, True


@transaction.atomic
def load_demo(password: str | None = None) -> tuple[list[DemoAccount], dict[str, int]]:
    data = demo_data()
    password = password or demo_password()
    created = {"programmes": 0, "networks": 0, "organisations": 0, "partnerships": 0, "users": 0}

    users: dict[str, User] = {}
    for row in data["accounts"]:
        user = User.objects.filter(email=row["email"]).first()
        if user is None:
            user = User(
                email=row["email"],
                full_name=row["full_name"],
                language=row.get("language", "en"),
                is_superuser=row.get("superuser", False),
                is_staff=row.get("superuser", False),
            )
            created["users"] += 1
        # The password is (re)set on every load so that the printed one always works.
        user.set_password(password)
        user.save()
        users[row["email"]] = user
    coordinator = users["coordinator@demo.di4c.eu"]

    programme_row = dict(data["programme"])
    programme, new = _get_or_create(
        Programme, {"slug": programme_row.pop("slug")}, programme_row, author=coordinator
    )
    created["programmes"] += new

    network_row = dict(data["network"])
    phases = network_row.pop("phases")
    network, new = _get_or_create(
        Network,
        {"slug": network_row.pop("slug")},
        {**network_row, "programme": programme},
        author=coordinator,
    )
    created["networks"] += new
    for phase_row in phases:
        phase_row = dict(phase_row)
        _get_or_create(
            Phase, {"network": network, "number": phase_row.pop("number")}, phase_row, coordinator
        )

    organisations: dict[str, Organisation] = {}
    city_coordinators = {
        row["organisation"]: users[row["email"]]
        for row in data["accounts"]
        if row.get("role") == "city_coordinator"
    }
    for row in data["organisations"]:
        row = dict(row)
        slug = row.pop("slug")
        parent_slug = row.pop("parent", None)
        for coordinate in ("latitude", "longitude"):
            if row.get(coordinate) is not None:
                row[coordinate] = Decimal(str(row[coordinate]))
        if parent_slug:
            row["parent"] = organisations[parent_slug]
        author = city_coordinators.get(slug, coordinator)
        organisation, new = _get_or_create(Organisation, {"slug": slug}, row, author=author)
        organisations[slug] = organisation
        created["organisations"] += new

    for row in data["partnerships"]:
        row = dict(row)
        organisation = organisations[row.pop("organisation")]
        _partnership, new = _get_or_create(
            Partnership, {"network": network, "organisation": organisation}, row, coordinator
        )
        created["partnerships"] += new

    accounts = []
    for row in data["accounts"]:
        user = users[row["email"]]
        role = row.get("role")
        if role:
            scope = network if row.get("network") else organisations[row["organisation"]]
            Membership.objects.get_or_create(
                user=user,
                role=role,
                network=scope if row.get("network") else None,
                organisation=scope if row.get("organisation") else None,
                defaults={"expert_kind": row.get("expert_kind", "")},
            )
            label = dict(Membership._meta.get_field("role").choices)[role]
            accounts.append(DemoAccount(user.email, user.full_name, str(label), str(scope)))
        elif row.get("superuser"):
            accounts.append(DemoAccount(user.email, user.full_name, "Platform admin", "instance"))
        else:
            accounts.append(
                DemoAccount(user.email, user.full_name, "Registered citizen", "instance")
            )
    return accounts, created
