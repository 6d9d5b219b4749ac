"""The capacity app's writes: setup, rounds and submissions, with their refusals."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from di4c.capacity import services
from di4c.capacity.models import (
    LevelTally,
    RespondentTally,
    RoundLink,
    RoundParticipation,
    StaffRole,
    TargetLevel,
)
from tests.capacity.conftest import answer, department

pytestmark = pytest.mark.django_db


def errors_of(caught) -> dict:
    return caught.value.message_dict


def answered(round_) -> int:
    """How many people the counters say answered (rows exist at zero from the opening)."""
    return sum(RespondentTally.objects.filter(round=round_).values_list("count", flat=True))


def counted(round_, **cell) -> int:
    return sum(LevelTally.objects.filter(round=round_, **cell).values_list("count", flat=True))


# --- setup ----------------------------------------------------------------------------------


def test_targets_refuse_unknown_roles_competences_and_levels_and_save_nothing(
    city_setup, demo_user, framework
):
    editor = demo_user("botosani-editor")
    before = dict(TargetLevel.objects.values_list("pk", "level"))
    with pytest.raises(ValidationError) as caught:
        services.targets_save(
            actor=editor,
            organisation=city_setup,
            framework=framework,
            targets={
                "front": {"1.1": 5, "1.2": 9, "1.3": 0, "2.1": "x", "9.9": 3},
                "janitor": {"1.1": 2},
            },
        )
    errors = errors_of(caught)
    assert "Unknown role “janitor”" in errors["janitor"][0]
    assert "outside the scale" in errors["front:1.2"][0]
    assert "outside the scale" in errors["front:1.3"][0]
    assert "not a level" in errors["front:2.1"][0]
    assert "not a competence of the framework" in errors["front:9.9"][0]
    # The valid cell ("1.1": 5) was not saved either.
    assert dict(TargetLevel.objects.values_list("pk", "level")) == before


def test_targets_change_and_clear_cells(city_setup, demo_user, framework):
    editor = demo_user("botosani-editor")
    changed = services.targets_save(
        actor=editor,
        organisation=city_setup,
        framework=framework,
        targets={"front": {"1.1": 5, "1.2": None, "1.3": 4}},
    )
    assert changed == 2  # 1.1 changed, 1.2 cleared; 1.3 was already 4
    front = StaffRole.objects.get(organisation=city_setup, code="front")
    levels = dict(front.targets.values_list("competence__code", "level"))
    assert levels["1.1"] == 5 and "1.2" not in levels and levels["1.3"] == 4


@pytest.mark.parametrize("prefix", ["messina-editor", "citizen", "local-group", "lead-expert"])
def test_only_the_city_side_manages_its_setup(city_setup, demo_user, framework, prefix):
    actor = demo_user(prefix)
    with pytest.raises(PermissionDenied):
        services.department_save(actor=actor, organisation=city_setup, data={"name": "X"})
    with pytest.raises(PermissionDenied):
        services.targets_save(actor=actor, organisation=city_setup, framework=framework, targets={})
    with pytest.raises(PermissionDenied):
        services.round_save(
            actor=actor,
            organisation=city_setup,
            data={"title": "R", "opens_on": dt.date(2026, 1, 1), "closes_on": dt.date(2026, 2, 1)},
        )


def test_suggested_roles_come_in_the_city_language(botosani, demo_user, framework):
    added = services.roles_from_framework(
        actor=demo_user("botosani-editor"), organisation=botosani, framework=framework
    )
    assert {role.name for role in added} >= {"Personal IT", "Personal de la ghișeu"}
    it_staff = StaffRole.objects.get(organisation=botosani, code="it_staff")
    assert it_staff.targets.get(competence__code="3.4").level == 6
    assert it_staff.targets.count() == 30
    # A second click adds nothing.
    again = services.roles_from_framework(
        actor=demo_user("botosani-editor"), organisation=botosani, framework=framework
    )
    assert again == []


def test_a_department_with_results_cannot_be_deleted(open_round, demo_user):
    editor = demo_user("botosani-editor")
    answer(open_round, "Taxes", "front", 3, editor=editor)
    with pytest.raises(ValidationError, match="rename it instead"):
        services.department_delete(
            actor=editor, department=department(open_round.organisation, "Taxes")
        )
    services.department_delete(
        actor=editor, department=department(open_round.organisation, "Archive")
    )


# --- submissions ------------------------------------------------------------------------------


def test_a_submission_only_adds_to_the_counters(open_round, demo_user):
    editor = demo_user("botosani-editor")
    competences = services.round_competences(open_round)
    assert {c.area.code for c in competences} == {"1", "6"}
    answer(open_round, "Taxes", "front", {"1.1": 2, "6.1": 7}, editor=editor)
    answer(open_round, "Taxes", "front", {"1.1": 2}, editor=editor)
    assert answered(open_round) == 2
    assert counted(open_round, competence__code="1.1", level=2) == 2
    assert counted(open_round, competence__code="6.1", level=7) == 1
    assert counted(open_round) == 2 * 6  # six competences each
    # Nothing records when or through which link an answer came.
    assert {f.name for f in LevelTally._meta.get_fields()} == {
        "id",
        "round",
        "department",
        "role",
        "competence",
        "level",
        "count",
    }
    assert RoundLink.objects.filter(round=open_round, is_used=True).count() == 2


def test_a_single_use_link_counts_once(open_round, demo_user):
    editor = demo_user("botosani-editor")
    token = answer(open_round, "Taxes", "front", 3, editor=editor)
    codes = [c.code for c in services.round_competences(open_round)]
    with pytest.raises(ValidationError) as caught:
        services.self_assessment_submit(
            round_=open_round, role="front", levels=dict.fromkeys(codes, 5), token=token
        )
    assert "already been used" in errors_of(caught)["token"][0]
    assert answered(open_round) == 1
    assert counted(open_round, level=5) == 0


@pytest.mark.parametrize("bad", [0, 9, -1, "x", 4.5, True])
def test_a_level_outside_1_to_8_is_refused_and_nothing_is_counted(open_round, demo_user, bad):
    editor = demo_user("botosani-editor")
    [token] = services.links_create(
        actor=editor,
        round_=open_round,
        department=department(open_round.organisation, "Taxes"),
        count=1,
    )
    codes = [c.code for c in services.round_competences(open_round)]
    levels = dict.fromkeys(codes, 3) | {"1.2": bad}
    with pytest.raises(ValidationError) as caught:
        services.self_assessment_submit(round_=open_round, role="front", levels=levels, token=token)
    assert set(errors_of(caught)) == {"1.2"}
    assert answered(open_round) == 0 and counted(open_round) == 0
    # The link is still unused: the person can correct and send again.
    assert not RoundLink.objects.get(round=open_round).is_used
    services.self_assessment_submit(
        round_=open_round, role="front", levels=dict.fromkeys(codes, 3), token=token
    )
    assert answered(open_round) == 1


def test_unknown_competences_missing_answers_and_unknown_roles_are_all_reported(
    open_round, demo_user
):
    editor = demo_user("botosani-editor")
    [token] = services.links_create(
        actor=editor,
        round_=open_round,
        department=department(open_round.organisation, "Taxes"),
        count=1,
    )
    with pytest.raises(ValidationError) as caught:
        services.self_assessment_submit(
            round_=open_round, role="mayor", levels={"1.1": 3, "4.1": 3, "9.9": 2}, token=token
        )
    errors = errors_of(caught)
    assert "Not a competence of this round: 4.1, 9.9." in errors["levels"][0]
    assert "Choose your role" in errors["role"][0]
    assert "Choose the level" in errors["6.1"][0]  # left unanswered
    assert "1.1" not in errors


def test_a_link_of_another_round_or_an_unknown_token_is_refused(open_round, demo_user):
    codes = [c.code for c in services.round_competences(open_round)]
    with pytest.raises(ValidationError) as caught:
        services.self_assessment_submit(
            round_=open_round, role="front", levels=dict.fromkeys(codes, 3), token="nope"
        )
    assert "not valid" in errors_of(caught)["token"][0]


def test_closed_and_not_yet_open_rounds_take_no_answers(open_round, demo_user):
    editor = demo_user("botosani-editor")
    [token] = services.links_create(
        actor=editor,
        round_=open_round,
        department=department(open_round.organisation, "Taxes"),
        count=1,
    )
    codes = [c.code for c in services.round_competences(open_round)]
    open_round.opens_on = timezone.localdate() + dt.timedelta(days=2)
    open_round.closes_on = open_round.opens_on
    open_round.save()
    with pytest.raises(ValidationError, match="not open yet"):
        services.self_assessment_submit(
            round_=open_round, role="front", levels=dict.fromkeys(codes, 3), token=token
        )
    open_round.opens_on = timezone.localdate() - dt.timedelta(days=5)
    open_round.closes_on = timezone.localdate() - dt.timedelta(days=1)
    open_round.save()
    with pytest.raises(ValidationError, match="is closed"):
        services.self_assessment_submit(
            round_=open_round, role="front", levels=dict.fromkeys(codes, 3), token=token
        )


def test_signed_in_rounds_take_one_answer_per_account(city_setup, demo_user, framework):
    editor = demo_user("botosani-editor")
    today = timezone.localdate()
    round_ = services.round_save(
        actor=editor,
        organisation=city_setup,
        data={"title": "By account", "opens_on": today, "closes_on": today, "access": "accounts"},
        areas=[framework.areas.get(code="7")],
    )
    services.round_open(actor=editor, round_=round_)
    codes = [c.code for c in services.round_competences(round_)]
    member = demo_user("local-group")
    taxes = department(city_setup, "Taxes")
    services.self_assessment_submit(
        round_=round_, role="front", levels=dict.fromkeys(codes, 4), user=member, department=taxes
    )
    with pytest.raises(ValidationError, match="already answered"):
        services.self_assessment_submit(
            round_=round_,
            role="front",
            levels=dict.fromkeys(codes, 4),
            user=member,
            department=taxes,
        )
    assert RoundParticipation.objects.filter(round=round_).count() == 1
    assert answered(round_) == 1
    with pytest.raises(PermissionDenied):
        services.self_assessment_submit(
            round_=round_,
            role="front",
            levels=dict.fromkeys(codes, 4),
            user=demo_user("citizen"),
            department=taxes,
        )
    with pytest.raises(ValidationError, match="no links"):
        services.links_create(actor=editor, round_=round_, department=taxes, count=3)


def test_links_are_for_the_round_city_and_in_reasonable_numbers(open_round, demo_user, messina):
    editor = demo_user("botosani-editor")
    messina_department = services.department_save(
        actor=demo_user("messina-editor"), organisation=messina, data={"name": "Tributi"}
    )
    with pytest.raises(ValidationError) as caught:
        services.links_create(
            actor=editor, round_=open_round, department=messina_department, count=2
        )
    assert "another city" in errors_of(caught)["department"][0]
    taxes = department(open_round.organisation, "Taxes")
    for count in (0, 501):
        with pytest.raises(ValidationError):
            services.links_create(actor=editor, round_=open_round, department=taxes, count=count)
    tokens = services.links_create(actor=editor, round_=open_round, department=taxes, count=3)
    assert len(set(tokens)) == 3
    # Only hashes are kept.
    stored = set(RoundLink.objects.values_list("token_hash", flat=True))
    assert not stored & set(tokens)
    with pytest.raises(PermissionDenied):
        services.links_create(
            actor=demo_user("messina-editor"), round_=open_round, department=taxes, count=1
        )


def test_the_round_freezes_what_was_asked_once_answered(open_round, demo_user, framework):
    editor = demo_user("botosani-editor")
    answer(open_round, "Taxes", "front", 3, editor=editor)
    with pytest.raises(ValidationError) as caught:
        services.round_save(
            actor=editor,
            organisation=open_round.organisation,
            round_=open_round,
            data={"access": "accounts"},
        )
    assert "access" in errors_of(caught)
    with pytest.raises(ValidationError):
        services.round_save(
            actor=editor,
            organisation=open_round.organisation,
            round_=open_round,
            data={},
            areas=[framework.areas.get(code="1")],
        )
    services.round_close(actor=editor, round_=open_round)
    with pytest.raises(ValidationError, match="closed"):
        services.round_save(
            actor=editor,
            organisation=open_round.organisation,
            round_=open_round,
            data={"title": "Renamed"},
        )


def test_department_names_and_role_codes_are_unique_in_a_city(city_setup, demo_user):
    editor = demo_user("botosani-editor")
    with pytest.raises(ValidationError) as caught:
        services.department_save(actor=editor, organisation=city_setup, data={"name": "taxes"})
    assert "already has a department of this name" in errors_of(caught)["name"][0]
    with pytest.raises(ValidationError) as caught:
        services.role_save(
            actor=editor, organisation=city_setup, data={"code": "it", "name": "Other IT"}
        )
    assert "already has a role with this code" in errors_of(caught)["code"][0]


def test_every_counter_exists_at_zero_from_the_opening_in_no_telling_order(open_round, demo_user):
    """The rows are made before anyone answers, so their order in the database says nothing
    about the first person's answers."""
    cells = 3 * 2 * 6 * 8  # departments x roles x competences x levels
    assert LevelTally.objects.filter(round=open_round).count() == cells
    assert RespondentTally.objects.filter(round=open_round).count() == 3 * 2
    ids_before = set(LevelTally.objects.values_list("pk", flat=True))
    answer(open_round, "Taxes", "front", {"1.1": 7}, editor=demo_user("botosani-editor"))
    assert set(LevelTally.objects.values_list("pk", flat=True)) == ids_before
    # A department added while the round is open gets its counters at once.
    services.department_save(
        actor=demo_user("botosani-editor"),
        organisation=open_round.organisation,
        data={"name": "Urbanism"},
    )
    assert LevelTally.objects.filter(round=open_round).count() == cells + 2 * 6 * 8


def test_links_stop_at_the_department_headcount(open_round, demo_user):
    editor = demo_user("botosani-editor")
    archive = department(open_round.organisation, "Archive")  # 6 staff
    services.links_create(actor=editor, round_=open_round, department=archive, count=4)
    with pytest.raises(ValidationError) as caught:
        services.links_create(actor=editor, round_=open_round, department=archive, count=3)
    assert "has 6 staff and 4 links already: at most 2 more" in errors_of(caught)["count"][0]
    assert RoundLink.objects.filter(round=open_round, department=archive).count() == 4
