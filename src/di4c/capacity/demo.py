"""The capacity app's demo (data/demo/demo_capacity.yaml): Botoșani with two closed
self-assessment rounds (2023, then 2025 after a training programme), the trainings in between,
two coming trainings and a round open now; Messina and Oulu with one closed round each.

Everything goes through the capacity services, as the city's editor (Oulu, which has no demo
account of its own, by the platform administrator): departments, roles and targets, rounds,
single-use links and every self-assessment through `self_assessment_submit`, so that the demo's
tallies are exactly what real answers would have made. The answers are generated with a fixed
seed: every load gives the same results.

Dates: a round takes answers only while it is open and today lies between its opening and
closing dates, and a training takes enrolments only before it starts and attendance only after.
So a past round is created open today, answered, closed, and then dated back to when it ran;
a past training is created tomorrow, filled, and then dated back before its attendance is
recorded (as the engagement and meetings demos date theirs back). Demo data only.

Idempotent: departments are found again by name, roles by code, rounds and trainings by title
or topic; what exists is left as it is. Nothing secret is stored: the links' tokens are used
at once and forgotten (only their hashes are kept, all of them used).
"""

import datetime as dt
import math
import random
from importlib import resources

import yaml
from django.db import transaction
from django.utils import timezone

from di4c.capacity import services
from di4c.capacity.frameworks import current_framework
from di4c.capacity.models import (
    LEVEL_MAX,
    LEVEL_MIN,
    Department,
    Round,
    RoundStatus,
    StaffRole,
    Training,
)

DATA_FILE = "data/demo/demo_capacity.yaml"
# What load_demo_capacity counts, in the order the demo's summary prints them.
CAPACITY_COUNTS = ("skills rounds", "self-assessments", "trainings")
# A name the fictional staff never take (the demo accounts' own people).
RESERVED_NAMES = {"Elena Popescu", "Andrei Ionescu", "Maria Rusu", "Ioana Vasile"}


def demo_capacity_data() -> dict:
    text = resources.files("di4c.capacity").joinpath(DATA_FILE).read_text("utf-8")
    return yaml.safe_load(text)


def _aware(day: dt.date, time: str = "10:00") -> dt.datetime:
    hour, minute = (int(part) for part in time.split(":"))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def split(count: int, shares: dict[str, float]) -> dict[str, int]:
    """`count` people shared out by role in the given proportions (largest remainder, ties in
    the data's order), so that a department's mix is the same on every load."""
    total = sum(shares.values())
    exact = {role: count * share / total for role, share in shares.items()}
    counts = {role: math.floor(value) for role, value in exact.items()}
    left = count - sum(counts.values())
    by_remainder = sorted(shares, key=lambda role: -(exact[role] - counts[role]))
    for role in by_remainder[:left]:
        counts[role] += 1
    return counts


def load_demo_capacity(*, plan_action: bool = True) -> dict[str, int]:
    """Create what is missing of the capacity demo; return how many rounds, self-assessments
    and trainings were created. `plan_action`: also turn Botoșani's top training need into an
    action of its demo plan, when that plan is loaded."""
    created = dict.fromkeys(CAPACITY_COUNTS, 0)
    framework = current_framework()
    if framework is None:
        return created
    data = demo_capacity_data()
    with transaction.atomic():
        for city in data["cities"]:
            _load_city(city, data, framework, created)
        if plan_action:
            load_demo_plan_action()
    return created


def _load_city(city: dict, data: dict, framework, created: dict[str, int]) -> None:
    from di4c.accounts.models import User
    from di4c.networks.models import Organisation

    organisation = Organisation.objects.filter(slug=city["organisation"]).first()
    actor = User.objects.filter(email=city["actor"]).first()
    if organisation is None or actor is None:
        return  # the demo network or its accounts are not loaded
    departments = _departments(actor, organisation, city["departments"])
    added = services.roles_from_framework(
        actor=actor, organisation=organisation, framework=framework
    )
    if added:
        # The city adjusts the suggested targets once, when it sets its roles up.
        changes = {role.code: data["target_changes"].get(role.code, {}) for role in added}
        services.targets_save(
            actor=actor, organisation=organisation, framework=framework, targets=changes
        )
    roles = {role.code: role for role in StaffRole.objects.filter(organisation=organisation)}
    existing = set(Round.objects.filter(organisation=organisation).values_list("title", flat=True))
    closed = []
    for index, row in enumerate(city["rounds"]):
        if row["title"] in existing:
            continue
        round_ = _closed_round(actor, organisation, framework, row)
        closed.append((round_, row))
        created["skills rounds"] += 1
        created["self-assessments"] += _answer(
            actor, round_, city, data, departments, roles, index, row
        )
        services.round_close(actor=actor, round_=round_)
    for round_, row in closed:
        Round.objects.filter(pk=round_.pk).update(
            opens_on=row["opens_on"],
            closes_on=row["closes_on"],
            closed_at=_aware(row["closes_on"], "17:00"),
            created_at=_aware(row["opens_on"] - dt.timedelta(days=14)),
        )
    if closed:
        # A plan indicator fed by the rounds (if the city's plan has one) took its values when
        # each round closed, dated today: bring it in line with the dates set back.
        from di4c.plans.services import indicators_sync_for_organisation

        indicators_sync_for_organisation(organisation, capacity=True)
    if city.get("open_round") and city["open_round"]["title"] not in existing:
        created["self-assessments"] += _open_round(
            actor, organisation, framework, city["open_round"], departments, roles
        )
        created["skills rounds"] += 1
    if city.get("trainings"):
        created["trainings"] += _trainings(actor, organisation, framework, city, departments)


