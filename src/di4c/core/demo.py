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
from django.test.utils import override_settings

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


def load_demo(
    password: str | None = None,
    *,
    plans: bool = True,
    meetings: bool = True,
    engagement: bool = True,
    capacity: bool = True,
    portal: bool = True,
) -> tuple[list[DemoAccount], dict[str, int]]:
    """`plans=False` / `meetings=False` / `engagement=False` / `capacity=False` /
    `portal=False` leave out the action plans / the meetings / the stakeholder map and citizens'
    participation / the staff skills rounds and trainings / the public portal's news, practices
    and pages (tests that do not need them run faster); participation is tied to Botoșani's
    plan, so it is left out with the plans too."""
    # Services mail people after the commit (the city's answer to an idea, a hidden idea): the
    # demo's fictional people get nothing, whatever mail server is configured.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _load_demo(
            password,
            plans=plans,
            meetings=meetings,
            engagement=engagement,
            capacity=capacity,
            portal=portal,
        )


@transaction.atomic
def _load_demo(
    password: str | None,
    *,
    plans: bool,
    meetings: bool,
    engagement: bool,
    capacity: bool,
    portal: bool,
) -> tuple[list[DemoAccount], dict[str, int]]:
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

    created["assessments"] = load_demo_assessments(users["lead-expert@demo.di4c.eu"])
    created["services"] = load_demo_services()
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
    # Plans last: they are written through the services, which check the roles given above.
    from di4c.plans.demo import load_demo_plans

    created["plans"] = load_demo_plans() if plans else 0
    from di4c.meetings.demo import load_demo_meetings

    created["meetings"] = load_demo_meetings() if meetings else 0
    from di4c.engagement.demo import (
        PARTICIPATION_COUNTS,
        load_demo_participation,
        load_demo_stakeholders,
    )

    created["stakeholders"] = load_demo_stakeholders() if engagement else 0
    participation = (
        load_demo_participation(password_hash=users["citizen@demo.di4c.eu"].password)
        if engagement and plans
        else {}
    )
    created["users"] += participation.get("users", 0)
    created.update({name: participation.get(name, 0) for name in PARTICIPATION_COUNTS})
    # Capacity last: with the plans, Botoșani's top training need becomes an action of its plan.
    from di4c.capacity.demo import CAPACITY_COUNTS, load_demo_capacity

    skills = load_demo_capacity(plan_action=plans) if capacity else {}
    created.update({name: skills.get(name, 0) for name in CAPACITY_COUNTS})
    # The portal last: its news link to meetings and plans, its practices inspire plan actions.
    from di4c.portal.demo import PORTAL_COUNTS, load_demo_portal

    published = load_demo_portal() if portal else {}
    created.update({name: published.get(name, 0) for name in PORTAL_COUNTS})
    if portal:
        # Some loaders above write in bulk or move dates back with queryset updates, which the
        # search index's signals do not see: rebuild it so that it holds everything.
        from di4c.portal.search.index import reindex_all

        reindex_all()
    return accounts, created


# City profiles for the demo assessments: a base level per dimension code, from the partners'
# own reports in the seeds (Oulu's 5G and user feedback, Trikala's driverless bus, Messina's
# control room) and plausible spread elsewhere. Clearly marked as demo data.
DEMO_PROFILES = {
    "oulu": {"SG": 3, "PS": 3, "DI": 3, "IC": 4, "SK": 3, "CE": 3, "IE": 4, "CS": 3},
    "messina": {"SG": 2, "PS": 2, "DI": 3, "IC": 3, "SK": 2, "CE": 2, "IE": 2, "CS": 2},
    "trikala": {"SG": 3, "PS": 3, "DI": 2, "IC": 3, "SK": 2, "CE": 2, "IE": 3, "CS": 2},
    "roquetas-de-mar": {"SG": 2, "PS": 2, "DI": 1, "IC": 2, "SK": 2, "CE": 2, "IE": 1, "CS": 2},
    "saint-quentin": {"SG": 2, "PS": 3, "DI": 2, "IC": 2, "SK": 2, "CE": 3, "IE": 2, "CS": 2},
    "ventspils-digital-centre": {
        "SG": 2,
        "PS": 2,
        "DI": 2,
        "IC": 3,
        "SK": 3,
        "CE": 2,
        "IE": 3,
        "CS": 2,
    },
    "portalegre": {"SG": 1, "PS": 1, "DI": 1, "IC": 2, "SK": 1, "CE": 2, "IE": 1, "CS": 1},
    "botosani": {"SG": 1, "PS": 2, "DI": 1, "IC": 2, "SK": 1, "CE": 1, "IE": 1, "CS": 1},
}
# Cities with a first round in phase 1 and a second one at the end of phase 2.
TWO_ROUNDS = {"botosani", "messina", "oulu", "portalegre"}


