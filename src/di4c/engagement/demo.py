"""The demo's engagement in Botoșani, in two parts.

The stakeholder map (data/demo_botosani_stakeholders.yaml): the URBACT local group and the
wider ecosystem, across every sector, with contact details (and their consent) for some and one
record already erased, so that erasure is visible. Illustrative data: the people are fictional
and so are their contact details. Written through the engagement services as Botoșani's city
editor, then dated back to when the records were put in the map. Idempotent: a record is found
again by city and name, and the erased record is skipped once the city has any erased record.

Citizens' participation (data/demo_botosani_participation.yaml, `load_demo_participation`): a
closed consultation with a few hundred responses and public results, an open one, ideas in every
status and ratings of three services, in Romanian, by demo citizens. It needs Botoșani's demo
plan (consultations and ideas are tied to its objectives and actions) and is skipped without it.
"""

import datetime as dt
from importlib import resources

import yaml
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from di4c.engagement import services
from di4c.engagement.models import Stakeholder

DATA_FILE = "data/demo_botosani_stakeholders.yaml"
PARTICIPATION_FILE = "data/demo_botosani_participation.yaml"
DEMO_DOMAIN = "@demo.di4c.eu"
# What load_demo_participation counts, in the order the demo's summary prints them.
PARTICIPATION_COUNTS = ("consultations", "responses", "ideas", "service ratings")


def _read(name: str) -> dict:
    return yaml.safe_load(resources.files("di4c.engagement").joinpath(name).read_text("utf-8"))


def demo_stakeholders_data() -> dict:
    return _read(DATA_FILE)


def demo_participation_data() -> dict:
    return _read(PARTICIPATION_FILE)


def demo_citizen_email(number: int) -> str:
    return f"cetatean{number:02d}{DEMO_DOMAIN}"


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


def load_demo_participation(*, password_hash: str | None = None) -> dict[str, int]:
    """Create the demo's consultations, ideas and service ratings of Botoșani that are missing,
    and the demo citizens who take part; return how many of each were created ("users" too).

    The demo citizens get the password of the other demo accounts: `password_hash` is its hash
    (hashing it once per account would cost a third of a second each), by default the one of
    citizen@demo.di4c.eu. The rate limits on posting do not apply to the demo's own writes.
    """
    created = dict.fromkeys(("users", *PARTICIPATION_COUNTS), 0)
    with override_settings(DI4C_RATE_LIMITS={}), transaction.atomic():
        _load_participation(created, password_hash)
    return created


def _load_participation(created: dict[str, int], password_hash: str | None) -> None:
    from di4c.accounts.models import User
    from di4c.engagement.demo_consultations import load_consultation
    from di4c.engagement.demo_ideas import load_idea, load_ratings
    from di4c.networks.models import Organisation
    from di4c.plans.models import Plan
    from di4c.services import services as catalogue
    from di4c.services.models import IndexPublication

    data = demo_participation_data()
    organisation = Organisation.objects.filter(slug=data["organisation"]).first()
    editor = User.objects.filter(email=data["editor"]).first()
    citizen = User.objects.filter(email=f"citizen{DEMO_DOMAIN}").first()
    plan = (
        Plan.objects.filter(organisation=organisation, is_demo=True).order_by("pk").first()
        if organisation
        else None
    )
    if organisation is None or editor is None or citizen is None or plan is None:
        return  # the demo accounts or Botoșani's plan are not loaded

    citizens = _demo_citizens(data["citizens"], password_hash or citizen.password, created)
    people = {user.email.removesuffix(DEMO_DOMAIN): user for user in citizens}
    people.update(citizen=citizen, **{data["editor"].removesuffix(DEMO_DOMAIN): editor})

    for row in data["consultations"]:
        consultation = load_consultation(
            row, editor=editor, organisation=organisation, plan=plan, respondents=citizens
        )
        if consultation is not None:
            created["consultations"] += 1
            created["responses"] += consultation.responses.count()
    for row in data["ideas"]:
        idea = load_idea(
            row,
            people=people,
            editor=editor,
            organisation=organisation,
            plan=plan,
            supporters=citizens,
        )
        created["ideas"] += idea is not None

    # Service ratings are taken once a city publishes its services index. Botoșani, which
    # publishes its plan, publishes its index too, unless someone has decided otherwise since.
    if not IndexPublication.objects.filter(organisation=organisation).exists():
        coordinator = User.objects.filter(email=data["coordinator"]).first()
        if coordinator is not None:
            catalogue.index_publish(actor=coordinator, organisation=organisation, public=True)
            organisation.refresh_from_db()
    for row in data["ratings"]:
        created["service ratings"] += load_ratings(
            row, citizens=citizens, editor=editor, organisation=organisation
        )


def _demo_citizens(names: list[str], password_hash: str, created: dict[str, int]) -> list:
    """The demo citizens, cetatean01@... in the order of the data file; the missing ones are
    created, and all get the demo password again (so that it always works)."""
    from di4c.accounts.models import User

    emails = [demo_citizen_email(number) for number in range(1, len(names) + 1)]
    existing = {user.email: user for user in User.objects.filter(email__in=emails)}
    citizens = []
    for email, full_name in zip(emails, names, strict=True):
        user = existing.get(email)
        if user is None:
            user = User(email=email, full_name=full_name, language="ro", password=password_hash)
            user.save()
            created["users"] += 1
        citizens.append(user)
    User.objects.filter(email__in=emails).update(password=password_hash)
    return citizens
