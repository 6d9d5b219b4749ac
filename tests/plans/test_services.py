"""The plans app's rules: roll-up, funding, lifecycle and snapshots, edit conflicts, the
closed loop with maturity and services, staleness and reminders, and who may write."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from di4c.maturity.models import Assessment, Status
from di4c.plans import selectors, services
from di4c.plans.models import (
    Action,
    ActionStatus,
    Binding,
    Measurement,
    Plan,
    PlanSnapshot,
    PlanStatus,
    StatusChange,
    Weighting,
)
from tests.plans.conftest import build_plan

pytestmark = pytest.mark.django_db


def _action(plan, editor, objective, code, cost, progress, status="on_track", **extra):
    return services.action_save(
        actor=editor,
        plan=plan,
        data={
            "objective": objective,
            "code": code,
            "title": f"Action {code}",
            "estimated_cost": Decimal(cost),
            "progress": progress,
            "status": status,
            **extra,
        },
    )


# --- roll-up ------------------------------------------------------------------------------


def test_progress_rolls_up_by_cost_to_objectives_and_plan(demo, botosani, botosani_editor):
    plan = services.plan_create(
        actor=botosani_editor, organisation=botosani, network=demo, title="Roll-up"
    )
    so1 = services.objective_save(actor=botosani_editor, plan=plan, data={"title": "One"})
    so2 = services.objective_save(actor=botosani_editor, plan=plan, data={"title": "Two"})
    child = services.objective_save(
        actor=botosani_editor, plan=plan, data={"title": "One.one", "parent": so1}
    )
    _action(plan, botosani_editor, so1, "A1", 10000, 100, status="done")
    _action(plan, botosani_editor, child, "A2", 30000, 20)
    _action(plan, botosani_editor, so2, "A3", 50000, 50)
    # A cancelled action counts for nothing, however much it cost.
    _action(plan, botosani_editor, so2, "A4", 900000, 0, status="cancelled")

    progress = selectors.rollup(selectors.plan_tree(plan))

    # SO1 = (10,000×100 + 30,000×20) / 40,000 = 40; the specific objective holds A2 only.
    assert progress.objectives[so1.pk] == Decimal("40.0")
    assert progress.objectives[child.pk] == Decimal("20.0")
    assert progress.objectives[so2.pk] == Decimal("50.0")
    # Plan = (1,000,000 + 600,000 + 2,500,000) / 90,000 = 45.6
    assert progress.plan == Decimal("45.6")
    assert progress.status_counts["cancelled"] == 1


def test_weights_and_equal_weighting(demo, botosani, botosani_editor):
    plan = services.plan_create(
        actor=botosani_editor, organisation=botosani, network=demo, title="Weights"
    )
    so1 = services.objective_save(actor=botosani_editor, plan=plan, data={"title": "One"})
    _action(plan, botosani_editor, so1, "A1", 90000, 10, weight=Decimal(1))
    _action(plan, botosani_editor, so1, "A2", 10000, 70, weight=Decimal(3))

    plan.weighting = Weighting.WEIGHT
    assert selectors.rollup(selectors.plan_tree(plan)).plan == Decimal("55.0")  # (10+210)/4
    plan.weighting = Weighting.EQUAL
    assert selectors.rollup(selectors.plan_tree(plan)).plan == Decimal("40.0")
    plan.weighting = Weighting.COST
    assert selectors.rollup(selectors.plan_tree(plan)).plan == Decimal("16.0")  # (9+0.7)*10/10


def test_actions_without_cost_count_equally(demo, botosani, botosani_editor):
    plan = services.plan_create(
        actor=botosani_editor, organisation=botosani, network=demo, title="No costs"
    )
    so1 = services.objective_save(actor=botosani_editor, plan=plan, data={"title": "One"})
    _action(plan, botosani_editor, so1, "A1", 0, 30)
    _action(plan, botosani_editor, so1, "A2", 0, 60)
    assert selectors.rollup(selectors.plan_tree(plan)).plan == Decimal("45.0")


def test_done_action_is_complete(botosani_plan, botosani_editor):
    action = botosani_plan.actions.get(code="A1")
    with pytest.raises(ValidationError) as error:
        services.action_save(
            actor=botosani_editor,
            plan=botosani_plan,
            action=action,
            base_version=action.version,
            data={"status": "done", "progress": 40},
        )
    assert "progress" in error.value.message_dict
    done = services.action_save(
        actor=botosani_editor,
        plan=botosani_plan,
        action=action,
        base_version=action.version,
        data={"status": "done"},
    )
    assert done.progress == 100


# --- funding ------------------------------------------------------------------------------


def test_budget_sums_by_source_status_and_year(botosani_plan):
    budget = selectors.budget(selectors.plan_tree(botosani_plan))
    # The fixture's actions cost 10,000, 20,000 and 30,000: 60 % ERDF secured, 40 % planned.
    assert budget.total_cost == Decimal(60000)
    assert budget.secured == Decimal(36000)
    assert budget.planned == Decimal(24000)
    assert budget.applied == Decimal(0)
    assert budget.secured_share == Decimal("60.0")
    assert budget.unfunded_gap == Decimal(24000)
    kinds = {row["kind"]: row for row in budget.by_kind}
    assert kinds["erdf"]["secured"] == Decimal(36000)
    assert kinds["municipal"]["planned"] == Decimal(24000)
    assert sum(row["cost"] for row in budget.by_year) == Decimal(60000)
    assert sum(row["secured"] for row in budget.by_year) == Decimal(36000)
    assert budget.unsecured_actions == []


def test_budget_by_year_spreads_cost_over_months(demo, botosani, botosani_editor):
    plan = services.plan_create(
        actor=botosani_editor, organisation=botosani, network=demo, title="Years"
    )
    so1 = services.objective_save(actor=botosani_editor, plan=plan, data={"title": "One"})
    # Nine months of 2023 and three of 2024: 12,000 → 9,000 + 3,000.
    _action(
        plan,
        botosani_editor,
        so1,
        "A1",
        12000,
        0,
        starts_on=dt.date(2023, 4, 1),
        ends_on=dt.date(2024, 3, 1),
    )
    budget = selectors.budget(selectors.plan_tree(plan))
    assert [(row["year"], row["cost"]) for row in budget.by_year] == [
        (2023, Decimal(9000)),
        (2024, Decimal(3000)),
    ]
    assert [a.code for a in budget.unsecured_actions] == ["A1"]


def test_funding_split_must_add_up_to_the_cost(botosani_plan, botosani_editor):
    action = botosani_plan.actions.get(code="A2")
    with pytest.raises(ValidationError) as error:
        services.action_save(
            actor=botosani_editor,
            plan=botosani_plan,
            action=action,
            base_version=action.version,
            data={},
            fundings=[{"kind": "erdf", "amount": Decimal(5000), "status": "secured"}],
        )
    assert "not to the estimated cost of €20,000" in error.value.message_dict["fundings"][0]
    # Changing the cost alone must not leave the stored split inconsistent either.
    with pytest.raises(ValidationError) as error:
        services.action_save(
            actor=botosani_editor,
            plan=botosani_plan,
            action=action,
            base_version=action.version,
            data={"estimated_cost": Decimal(1)},
        )
    assert "estimated_cost" in error.value.message_dict
    assert Action.objects.get(pk=action.pk).estimated_cost == Decimal(20000)


def test_bad_child_rows_are_reported_and_nothing_saved(botosani_plan, botosani_editor):
    action = botosani_plan.actions.get(code="A1")
    with pytest.raises(ValidationError) as error:
        services.action_save(
            actor=botosani_editor,
            plan=botosani_plan,
            action=action,
            base_version=action.version,
            data={"title": "Changed title"},
            risks=[{"description": "Too likely", "likelihood": 9, "impact": 2}],
        )
    assert "likelihood" in error.value.message_dict["risks"][0]
    action.refresh_from_db()
    assert action.title == "Action number 1"
    assert action.risks.count() == 1


def test_action_cannot_end_before_it_starts(botosani_plan, botosani_editor):
    with pytest.raises(ValidationError) as error:
        services.action_save(
            actor=botosani_editor,
            plan=botosani_plan,
            data={
                "objective": botosani_plan.objectives.first(),
                "title": "Backwards",
                "starts_on": dt.date(2024, 5, 1),
                "ends_on": dt.date(2024, 2, 1),
            },
        )
    assert "ends_on" in error.value.message_dict


# --- lifecycle and snapshots ----------------------------------------------------------------


def test_lifecycle_keeps_a_snapshot_at_each_step(botosani_plan, demo_user):
    coordinator = demo_user("botosani-coordinator")
    plan = botosani_plan
    for status in (PlanStatus.ROADMAP, PlanStatus.SUBMITTED):
        plan = services.plan_transition(actor=coordinator, plan=plan, status=status)
    with pytest.raises(ValidationError) as error:
        services.plan_transition(actor=coordinator, plan=plan, status=PlanStatus.ADOPTED)
    assert set(error.value.message_dict) == {"adopted_on", "adoption_reference"}
    plan = services.plan_transition(
        actor=coordinator,
        plan=plan,
        status=PlanStatus.ADOPTED,
        adopted_on=dt.date(2022, 9, 29),
        adoption_reference="HCL 312/2022",
    )
    adopted = PlanSnapshot.objects.get(plan=plan, status=PlanStatus.ADOPTED)
    assert adopted.content["adoption_reference"] == "HCL 312/2022"
    assert [a["title"] for a in adopted.content["actions"]] == [
        "Action number 1",
        "Action number 2",
        "Action number 3",
    ]
    # Edits after adoption leave the adopted text as it was.
    action = plan.actions.get(code="A1")
    services.action_save(
        actor=coordinator,
        plan=plan,
        action=action,
        base_version=action.version,
        data={"title": "Renamed after adoption"},
    )
    adopted.refresh_from_db()
    assert adopted.content["actions"][0]["title"] == "Action number 1"
    assert PlanSnapshot.objects.filter(plan=plan).count() == 3


def test_transitions_follow_the_method(botosani_plan, botosani_editor):
    with pytest.raises(ValidationError) as error:
        services.plan_transition(
            actor=botosani_editor, plan=botosani_plan, status=PlanStatus.IMPLEMENTING
        )
    assert "status" in error.value.message_dict
    assert Plan.objects.get(pk=botosani_plan.pk).status == PlanStatus.DRAFT
    assert not PlanSnapshot.objects.filter(plan=botosani_plan).exists()


def test_adoption_date_cannot_be_in_the_future(botosani_plan, botosani_editor):
    plan = services.plan_transition(
        actor=botosani_editor, plan=botosani_plan, status=PlanStatus.SUBMITTED
    )
    with pytest.raises(ValidationError) as error:
        services.plan_transition(
            actor=botosani_editor,
            plan=plan,
            status=PlanStatus.ADOPTED,
            adopted_on=timezone.localdate() + dt.timedelta(days=3),
            adoption_reference="HCL 1",
        )
    assert "adopted_on" in error.value.message_dict


# --- concurrent edits ---------------------------------------------------------------------


def test_an_outdated_edit_is_refused_with_what_changed(botosani_plan, botosani_editor, demo_user):
    coordinator = demo_user("botosani-coordinator")
    action = botosani_plan.actions.get(code="A1")
    started_from = action.version
    services.action_save(
        actor=coordinator,
        plan=botosani_plan,
        action=Action.objects.get(pk=action.pk),
        base_version=started_from,
        data={"title": "The coordinator's title"},
    )
    with pytest.raises(services.EditConflict) as conflict:
        services.action_save(
            actor=botosani_editor,
            plan=botosani_plan,
            action=Action.objects.get(pk=action.pk),
            base_version=started_from,
            data={"title": "The editor's title"},
        )
    changes = {change["name"]: change for change in conflict.value.changes}
    assert changes["title"]["old"] == "Action number 1"
    assert changes["title"]["new"] == "The coordinator's title"
    assert changes["title"]["by"] == coordinator.full_name
    assert Action.objects.get(pk=action.pk).title == "The coordinator's title"


def test_plan_edit_conflict(botosani_plan, botosani_editor):
    version = botosani_plan.version
    services.plan_update(
        actor=botosani_editor, plan=botosani_plan, base_version=version, data={"title": "New"}
    )
    with pytest.raises(services.EditConflict):
        services.plan_update(
            actor=botosani_editor,
            plan=Plan.objects.get(pk=botosani_plan.pk),
            base_version=version,
            data={"context": "Other"},
        )


# --- the closed loop ----------------------------------------------------------------------


def _latest_assessment(organisation):
    return (
        Assessment.objects.filter(
            organisation=organisation, status=Status.VALIDATED, framework__code="di4c-city"
        )
        .order_by("-validated_at")
        .first()
    )


def test_a_gap_becomes_an_action_under_a_bound_objective(demo, botosani, botosani_editor):
    plan = services.plan_create(
        actor=botosani_editor, organisation=botosani, network=demo, title="From gaps"
    )
    assessment = _latest_assessment(botosani)
    answer = assessment.answers.select_related("indicator__dimension").order_by("level").first()

    action = services.action_from_gap(
        actor=botosani_editor, plan=plan, assessment=assessment, indicator=answer.indicator
    )

    assert action.source_indicator == answer.indicator
    aim = answer.indicator.level_descriptors[answer.level + 1]
    assert action.title == f"{answer.indicator.code}, level {answer.level + 1}: {aim}"[:300]
    indicator = action.objective.indicators.get()
    assert indicator.binding == Binding.MATURITY_DIMENSION
    assert indicator.dimension_code == answer.indicator.dimension.code
    # Its series already holds the city's validated assessments (two rounds for Botoșani).
    assert indicator.measurements.count() == 2
    score = assessment.dimension_scores.get(dimension=answer.indicator.dimension).score
    assert indicator.baseline_value == score
    # A second gap in the same dimension lands under the same objective.
    other = (
        assessment.answers.filter(indicator__dimension=answer.indicator.dimension)
        .exclude(pk=answer.pk)
        .first()
    )
    second = services.action_from_gap(
        actor=botosani_editor, plan=plan, assessment=assessment, indicator=other.indicator
    )
    assert second.objective == action.objective


def test_a_new_validated_assessment_adds_a_measurement(demo, botosani, demo_user):
    from di4c.maturity import services as maturity

    editor, expert = demo_user("botosani-editor"), demo_user("lead-expert")
    plan = services.plan_create(actor=editor, organisation=botosani, network=demo, title="Loop")
    objective = services.objective_save(actor=editor, plan=plan, data={"title": "Skills"})
    indicator = services.indicator_save(
        actor=editor,
        objective=objective,
        data={
            "name": "Skills score",
            "binding": Binding.MATURITY_DIMENSION,
            "framework_code": "di4c-city",
            "dimension_code": "SK",
            "target_value": Decimal(60),
        },
    )
    assert indicator.measurements.count() == 2

    framework = _latest_assessment(botosani).framework
    new = maturity.assessment_start(actor=editor, organisation=botosani, framework=framework)
    for item in framework.indicators.all():
        maturity.answer_save(
            actor=editor, assessment=new, indicator_code=item.code, level=4, evidence="Done."
        )
    maturity.assessment_submit(actor=editor, assessment=new)
    assert indicator.measurements.count() == 2  # submitted is not validated
    maturity.assessment_validate(actor=expert, assessment=new)

    latest = indicator.measurements.order_by("measured_on").last()
    assert indicator.measurements.count() == 3
    assert latest.value == Decimal("100.00")
    assert latest.source_ref == f"assessment:{new.pk}"
    trend = selectors.indicator_trend(
        type(indicator).objects.prefetch_related("measurements").get(pk=indicator.pk)
    )
    assert trend.direction == "reached"


def test_new_service_figures_add_to_the_series(demo, botosani, botosani_editor):
    from di4c.services import services as service_writes

    plan = services.plan_create(
        actor=botosani_editor, organisation=botosani, network=demo, title="Services loop"
    )
    service = botosani.public_services.filter(level__lt=3).order_by("name").first()
    action = services.action_from_service(actor=botosani_editor, plan=plan, service=service)
    indicator = action.objective.indicators.get(binding=Binding.SERVICE_UPTAKE)
    years = indicator.measurements.count()
    assert years >= 1

    service_writes.year_save(
        actor=botosani_editor,
        service=service,
        year=timezone.localdate().year,
        total_requests=1000,
        online_requests=250,
    )
    latest = indicator.measurements.order_by("measured_on").last()
    assert indicator.measurements.count() == years + 1
    assert latest.value == Decimal("25.00")
    # Figures corrected later update the same measurement, never add it twice.
    service_writes.year_save(
        actor=botosani_editor,
        service=service,
        year=timezone.localdate().year,
        total_requests=1000,
        online_requests=400,
    )
    assert indicator.measurements.count() == years + 1
    assert indicator.measurements.order_by("measured_on").last().value == Decimal("40.00")


def test_bound_indicators_refuse_manual_values(botosani_plan, botosani_editor):
    objective = botosani_plan.objectives.get(code="SO2")
    indicator = services.indicator_save(
        actor=botosani_editor,
        objective=objective,
        data={"name": "Online share", "binding": Binding.SERVICES_ONLINE},
    )
    with pytest.raises(ValidationError):
        services.measurement_add(
            actor=botosani_editor,
            indicator=indicator,
            measured_on=dt.date(2023, 1, 1),
            value=Decimal(3),
        )
    assert not indicator.measurements.filter(source="manual").exists()


def test_binding_needs_its_source(botosani_plan, botosani_editor, messina):
    objective = botosani_plan.objectives.get(code="SO2")
    with pytest.raises(ValidationError) as error:
        services.indicator_save(
            actor=botosani_editor,
            objective=objective,
            data={"name": "Dimension", "binding": Binding.MATURITY_DIMENSION},
        )
    assert {"framework_code", "dimension_code"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        services.indicator_save(
            actor=botosani_editor,
            objective=objective,
            data={
                "name": "Messina's service",
                "binding": Binding.SERVICE_UPTAKE,
                "service": messina.public_services.first(),
            },
        )
    assert "service" in error.value.message_dict


def test_indicator_trend(botosani_plan):
    indicator = (
        botosani_plan.objectives.get(code="SO1").indicators.prefetch_related("measurements").get()
    )
    trend = selectors.indicator_trend(indicator)
    # Baseline 20, target 60, measured 30: a quarter of the way.
    assert trend.direction == "toward"
    assert trend.share_of_way == Decimal("25.0")


# --- staleness and reminders ----------------------------------------------------------------


def _implementing(plan, actor):
    for status in (PlanStatus.SUBMITTED,):
        plan = services.plan_transition(actor=actor, plan=plan, status=status)
    plan = services.plan_transition(
        actor=actor,
        plan=plan,
        status=PlanStatus.ADOPTED,
        adopted_on=dt.date(2023, 1, 10),
        adoption_reference="HCL 1/2023",
    )
    return services.plan_transition(actor=actor, plan=plan, status=PlanStatus.IMPLEMENTING)


def test_stale_after_two_cycles_and_reminders_once_per_cycle(botosani_plan, botosani_editor):
    plan = _implementing(botosani_plan, botosani_editor)
    now = timezone.now()
    Action.objects.filter(plan=plan, code="A1").update(
        progress_updated_at=now - dt.timedelta(days=200)
    )
    Action.objects.filter(plan=plan, code="A2").update(
        progress_updated_at=now - dt.timedelta(days=100)
    )
    actions = {a.code: a for a in plan.actions.all()}
    # Quarterly updates: stale after two quarters without news.
    assert selectors.is_stale(actions["A1"], plan, now)
    assert not selectors.is_stale(actions["A2"], plan, now)
    assert not selectors.is_stale(actions["A3"], plan, now)

    assert services.reminders_send(now=now) == 2
    assert sorted(m.subject for m in mail.outbox) == [
        "Update due: A1 Action number 1",
        "Update due: A2 Action number 2",
    ]
    assert mail.outbox[0].to == ["andrei@example.org"]
    assert f"/plans/{plan.pk}/actions/" in mail.outbox[0].body
    assert services.reminders_send(now=now + dt.timedelta(days=1)) == 0

    # An update clears the stale mark.
    action = actions["A1"]
    services.action_save(
        actor=botosani_editor,
        plan=plan,
        action=action,
        base_version=action.version,
        data={"progress": 20},
    )
    assert not selectors.is_stale(Action.objects.get(pk=action.pk), plan)
    assert StatusChange.objects.filter(action=action, progress=20).exists()


def test_drafts_are_never_stale(botosani_plan):
    Action.objects.filter(plan=botosani_plan).update(
        progress_updated_at=timezone.now() - dt.timedelta(days=900)
    )
    assert not any(selectors.is_stale(a, botosani_plan) for a in botosani_plan.actions.all())
    assert services.reminders_send() == 0


# --- permissions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["messina-editor", "lead-expert", "coordinator", "citizen", "local-group"]
)
def test_only_the_citys_editors_write(botosani_plan, demo_user, who):
    person = demo_user(who)
    action = botosani_plan.actions.get(code="A1")
    objective = botosani_plan.objectives.get(code="SO1")
    attempts = [
        lambda: services.plan_update(
            actor=person, plan=botosani_plan, base_version=None, data={"title": "x"}
        ),
        lambda: services.action_save(
            actor=person, plan=botosani_plan, action=action, data={"title": "x"}
        ),
        lambda: services.action_delete(actor=person, action=action),
        lambda: services.objective_save(actor=person, plan=botosani_plan, data={"title": "x"}),
        lambda: services.indicator_save(actor=person, objective=objective, data={"name": "x"}),
        lambda: services.plan_transition(
            actor=person, plan=botosani_plan, status=PlanStatus.ROADMAP
        ),
        lambda: services.plan_publish(actor=person, plan=botosani_plan, public=True),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert Action.objects.get(pk=action.pk).title == "Action number 1"
    assert Plan.objects.get(pk=botosani_plan.pk).status == PlanStatus.DRAFT


def test_a_named_local_group_contributor_edits(botosani_plan, demo_user):
    member = demo_user("local-group")
    coordinator = demo_user("botosani-coordinator")
    with pytest.raises(PermissionDenied):
        services.plan_update(
            actor=member, plan=botosani_plan, base_version=None, data={"context": "Mine"}
        )
    services.contributors_set(actor=coordinator, plan=botosani_plan, users=[member])
    plan = Plan.objects.get(pk=botosani_plan.pk)
    services.plan_update(actor=member, plan=plan, base_version=None, data={"context": "Mine"})
    assert Plan.objects.get(pk=plan.pk).context == "Mine"
    # Contributors edit; they do not move the plan through its lifecycle or publish it.
    with pytest.raises(PermissionDenied):
        services.plan_transition(actor=member, plan=plan, status=PlanStatus.ROADMAP)
    with pytest.raises(PermissionDenied):
        services.plan_publish(actor=member, plan=plan, public=True)


def test_contributors_must_be_local_group_members(botosani_plan, demo_user):
    with pytest.raises(ValidationError):
        services.contributors_set(
            actor=demo_user("botosani-coordinator"),
            plan=botosani_plan,
            users=[demo_user("citizen")],
        )
    assert not botosani_plan.contributors.exists()


def test_publishing_is_for_the_city_coordinator(botosani_plan, demo_user, botosani_editor):
    with pytest.raises(PermissionDenied):
        services.plan_publish(actor=botosani_editor, plan=botosani_plan, public=True)
    services.plan_publish(actor=demo_user("botosani-coordinator"), plan=botosani_plan, public=True)
    assert Plan.objects.get(pk=botosani_plan.pk).is_public


def test_network_staff_comment_but_cannot_edit(botosani_plan, demo_user):
    expert = demo_user("lead-expert")
    comment = services.comment_add(actor=expert, plan=botosani_plan, text="Add a risk to A1.")
    assert comment.author == expert
    with pytest.raises(PermissionDenied):
        services.comment_add(actor=demo_user("messina-editor"), plan=botosani_plan, text="Hi")
    with pytest.raises(ValidationError):
        services.comment_add(actor=expert, plan=botosani_plan, text="   ")


def test_objects_of_another_plan_are_refused(
    demo, botosani_plan, botosani_editor, messina, demo_user
):
    messina_plan = build_plan(demo_user("messina-editor"), messina, demo, actions=1)
    foreign = messina_plan.objectives.first()
    with pytest.raises((ValidationError, PermissionDenied)):
        services.action_save(
            actor=botosani_editor,
            plan=botosani_plan,
            data={"objective": foreign, "title": "Sneaky"},
        )
    with pytest.raises(PermissionDenied):
        services.action_save(
            actor=botosani_editor,
            plan=messina_plan,
            action=messina_plan.actions.first(),
            data={"title": "Sneaky"},
        )


def test_an_objective_with_actions_cannot_be_deleted(botosani_plan, botosani_editor):
    objective = botosani_plan.objectives.get(code="SO2")
    with pytest.raises(ValidationError):
        services.objective_delete(actor=botosani_editor, objective=objective)
    assert Action.objects.filter(objective=objective).exists()


def test_visibility_of_plans(botosani_plan, demo_user):
    messina_editor = demo_user("messina-editor")
    assert not messina_editor.has_perm("plans.view_plan", botosani_plan)
    assert demo_user("lead-expert").has_perm("plans.view_plan", botosani_plan)
    assert not demo_user("citizen").has_perm("plans.view_plan", botosani_plan)
    assert selectors.visible_plans(messina_editor).filter(pk=botosani_plan.pk).count() == 0
    plan = services.plan_transition(
        actor=demo_user("botosani-editor"), plan=botosani_plan, status=PlanStatus.SUBMITTED
    )
    # Submitted plans are shared with the other partners of the network.
    fresh = demo_user("messina-editor")
    assert fresh.has_perm("plans.view_plan", plan)
    assert selectors.visible_plans(fresh).filter(pk=plan.pk).count() == 1


# --- the demo -----------------------------------------------------------------------------


def test_demo_plans(demo_plans):
    plans = {p.organisation.slug: p for p in Plan.objects.select_related("organisation")}
    assert len(plans) == 8
    botosani = plans["botosani"]
    assert botosani.status == PlanStatus.IMPLEMENTING
    assert botosani.is_public and botosani.language == "ro"
    assert botosani.actions.count() == 10
    assert botosani.snapshots.filter(status=PlanStatus.ADOPTED).exists()
    assert botosani.baseline["maturity"]["framework"] == "di4c-city"
    # Bound indicators carry the city's own figures.
    bound = Measurement.objects.filter(indicator__objective__plan=botosani).exclude(source="manual")
    assert bound.filter(source="maturity").count() >= 2
    assert bound.filter(source="services").exists()
    # Shorter plans are built from each partner's own weakest maturity indicators.
    oulu = plans["oulu"]
    assert oulu.actions.filter(source_indicator__isnull=False).count() == 4
    assert oulu.actions.filter(source_service__organisation__slug="oulu").count() == 1
    tree = selectors.plan_tree(botosani)
    assert [a.code for a in selectors.budget(tree).unsecured_actions] == ["A3", "A7", "A9"]
    assert sum(selectors.is_stale(a, botosani) for a in tree.actions) == 2


def test_demo_plans_load_once(demo_plans):
    from di4c.plans.demo import load_demo_plans

    count = Action.objects.count()
    assert load_demo_plans() == 0
    assert Action.objects.count() == count


def test_the_reminder_command(botosani_plan, botosani_editor):
    from io import StringIO

    from django.core.management import call_command

    plan = _implementing(botosani_plan, botosani_editor)
    Action.objects.filter(plan=plan, code="A3").update(
        progress_updated_at=timezone.now() - dt.timedelta(days=120)
    )
    out = StringIO()
    call_command("plans_remind", stdout=out)
    assert out.getvalue().strip() == "1 reminder(s) sent."
    assert mail.outbox[0].subject == "Update due: A3 Action number 3"


# --- review fixes -------------------------------------------------------------------------


def test_roll_up_by_cost_unless_weights_are_set(demo, botosani, botosani_editor):
    plan = services.plan_create(
        actor=botosani_editor, organisation=botosani, network=demo, title="Auto"
    )
    assert plan.weighting == Weighting.AUTO
    so1 = services.objective_save(actor=botosani_editor, plan=plan, data={"title": "One"})
    _action(plan, botosani_editor, so1, "A1", 0, 0)
    second = _action(plan, botosani_editor, so1, "A2", 1000, 100)
    assert selectors.rollup(selectors.plan_tree(plan)).plan == Decimal("100.0")  # by cost
    services.action_save(
        actor=botosani_editor,
        plan=plan,
        action=second,
        base_version=second.version,
        data={"weight": Decimal(3)},
    )
    # Weights set: A1 counts 1, A2 counts 3, whatever they cost.
    assert selectors.rollup(selectors.plan_tree(plan)).plan == Decimal("75.0")


def test_years_out_of_range_are_refused(botosani_plan, botosani_editor):
    with pytest.raises(ValidationError) as error:
        services.action_save(
            actor=botosani_editor,
            plan=botosani_plan,
            data={
                "objective": botosani_plan.objectives.first(),
                "title": "Far future",
                "starts_on": dt.date(9999, 12, 1),
            },
        )
    assert "Give a year between 1990 and 2100." in error.value.message_dict["starts_on"]
    # Even a date stored before the rule cannot break the plan's pages.
    Action.objects.filter(plan=botosani_plan, code="A1").update(
        starts_on=dt.date(9999, 11, 1), ends_on=dt.date(9999, 12, 1)
    )
    tree = selectors.plan_tree(botosani_plan)
    assert selectors.budget(tree).total_cost == Decimal(60000)
    assert selectors.timeline(tree) is not None


def test_one_indicator_per_service_however_many_clicks(demo, botosani, botosani_editor):
    plan = services.plan_create(
        actor=botosani_editor, organisation=botosani, network=demo, title="Clicks"
    )
    service = botosani.public_services.filter(level__lt=3).order_by("name").first()
    first = services.action_from_service(actor=botosani_editor, plan=plan, service=service)
    second = services.action_from_service(actor=botosani_editor, plan=plan, service=service)
    assert first.pk != second.pk and first.objective == second.objective
    assert first.objective.indicators.filter(binding=Binding.SERVICE_UPTAKE).count() == 1


def test_removing_a_service_updates_the_index_and_freezes_its_series(
    demo, botosani, botosani_editor
):
    from di4c.services import services as service_writes

    plan = services.plan_create(
        actor=botosani_editor, organisation=botosani, network=demo, title="Removal"
    )
    service = botosani.public_services.filter(level__lt=3).order_by("name").first()
    action = services.action_from_service(actor=botosani_editor, plan=plan, service=service)
    uptake = action.objective.indicators.get(binding=Binding.SERVICE_UPTAKE)
    online = services.indicator_save(
        actor=botosani_editor,
        objective=action.objective,
        data={"name": "Online share", "binding": Binding.SERVICES_ONLINE},
    )
    series = list(uptake.measurements.values_list("measured_on", "value"))
    before = online.measurements.order_by("measured_on").last().value

    service_writes.service_delete(actor=botosani_editor, service=service)

    assert list(uptake.measurements.values_list("measured_on", "value")) == series
    after = online.measurements.order_by("measured_on").last().value
    assert after != before  # one offline service fewer: a higher share online


def test_decision_reference_is_one_line(botosani_plan, botosani_editor):
    plan = services.plan_transition(
        actor=botosani_editor, plan=botosani_plan, status=PlanStatus.SUBMITTED
    )
    with pytest.raises(ValidationError) as error:
        services.plan_transition(
            actor=botosani_editor,
            plan=plan,
            status=PlanStatus.ADOPTED,
            adopted_on=dt.date(2022, 9, 29),
            adoption_reference="HCL 312\nand more",
        )
    assert "adoption_reference" in error.value.message_dict


def test_one_click_writes_in_the_plans_language(demo, botosani, botosani_editor):
    from django.utils import translation

    plan = services.plan_create(
        actor=botosani_editor, organisation=botosani, network=demo, title="P", language="ro"
    )
    assessment = _latest_assessment(botosani)
    answer = assessment.answers.select_related("indicator").order_by("level").first()
    with translation.override("en"):  # the editor reads the site in English
        action = services.action_from_gap(
            actor=botosani_editor, plan=plan, assessment=assessment, indicator=answer.indicator
        )
    aim = answer.indicator.level_descriptors_i18n["ro"][answer.level + 1]
    assert action.title == f"{answer.indicator.code}, nivelul {answer.level + 1}: {aim}"[:300]
    assert action.objective.title.startswith("Îmbunătățire")


def test_a_service_indicator_starts_from_its_first_figures(demo, botosani, botosani_editor):
    plan = services.plan_create(
        actor=botosani_editor, organisation=botosani, network=demo, title="Baseline"
    )
    service = botosani.public_services.filter(level__lt=3).order_by("name").first()
    action = services.action_from_service(actor=botosani_editor, plan=plan, service=service)
    indicator = action.objective.indicators.get(binding=Binding.SERVICE_UPTAKE)
    first = indicator.measurements.order_by("measured_on").first()
    assert (indicator.baseline_value, indicator.baseline_on) == (first.value, first.measured_on)


def test_new_actions_go_last_and_statuses_sort_by_the_lifecycle(botosani_plan, botosani_editor):
    for _ in range(4, 12):
        _action(botosani_plan, botosani_editor, botosani_plan.objectives.first(), "", 0, 0)
    codes = [a.code for a in selectors.action_table(botosani_plan, {"sort": "code"})]
    assert codes == [f"A{n}" for n in range(1, 12)]  # A2 before A10, not after A11
    action = botosani_plan.actions.get(code="A2")
    services.action_save(
        actor=botosani_editor,
        plan=botosani_plan,
        action=action,
        base_version=action.version,
        data={"status": "cancelled"},
    )
    statuses = [a.status for a in selectors.action_table(botosani_plan, {"sort": "status"})]
    assert statuses == sorted(statuses, key=ActionStatus.values.index)
    assert statuses[-1] == "cancelled"  # alphabetically it would come first


def test_a_former_partner_starts_no_plan(demo, demo_user):
    from di4c.networks.models import Organisation

    limerick = Organisation.objects.get(
        partnerships__network=demo, partnerships__left_on__isnull=False
    )
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            actor=demo_user("admin"), organisation=limerick, network=demo, title="Too late"
        )
    assert "network" in error.value.message_dict
    assert not Plan.objects.filter(organisation=limerick).exists()