def _departments(actor, organisation, rows: list[dict]) -> dict[str, Department]:
    found = {d.name: d for d in Department.objects.filter(organisation=organisation)}
    for row in rows:
        if row["name"] not in found:
            found[row["name"]] = services.department_save(
                actor=actor,
                organisation=organisation,
                data={"name": row["name"], "staff_count": row["staff"]},
            )
    return found


def _closed_round(actor, organisation, framework, row: dict) -> Round:
    """A round open today only (so that it takes answers now); dated back once closed."""
    today = timezone.localdate()
    round_ = services.round_save(
        actor=actor,
        organisation=organisation,
        data={"title": row["title"], "opens_on": today, "closes_on": today, "access": "links"},
        framework=framework,
    )
    Round.objects.filter(pk=round_.pk).update(is_demo=True)
    return services.round_open(actor=actor, round_=round_)


def _answer(actor, round_, city, data, departments, roles, index, row) -> int:
    """Every respondent of the round, each through a single-use link of their department."""
    rng = random.Random(f"demo-capacity-{city['organisation']}-{index}")
    competences = services.round_competences(round_)
    profiles = data["role_profiles"]
    uplift, drift = row.get("uplift") or {}, row.get("drift", 0.0)
    submitted = 0
    for department_row in city["departments"]:
        count = department_row["respondents"][index]
        if not count:
            continue
        department = departments[department_row["name"]]
        tokens = services.links_create(
            actor=actor, round_=round_, department=department, count=count
        )
        people = [
            role_code
            for role_code, number in split(count, department_row["roles"]).items()
            for _person in range(number)
        ]
        boost = department_row.get("boost") or {}
        shift = city.get("shift", 0.0) + department_row.get("shift", 0.0)
        for token, role_code in zip(tokens, people, strict=True):
            profile = profiles[role_code]
            levels = {}
            for competence in competences:
                code = competence.code
                mean = (
                    profile["base"]
                    + profile["adjust"].get(code, 0.0)
                    + shift
                    + boost.get(code, 0.0)
                    + uplift.get(code, drift)
                )
                level = math.floor(rng.gauss(mean, data["spread"]) + 0.5)
                levels[code] = min(LEVEL_MAX, max(LEVEL_MIN, level))
            services.self_assessment_submit(
                round_=round_, role=roles[role_code], levels=levels, token=token
            )
            submitted += 1
    return submitted


def _open_round(actor, organisation, framework, row, departments, roles) -> int:
    """The round open now, answered by signing in; returns how many have answered it."""
    from di4c.accounts.models import User

    today = timezone.localdate()
    round_ = services.round_save(
        actor=actor,
        organisation=organisation,
        data={
            "title": row["title"],
            "opens_on": today - dt.timedelta(days=row["opens_days_ago"]),
            "closes_on": today + dt.timedelta(days=row["closes_in_days"]),
            "access": "accounts",
        },
        framework=framework,
        areas=list(framework.areas.filter(code__in=row["areas"])),
    )
    Round.objects.filter(pk=round_.pk).update(
        is_demo=True, created_at=_aware(today - dt.timedelta(days=row["opens_days_ago"] + 7))
    )
    round_ = services.round_open(actor=actor, round_=round_)
    answer = row.get("answered_by")
    person = User.objects.filter(email=answer["email"]).first() if answer else None
    if person is not None:
        codes = [competence.code for competence in services.round_competences(round_)]
        services.self_assessment_submit(
            round_=round_,
            role=roles[answer["role"]],
            levels=dict.fromkeys(codes, answer["level"]),
            user=person,
            department=departments[answer["department"]],
        )
        return 1
    return 0


