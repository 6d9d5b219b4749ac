"""Aggregates: the rule of five, the ranking of training needs (checked against figures
worked out by hand) and the before/after comparison."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from di4c.capacity import selectors, services
from di4c.capacity.selectors import ALL, OTHER, merge_small_groups
from tests.capacity.conftest import answer, department

pytestmark = pytest.mark.django_db


# --- the rule of five -------------------------------------------------------------------------


def test_merging_small_groups_keeps_every_person_counted():
    assert merge_small_groups({"a": (6,), "b": (5,)}) == {"a": "a", "b": "b"}
    # "c" alone is too small, and so is "Other" with only "c": the smallest big group joins.
    assert merge_small_groups({"a": (6,), "b": (5,), "c": (4,)}) == {
        "a": "a",
        "b": OTHER,
        "c": OTHER,
    }
    # Two small groups together are big enough.
    assert merge_small_groups({"a": (9,), "b": (3,), "c": (2,)}) == {
        "a": "a",
        "b": OTHER,
        "c": OTHER,
    }
    # Fewer than five in all: nothing can be shown.
    assert merge_small_groups({"a": (2,), "b": (2,)}) is None
    # Two rounds: a group must be big enough in both, and so must "Other".
    assert merge_small_groups({"a": (6, 7), "b": (8, 4), "c": (5, 5), "d": (1, 3)}) == {
        "a": "a",
        "b": OTHER,
        "c": "c",
        "d": OTHER,
    }
    assert merge_small_groups({"a": (6, 7), "b": (8, 4), "c": (5, 5)}) == {
        "a": "a",
        "b": OTHER,
        "c": OTHER,
    }


def answered(round_, editor, plan):
    """plan: [(department, role, levels, how many people)]."""
    for department_name, role_code, levels, people in plan:
        for _person in range(people):
            answer(round_, department_name, role_code, levels, editor=editor)


def test_results_wait_for_the_round_to_close(open_round, demo_user):
    editor = demo_user("botosani-editor")
    answered(open_round, editor, [("Taxes", "front", 3, 6)])
    results = selectors.round_results(open_round)
    assert not results.shown and "once the round is closed" in results.reason
    assert results.cells == {} and results.groups == []
    services.round_close(actor=editor, round_=open_round)
    assert selectors.round_results(open_round).shown


def test_a_round_with_four_people_shows_nothing(open_round, demo_user):
    editor = demo_user("botosani-editor")
    answered(open_round, editor, [("Taxes", "front", 3, 2), ("Registry", "it", 5, 2)])
    services.round_close(actor=editor, round_=open_round)
    results = selectors.round_results(open_round)
    assert not results.shown and "Fewer than 5 people" in results.reason
    assert results.cells == {} and selectors.training_needs(results) == []


def test_a_group_of_four_never_appears_and_the_totals_stay_right(open_round, demo_user):
    editor = demo_user("botosani-editor")
    answered(
        open_round,
        editor,
        [
            ("Taxes", "front", 4, 6),
            ("Registry", "front", 2, 5),
            ("Archive", "it", 8, 4),  # four people: never shown on their own
        ],
    )
    services.round_close(actor=editor, round_=open_round)
    results = selectors.round_results(open_round)
    labels = {group.key: group for group in results.groups}
    # "Other" with Archive alone would be four people too: Registry (the smallest) joins it.
    assert set(labels) == {department(open_round.organisation, "Taxes").pk, OTHER, ALL}
    assert labels[OTHER].members == ["Archive", "Registry"]
    assert labels[OTHER].respondents == 9
    assert sum(g.respondents for g in results.groups if g.key != ALL) == 15
    assert labels[ALL].respondents == results.respondents == 15
    competence = results.competences[0]
    other = results.cell(OTHER, competence)
    # (5 people at 2 + 4 people at 8) / 9 = 4.666...
    assert other.respondents == 9 and other.mean_level == Decimal("4.7")
    everyone = results.cell(ALL, competence)
    assert everyone.respondents == 15 and everyone.level_sum == 6 * 4 + 5 * 2 + 4 * 8
    # The four IT people of Archive make a department-and-role group under five: no figures
    # by role and none against targets, for anyone.
    assert not results.roles_shown and results.role_groups == []
    assert "fewer than 5 people" in results.roles_reason
    assert results.target_people == 0 and everyone.rated == 0
    assert selectors.training_needs(results) == []
    assert all(cell.respondents >= 5 for cell in results.cells.values())


def test_training_needs_are_ranked_by_the_levels_missing(open_round, demo_user):
    """Targets: front office 4, IT staff 6 in every competence.

    Taxes (front office, 5 people): 1.1 = 2, 2, 3, 4, 5 -> 3 below, 2+2+1 = 5 levels missing;
    6.1 = 3 for all -> 5 below, 5 missing. Registry (IT, 5 people): 1.1 = 6, 6, 6, 6, 2 ->
    1 below, 4 missing; 6.2 = 5 for all -> 5 below, 5 missing. Everything else at target.
    Ranking: most levels missing, then most people below, then the framework's order:
    Taxes 6.1 (5, 5), Registry 6.2 (5, 5), Taxes 1.1 (5, 3), Registry 1.1 (4, 1).
    """
    editor = demo_user("botosani-editor")
    for level in (2, 2, 3, 4, 5):
        answer(
            open_round,
            "Taxes",
            "front",
            _rest(open_round, 4) | {"1.1": level, "6.1": 3},
            editor=editor,
        )
    for level in (6, 6, 6, 6, 2):
        answer(
            open_round,
            "Registry",
            "it",
            _rest(open_round, 6) | {"1.1": level, "6.2": 5},
            editor=editor,
        )
    services.round_close(actor=editor, round_=open_round)
    results = selectors.round_results(open_round)
    needs = selectors.training_needs(results)
    ranked = [
        (need.group.label, need.competence.code, need.stats.shortfall, need.stats.below)
        for need in needs
    ]
    assert ranked == [
        ("Taxes", "6.1", 5, 5),
        ("Registry", "6.2", 5, 5),
        ("Taxes", "1.1", 5, 3),
        ("Registry", "1.1", 4, 1),
    ]
    taxes_11 = needs[2].stats
    assert taxes_11.mean_level == Decimal("3.2")  # 16 / 5
    assert taxes_11.mean_target == Decimal("4.0")
    assert taxes_11.share_below == Decimal("60.0")
    assert taxes_11.share_at_target == Decimal("40.0")
    # Overall: 10 people x 6 competences (areas 1 and 6) = 60 ratings, 14 below target.
    assert results.overall.rated == 60 and results.overall.below == 14
    assert results.overall.share_at_target == Decimal("76.7")  # 46 / 60


def _rest(round_, level):
    return {c.code: level for c in services.round_competences(round_)}


def _second_round(city, editor, framework):
    today = timezone.localdate()
    round_ = services.round_save(
        actor=editor,
        organisation=city,
        data={"title": "After training", "opens_on": today, "closes_on": today},
        areas=list(framework.areas.filter(code__in=["1", "6"])),
    )
    return services.round_open(actor=editor, round_=round_)


def test_before_and_after_shows_the_change_per_department(open_round, demo_user, framework):
    editor = demo_user("botosani-editor")
    answered(
        open_round,
        editor,
        [
            ("Taxes", "front", {"6.1": 2}, 6),
            ("Registry", "front", {"6.1": 3}, 5),
            ("Archive", "front", {"6.1": 3}, 2),
        ],
    )
    services.round_close(actor=editor, round_=open_round)
    after = _second_round(open_round.organisation, editor, framework)
    answered(
        after,
        editor,
        # Taxes trained: 6.1 from 2 to 4 for 4 people, 5 for 3. Registry: only 4 answered.
        [
            ("Taxes", "front", {"6.1": 4}, 4),
            ("Taxes", "front", {"6.1": 5}, 3),
            ("Registry", "front", {"6.1": 3}, 4),
            ("Archive", "front", {"6.1": 3}, 3),
        ],
    )
    services.round_close(actor=editor, round_=after)
    assert list(selectors.comparable_rounds(after)) == [open_round]
    comparison = selectors.compare_rounds(open_round, after)
    assert comparison.shown
    taxes = department(open_round.organisation, "Taxes").pk
    # Registry has four people in the second round: it is not shown on its own, but merged
    # with Archive (2 and 3 people), which makes an "Other" of 7 both times.
    assert [g.key for g in comparison.groups] == [taxes, OTHER, ALL]
    assert comparison.groups[1].members == ["Archive", "Registry"]
    competence = next(c for c in comparison.competences if c.code == "6.1")
    change = comparison.change(taxes, competence)
    assert change.before.mean_level == Decimal("2.0")
    assert change.after.mean_level == Decimal("4.4")  # (4*4 + 3*5) / 7 = 4.43
    assert change.level_change == Decimal("2.4")
    assert change.before.share_at_target == Decimal("0.0")
    assert change.after.share_at_target == Decimal("100.0")
    everyone = comparison.change(ALL, competence)
    assert everyone.before.respondents == 13 and everyone.after.respondents == 14
    # 1.1 was 3 for everyone both times: no change.
    unchanged = comparison.change(taxes, comparison.competences[0])
    assert unchanged.level_change == Decimal("0.0")


def test_rounds_of_other_cities_or_still_open_are_not_compared(open_round, demo_user, framework):
    editor = demo_user("botosani-editor")
    after = _second_round(open_round.organisation, editor, framework)
    comparison = selectors.compare_rounds(open_round, after)
    assert not comparison.shown and "closed" in comparison.reason


def test_the_dashboard_counts_staff_assessed_and_trainings(open_round, demo_user, framework):
    editor = demo_user("botosani-editor")
    answered(open_round, editor, [("Taxes", "front", 4, 6), ("Registry", "it", 5, 5)])
    services.round_close(actor=editor, round_=open_round)
    city = open_round.organisation
    held = services.training_save(
        actor=editor,
        organisation=city,
        data={
            "topic": "Online services at the counter",
            "starts_at": timezone.now() + dt.timedelta(days=1),
            "duration_hours": Decimal("3.5"),
            "place": "Sala mică",
            "capacity": 10,
        },
        competences=[framework.competences.get(code="6.2")],
    )
    for name in ("Ana", "Ion", "Maria", "Dan"):
        services.enrol_person(actor=editor, training=held, full_name=name)
    held.starts_at = timezone.now() - dt.timedelta(days=1)
    held.save()
    ids = list(held.enrolments.order_by("full_name").values_list("pk", flat=True))
    services.attendance_record(actor=editor, training=held, attended=ids[:3])
    board = selectors.dashboard(city)
    assert board.latest == open_round
    assert board.staff == 66 and board.assessed_share == Decimal("16.7")  # 11 / 66
    # Front office at 4 (target 4) in all 6: at target; IT at 5 (target 6): below.
    assert board.at_target_share == Decimal("54.5")  # 6 of 11 people in every competence
    assert (board.trainings_held, board.hours) == (1, Decimal("3.5"))
    assert board.participant_hours == Decimal("10.5")
    assert (board.enrolled, board.attended, board.attendance_share) == (4, 3, Decimal("75.0"))


def test_a_department_minus_a_role_never_gives_one_person(open_round, demo_user):
    """The review's attack: Taxes = 5 front office + 1 IT, Registry = 5 IT. Taxes and
    "Front office" side by side would give the IT person's answers by subtraction."""
    editor = demo_user("botosani-editor")
    answered(
        open_round,
        editor,
        [("Taxes", "front", 2, 5), ("Taxes", "it", 7, 1), ("Registry", "it", 5, 5)],
    )
    services.round_close(actor=editor, round_=open_round)
    results = selectors.round_results(open_round)
    assert not results.roles_shown and not results.role_groups
    assert not any(isinstance(key[0], tuple) for key in results.cells)
    # Nor any figure against targets: with targets chosen for the purpose (front office 8, IT
    # 1), Taxes' levels missing would give the front office's sum, and Taxes' mean level
    # minus it the IT person's level (the second review's attack).
    taxes = department(open_round.organisation, "Taxes").pk
    cell = results.cell(taxes, results.competences[0])
    assert (cell.respondents, cell.rated, cell.shortfall) == (6, 0, 0)
    assert results.cell(ALL, results.competences[0]).rated == 0


