"""The capacity demo: Botoșani's two closed rounds around a training programme (and a round
open now), Messina's and Oulu's one round each; answered through the real submission service,
the same on every load, and never showing a group of fewer than five people."""

import datetime as dt

import pytest
from django.utils import timezone

from di4c.capacity import selectors, services
from di4c.capacity.demo import demo_capacity_data, load_demo_capacity
from di4c.capacity.models import (
    Access,
    Department,
    Enrolment,
    LevelTally,
    RespondentTally,
    Round,
    RoundLink,
    RoundParticipation,
    RoundStatus,
    StaffRole,
    TargetLevel,
    Training,
)
from di4c.capacity.selectors import ALL, OTHER

pytestmark = pytest.mark.django_db

BOTOSANI_2023 = "Autoevaluare competențe digitale 2023"
BOTOSANI_2025 = "Autoevaluare competențe digitale 2025"
SMALL_OFFICES = {"Biroul Arhivă", "Compartimentul Audit Public Intern"}
# Respondents per round, as the data file gives them (the same on every load).
RESPONDENTS = {BOTOSANI_2023: 166, BOTOSANI_2025: 181}


@pytest.fixture
def demo_capacity(demo):
    """The demo with its capacity data, as `di4c demo` loads it (whether or not the `demo`
    fixture already loaded it: the loader is idempotent)."""
    load_demo_capacity()
    return demo


def _round(organisation, title) -> Round:
    return Round.objects.get(organisation=organisation, title=title)


def round_results_of(round_):
    results = selectors.round_results(round_)
    assert results.shown, results.reason
    return results


def _snapshot():
    return {
        model: list(model.objects.order_by("pk").values())
        for model in (
            Department,
            StaffRole,
            TargetLevel,
            Round,
            RoundLink,
            RoundParticipation,
            RespondentTally,
            LevelTally,
            Training,
            Enrolment,
        )
    }


def test_loading_twice_creates_nothing_twice(demo_capacity):
    rows = _snapshot()
    assert load_demo_capacity() == {"skills rounds": 0, "self-assessments": 0, "trainings": 0}
    assert _snapshot() == rows
    assert Round.objects.filter(is_demo=True).count() == 5
    assert Training.objects.filter(is_demo=True).count() == 10


def test_load_demo_wires_the_capacity_demo_in_and_can_leave_it_out(db):
    from di4c.core.demo import load_demo

    _accounts, created = load_demo(
        "pw-demo-1234", plans=False, meetings=False, capacity=False, portal=False
    )
    assert created["skills rounds"] == created["self-assessments"] == created["trainings"] == 0
    assert not Round.objects.exists() and not Training.objects.exists()
    assert not Department.objects.exists() and not StaffRole.objects.exists()
    _accounts, created = load_demo(
        "pw-demo-1234", plans=False, meetings=False, engagement=False, portal=False
    )
    assert created["skills rounds"] == 5
    assert created["self-assessments"] == 166 + 181 + 81 + 72 + 1
    assert created["trainings"] == 10


def test_every_answer_went_through_a_single_use_link(demo_capacity):
    for round_ in Round.objects.filter(status=RoundStatus.CLOSED):
        links = RoundLink.objects.filter(round=round_)
        counted = sum(RespondentTally.objects.filter(round=round_).values_list("count", flat=True))
        assert links.count() == counted > 0
        assert not links.filter(is_used=False).exists()  # no unused token left anywhere
        # Each person counted once per competence asked.
        levels = sum(LevelTally.objects.filter(round=round_).values_list("count", flat=True))
        assert levels == counted * len(services.round_competences(round_))
    assert RoundParticipation.objects.count() == 1  # the open round's one signed-in answer


def test_botosani_is_set_up_like_a_city_hall_in_romanian(demo_capacity, botosani):
    departments = Department.objects.filter(organisation=botosani)
    assert departments.count() == 12  # eleven services and the management
    assert 300 <= sum(departments.values_list("staff_count", flat=True)) <= 400
    assert set(departments.values_list("name", flat=True)) >= SMALL_OFFICES
    roles = dict(StaffRole.objects.filter(organisation=botosani).values_list("code", "name"))
    assert roles["front_office"] == "Personal de la ghișeu"
    assert roles["it_staff"] == "Personal IT"
    targets = TargetLevel.objects.filter(role__organisation=botosani)
    assert targets.count() == 4 * 30  # every role has a target in every competence
    assert targets.get(role__code="it_staff", competence__code="3.4").level == 6
    assert targets.get(role__code="front_office", competence__code="3.4").level == 2