def _staff_pool(city: dict, rng: random.Random) -> list[tuple[str, str, str]]:
    """Fictional staff (name, department, role) who enrol in the trainings: about half of
    each department, at most twenty."""
    pool, taken = [], set(RESERVED_NAMES)
    for row in city["departments"]:
        size = min(20, max(2, row["staff"] // 2))
        for role_code, number in split(size, row["roles"]).items():
            for _person in range(number):
                name = None
                while name is None or name in taken:
                    name = f"{rng.choice(city['first_names'])} {rng.choice(city['last_names'])}"
                taken.add(name)
                pool.append((name, row["name"], role_code))
    return pool


def _trainings(actor, organisation, framework, city, departments) -> int:
    existing = set(
        Training.objects.filter(organisation=organisation).values_list("topic", flat=True)
    )
    rng = random.Random(f"demo-capacity-trainings-{city['organisation']}")
    pool = _staff_pool(city, rng)
    competences = {c.code: c for c in framework.competences.all()}
    now = timezone.now()
    created = 0
    for row in city["trainings"]:
        # Drawn for every row, created or not, so that each training gets the same people.
        candidates = [
            person
            for person in pool
            if person[1] in row.get("departments", departments)
            and person[2] in row.get("roles", (person[2],))
        ]
        people = rng.sample(candidates, min(row["enrolled"], len(candidates)))
        if row["topic"] in existing:
            continue
        past = "held_on" in row
        starts_at = (
            _aware(row["held_on"], row["at"])
            if past
            else _aware(timezone.localdate() + dt.timedelta(days=row["in_days"]), row["at"])
        )
        training = services.training_save(
            actor=actor,
            organisation=organisation,
            data={
                "topic": row["topic"],
                "description": " ".join(row["description"].split()),
                "trainer": row["trainer"],
                # A past training takes its enrolments first, as it did before it started.
                "starts_at": now + dt.timedelta(days=1) if past else starts_at,
                "duration_hours": row["hours"],
                "place": row.get("place", ""),
                "is_online": row.get("online", False),
                "online_url": row.get("online_url", ""),
                "capacity": row["capacity"],
            },
            competences=[competences[code] for code in row["competences"]],
        )
        enrolments = [
            services.enrol_person(
                actor=actor,
                training=training,
                full_name=name,
                department=departments[department_name],
            )
            for name, department_name, _role in people
        ]
        announced = starts_at - dt.timedelta(days=30) if past else now - dt.timedelta(days=9)
        Training.objects.filter(pk=training.pk).update(
            starts_at=starts_at, created_at=announced, is_demo=True
        )
        for enrolment in enrolments:
            enrolled_at = announced + dt.timedelta(hours=rng.randint(2, 24 * 8))
            type(enrolment).objects.filter(pk=enrolment.pk).update(
                enrolled_at=min(enrolled_at, now)
            )
        if past:
            training.starts_at = starts_at
            attended = rng.sample(enrolments, min(row["attended"], len(enrolments)))
            services.attendance_record(
                actor=actor, training=training, attended=[e.pk for e in attended]
            )
        created += 1
    return created


def load_demo_plan_action() -> bool:
    """The closed loop in the demo: the top training need of Botoșani's first round becomes an
    action of its demo plan (under the plan's staff-skills objective, whose indicator the rounds
    feed). Skipped without the plan, or when the plan already has an action from a need."""
    from di4c.accounts.models import User
    from di4c.capacity.selectors import round_results, training_needs
    from di4c.plans.models import Action, Plan
    from di4c.plans.services import action_from_training_need

    data = demo_capacity_data()
    city = data["cities"][0]
    plan = (
        Plan.objects.filter(organisation__slug=city["organisation"], is_demo=True)
        .order_by("pk")
        .first()
    )
    actor = User.objects.filter(email=city["actor"]).first()
    if plan is None or actor is None:
        return False
    if Action.objects.filter(plan=plan, source_competence__isnull=False).exists():
        return False
    round_ = Round.objects.filter(
        organisation=plan.organisation,
        title=city["rounds"][0]["title"],
        status=RoundStatus.CLOSED,
    ).first()
    if round_ is None:
        return False
    needs = training_needs(round_results(round_))
    if not needs:
        return False
    action_from_training_need(actor=actor, plan=plan, need=needs[0], round_=round_)
    return True