def test_figures_by_role_when_every_department_role_group_has_five(open_round, demo_user):
    editor = demo_user("botosani-editor")
    answered(
        open_round,
        editor,
        [("Taxes", "front", 3, 5), ("Taxes", "it", 6, 5), ("Registry", "it", 5, 5)],
    )
    services.round_close(actor=editor, round_=open_round)
    results = selectors.round_results(open_round)
    assert results.roles_shown
    by_role = {g.label: g.respondents for g in results.role_groups}
    assert by_role == {"Front office": 5, "IT staff": 10}
    it = next(g for g in results.role_groups if g.label == "IT staff")
    assert results.cell(("role", it.key), results.competences[0]).mean_level == Decimal("5.5")


def test_targets_changed_after_closing_do_not_change_the_results(open_round, demo_user, framework):
    editor = demo_user("botosani-editor")
    answered(open_round, editor, [("Taxes", "front", 3, 5), ("Registry", "front", 5, 5)])
    services.round_close(actor=editor, round_=open_round)
    before = selectors.round_results(open_round).overall.share_at_target
    assert before == Decimal("50.0")  # front office target 4: Registry at 5 is at target
    codes = list(framework.competences.values_list("code", flat=True))
    services.targets_save(
        actor=editor,
        organisation=open_round.organisation,
        framework=framework,
        targets={"front": dict.fromkeys(codes, 1)},
    )
    open_round.refresh_from_db()
    assert selectors.round_results(open_round).overall.share_at_target == before