def test_botosani_has_two_closed_rounds_and_the_trained_competences_improved(
    demo_capacity, botosani
):
    before, after = _round(botosani, BOTOSANI_2023), _round(botosani, BOTOSANI_2025)
    for round_, opens_on, closes_on in (
        (before, dt.date(2023, 9, 18), dt.date(2023, 10, 13)),
        (after, dt.date(2025, 3, 3), dt.date(2025, 3, 28)),
    ):
        assert round_.status == RoundStatus.CLOSED and round_.access == Access.LINKS
        assert (round_.opens_on, round_.closes_on) == (opens_on, closes_on)
        assert round_.created_at.date() < opens_on and round_.closed_at.date() == closes_on
        assert round_results_of(round_).respondents == RESPONDENTS[round_.title]
    assert [r.pk for r in selectors.comparable_rounds(after)] == [before.pk]

    held = Training.objects.filter(organisation=botosani, starts_at__lte=timezone.now())
    assert held.count() == 8
    assert all(before.closes_on < t.starts_at.date() < after.opens_on for t in held)
    trained = set(held.values_list("competences__code", flat=True))

    comparison = selectors.compare_rounds(before, after)
    assert comparison.shown
    changes = {c.code: comparison.change(ALL, c) for c in comparison.competences}
    assert len(changes) == 30
    # The programme's core subjects: a level or more higher, far more people at target.
    for code in ("6.2", "7.2", "2.4", "8.1"):
        assert changes[code].level_change >= 1
        assert changes[code].target_change > 30
    assert all(changes[code].level_change > 0.3 for code in trained)
    # Competences no training addressed hardly moved.
    untrained = set(changes) - trained - {"5.3", "1.2"}  # the coming AI course's
    assert len(untrained) >= 12
    assert all(abs(changes[code].level_change) <= 0.3 for code in untrained)
    overall = [round_results_of(r).overall.share_at_target for r in (before, after)]
    assert overall[1] - overall[0] > 10


def test_the_first_rounds_top_needs_are_what_the_trainings_addressed(demo_capacity, botosani):
    before = _round(botosani, BOTOSANI_2023)
    needs = selectors.training_needs(round_results_of(before))
    top = needs[0]
    assert (top.group.label, top.competence.code) == ("Direcția de Asistență Socială", "6.2")
    trained = set(
        Training.objects.filter(organisation=botosani, starts_at__lte=timezone.now()).values_list(
            "competences__code", flat=True
        )
    )
    assert {need.competence.code for need in needs[:5]} <= trained


def test_small_offices_are_only_ever_shown_within_other(demo_capacity, botosani):
    for title in (BOTOSANI_2023, BOTOSANI_2025):
        results = round_results_of(_round(botosani, title))
        labels = {group.label for group in results.groups}
        assert not labels & SMALL_OFFICES
        other = next(group for group in results.groups if group.key == OTHER)
        assert set(other.members) == SMALL_OFFICES and other.respondents >= 5
        assert all(group.respondents >= 5 for group in results.groups + results.role_groups)
        # Whatever is read from the results (needs included) names no small office.
        needs = selectors.training_needs(results)
        assert not {need.group.label for need in needs} & SMALL_OFFICES
    comparison = selectors.compare_rounds(
        _round(botosani, BOTOSANI_2023), _round(botosani, BOTOSANI_2025)
    )
    assert not {group.label for group in comparison.groups} & SMALL_OFFICES
    assert any(group.key == OTHER for group in comparison.groups)
    # Each small office has fewer than five respondents in each round: the reason for "Other".
    for department in Department.objects.filter(organisation=botosani, name__in=SMALL_OFFICES):
        for round_ in Round.objects.filter(organisation=botosani, status=RoundStatus.CLOSED):
            counts = RespondentTally.objects.filter(round=round_, department=department)
            assert 0 < sum(counts.values_list("count", flat=True)) < 5


def test_the_it_department_rates_itself_higher_than_the_front_office_in_programming(
    demo_capacity, botosani
):
    results = round_results_of(_round(botosani, BOTOSANI_2023))
    programming = next(c for c in results.competences if c.code == "3.4")
    by_department = {group.label: group.key for group in results.groups}
    it = results.cell(by_department["Direcția Tehnologia Informației"], programming)
    front = results.cell(
        by_department["Serviciul Relații cu Publicul și Registratură"], programming
    )
    assert it.mean_level >= 4 > 2 >= front.mean_level
    # Heads of department answer under the management: every department group splits into
    # roles of five or more, so figures by role and against targets are shown.
    assert results.roles_shown and results.target_people == results.respondents


@pytest.mark.parametrize(
    ("slug", "title", "department", "role"),
    [
        (
            "messina",
            "Autovalutazione delle competenze digitali 2024",
            "Ufficio Relazioni con il Pubblico",
            "Personale di sportello",
        ),
        ("oulu", "Digital skills self-assessment 2024", "Customer Service Centre", "IT staff"),
    ],
)
def test_messina_and_oulu_have_one_closed_round_each(demo_capacity, slug, title, department, role):
    rounds = Round.objects.filter(organisation__slug=slug)
    assert [(r.title, r.status) for r in rounds] == [(title, RoundStatus.CLOSED)]
    results = round_results_of(rounds[0])
    assert 60 <= results.respondents <= 120
    assert department in {group.label for group in results.groups}
    assert results.target_people > 0 and role in set(
        StaffRole.objects.filter(organisation__slug=slug).values_list("name", flat=True)
    )
    assert rounds[0].closes_on < timezone.localdate()