def load_demo_assessments(validator) -> int:
    """Validated assessments for every current DI4C partner (idempotent)."""
    import datetime as dt
    import random

    from django.utils import timezone

    from di4c.maturity.frameworks import load_builtin
    from di4c.maturity.models import Answer, Assessment, DimensionScore, Framework
    from di4c.maturity.services import compute_scores

    load_builtin()
    framework = Framework.objects.filter(code="di4c-city").order_by("-version").first()
    website = Framework.objects.filter(code="city-website").order_by("-version").first()
    if framework is None:
        return 0
    created = 0
    indicators = list(framework.indicators.select_related("dimension"))
    for slug, profile in DEMO_PROFILES.items():
        organisation = Organisation.objects.filter(slug=slug).first()
        if (
            organisation is None
            or Assessment.objects.filter(organisation=organisation, is_demo=True).exists()
        ):
            continue
        rng = random.Random(slug)
        rounds = [(dt.date(2022, 6, 20), 0)]
        if slug in TWO_ROUNDS:
            rounds.insert(0, (dt.date(2020, 2, 20), -1))
        for day, shift in rounds:
            when = timezone.make_aware(dt.datetime.combine(day, dt.time(11, 0)))
            assessment = _demo_assessment(organisation, framework, when, validator)
            answers = []
            for indicator in indicators:
                base = profile.get(indicator.dimension.code, 2) + shift
                level = max(0, min(4, base + rng.choice([-1, 0, 0, 0, 1])))
                answers.append(
                    Answer(
                        assessment=assessment,
                        indicator=indicator,
                        level=level,
                        evidence=(
                            f"Demo data. {organisation.display_name}: "
                            f"{indicator.level_descriptors[level]}"
                        ),
                        answered_by=validator,
                    )
                )
            Answer.objects.bulk_create(answers)
            _score(assessment, compute_scores, DimensionScore)
            created += 1
        if website is not None:
            when = timezone.make_aware(dt.datetime(2022, 6, 21, 11, 0))
            checklist = _demo_assessment(organisation, website, when, validator)
            strength = sum(profile.values()) / (4 * len(profile))
            Answer.objects.bulk_create(
                [
                    Answer(
                        assessment=checklist,
                        indicator=indicator,
                        level=1 if rng.random() < 0.3 + 0.6 * strength else 0,
                        evidence="Demo data.",
                        answered_by=validator,
                    )
                    for indicator in website.indicators.all()
                ]
            )
            _score(checklist, compute_scores, DimensionScore)
            created += 1
    return created


def _demo_assessment(organisation, framework, validated_at, validator):
    import datetime as dt

    from di4c.maturity.models import Assessment, Status

    return Assessment.objects.create(
        organisation=organisation,
        framework=framework,
        status=Status.VALIDATED,
        title="Demo data",
        started_at=validated_at - dt.timedelta(days=21),
        submitted_at=validated_at - dt.timedelta(days=7),
        validated_at=validated_at,
        validated_by=validator,
        is_demo=True,
    )


def _score(assessment, compute_scores, DimensionScore) -> None:  # noqa: N803
    overall, dimension_scores = compute_scores(assessment)
    DimensionScore.objects.bulk_create(
        [
            DimensionScore(assessment=assessment, dimension_id=pk, score=value)
            for pk, value in dimension_scores.items()
        ]
    )
    assessment.overall_score = overall
    assessment.save(update_fields=["overall_score"])


# How far each partner has digitalised its services (the typical level, 0-4) in 2019; the
# demo raises it over the years and lets uptake follow. Clearly marked as demo data.
DEMO_SERVICE_PROFILES = {
    "oulu": 3,
    "trikala": 3,
    "messina": 2,
    "saint-quentin": 2,
    "ventspils-digital-centre": 2,
    "roquetas-de-mar": 2,
    "portalegre": 1,
    "botosani": 1,
}
DEMO_YEARS = (2019, 2020, 2021, 2022)


def load_demo_services() -> int:
    """A catalogue with four years of figures for every current DI4C partner (idempotent)."""
    import random

    from di4c.services.models import LEVEL_CRITERIA, PublicService, ReferenceService, ServiceYear
    from di4c.services.reference import load_reference

    load_reference()
    references = list(ReferenceService.objects.order_by("code"))
    created = 0
    for slug, base in DEMO_SERVICE_PROFILES.items():
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None or organisation.public_services.exists():
            continue
        rng = random.Random(f"services-{slug}")
        services, years = [], []
        for reference in references:
            start = max(0, min(4, base + rng.choice([-2, -1, 0, 0, 1])))
            levels = []
            for index, _year in enumerate(DEMO_YEARS):
                step = 1 if rng.random() < 0.35 else 0
                levels.append(min(4, (levels[-1] if levels else start) + (step if index else 0)))
            final = levels[-1]
            service = PublicService.from_reference(organisation, reference)
            service.department = "Demo data"
            service.e_payment = service.e_signature = final >= 4
            service.eid = final >= 3
            service.mobile_friendly = final >= 2 and rng.random() < 0.7
            for position, name in enumerate(LEVEL_CRITERIA):
                setattr(service, name, final > position)
            service.level = final
            services.append(service)
            volume = rng.choice([300, 800, 1500, 4000, 12000])
            for year, level in zip(DEMO_YEARS, levels, strict=True):
                total = int(volume * rng.uniform(0.85, 1.15))
                share = {0: 0, 1: 0, 2: 0.05, 3: 0.35, 4: 0.6}[level] + rng.uniform(0, 0.15)
                years.append((service, year, level, total, int(total * min(share, 0.95))))
        PublicService.objects.bulk_create(services)
        ServiceYear.objects.bulk_create(
            [
                ServiceYear(
                    service=service,
                    year=year,
                    level=level,
                    total_requests=total,
                    online_requests=online,
                )
                for service, year, level, total, online in years
            ]
        )
        created += len(services)
    return created