def test_the_comparison_only_merges_groups_each_round_shows(open_round, demo_user, framework):
    """The review's attack: the later round has Taxes 10, Registry 1, Archive 5. Its own
    results show Taxes alone and "Other" = Archive + Registry; a comparison that showed
    Archive alone (it has 6 and 5 people) would give Registry's one person by subtraction."""
    editor = demo_user("botosani-editor")
    answered(
        open_round,
        editor,
        [("Taxes", "front", 3, 6), ("Registry", "front", 3, 6), ("Archive", "front", 3, 6)],
    )
    services.round_close(actor=editor, round_=open_round)
    after = _second_round(open_round.organisation, editor, framework)
    answered(
        after,
        editor,
        [("Taxes", "front", 4, 10), ("Registry", "front", 8, 1), ("Archive", "front", 2, 5)],
    )
    services.round_close(actor=editor, round_=after)
    shown = selectors.round_results(after)
    taxes = department(open_round.organisation, "Taxes").pk
    assert [g.key for g in shown.groups] == [taxes, OTHER, ALL]
    comparison = selectors.compare_rounds(open_round, after)
    assert [g.key for g in comparison.groups] == [taxes, OTHER, ALL]
    assert comparison.groups[1].members == ["Archive", "Registry"]
    competence = comparison.competences[0]
    assert comparison.change(OTHER, competence).after.respondents == 6
    assert comparison.change(OTHER, competence).before.respondents == 12
    assert list(selectors.comparable_rounds(open_round)) == []  # only earlier rounds