def test_the_open_round_can_be_answered_by_botosanis_staff_signed_in(
    demo_capacity, botosani, demo_user
):
    round_ = Round.objects.get(organisation=botosani, status=RoundStatus.OPEN)
    assert round_.access == Access.ACCOUNTS and round_.is_accepting and round_.is_demo
    today = timezone.localdate()
    assert round_.opens_on < today < round_.closes_on
    assert {area.code for area in round_.areas.all()} == {"4", "6", "7"}
    assert not selectors.round_results(round_).shown  # no figures while it is open
    codes = [c.code for c in services.round_competences(round_)]
    assert len(codes) == 10
    department = Department.objects.get(organisation=botosani, name="Direcția Juridică")
    for prefix in ("local-group", "botosani-editor"):
        services.self_assessment_submit(
            round_=round_,
            role="back_office",
            levels=dict.fromkeys(codes, 4),
            user=demo_user(prefix),
            department=department,
        )
    counted = RespondentTally.objects.filter(round=round_).values_list("count", flat=True)
    assert sum(counted) == 3  # with the coordinator's answer the demo starts from


def test_trainings_held_with_attendance_and_two_coming_with_enrolments(
    demo_capacity, botosani, demo_user
):
    now = timezone.now()
    trainings = Training.objects.filter(organisation=botosani)
    held = trainings.filter(starts_at__lte=now)
    coming = trainings.filter(starts_at__gt=now)
    assert held.count() == 8 and coming.count() == 2
    assert held.filter(is_online=True).count() == 2
    for training in held:
        enrolments = training.enrolments.all()
        assert 0 < enrolments.count() <= training.capacity
        assert not enrolments.filter(attended__isnull=True).exists()
        assert enrolments.filter(attended=True).exists()
        assert all(e.enrolled_at < training.starts_at for e in enrolments)
        assert training.created_at < training.starts_at
    # Some people missed their training: attendance is not a formality.
    attended = Enrolment.objects.filter(training__in=held, attended=True).count()
    assert 0.7 < attended / Enrolment.objects.filter(training__in=held).count() < 1
    for training in coming:
        assert training.enrolments.count() > 0
        assert not training.enrolments.filter(attended__isnull=False).exists()
        assert now < training.starts_at < now + dt.timedelta(days=40)
    names = list(
        Enrolment.objects.filter(training__organisation=botosani).values_list(
            "full_name", flat=True
        )
    )
    assert any(set(name) & set("ăâîșț") for name in names)
    assert not {"Elena Popescu", "Andrei Ionescu", "Maria Rusu"} & set(names)

    board = selectors.dashboard(botosani)
    assert board.latest.title == BOTOSANI_2025
    assert board.trainings_held == 8 and board.trainings_planned == 2
    assert 80 <= board.attendance_share <= 95
    assert board.assessed_share > 45
    # Staff can still enrol themselves in a coming training.
    enrolment = services.enrol_self(
        actor=demo_user("local-group"), training=coming.order_by("starts_at")[0]
    )
    assert enrolment.full_name == "Maria Rusu"


def test_the_top_need_becomes_an_action_of_botosanis_plan(demo_plans, botosani):
    from di4c.plans.models import Action, Binding, ResultIndicator

    load_demo_capacity()
    action = Action.objects.get(plan__organisation=botosani, source_competence__isnull=False)
    assert action.source_competence.code == "6.2"
    assert action.plan.is_demo
    assert BOTOSANI_2023 in action.description
    indicator = ResultIndicator.objects.get(
        objective=action.objective, binding=Binding.CAPACITY_AT_TARGET
    )
    # The indicator is measured by both closed rounds, on the dates they closed.
    dates = list(indicator.measurements.order_by("measured_on").values_list("measured_on", "value"))
    assert [day for day, _value in dates] == [dt.date(2023, 10, 13), dt.date(2025, 3, 28)]
    assert dates[0][1] < dates[1][1]
    load_demo_capacity()
    assert Action.objects.filter(plan=action.plan, source_competence__isnull=False).count() == 1


def test_the_data_file_names_what_the_trainings_taught(db):
    """The 2025 round's uplift is on exactly the competences the trainings in between
    addressed: the demo's story holds together."""
    botosani = demo_capacity_data()["cities"][0]
    uplift = set(botosani["rounds"][1]["uplift"])
    taught = {
        code for row in botosani["trainings"] if "held_on" in row for code in row["competences"]
    }
    assert uplift == taught
