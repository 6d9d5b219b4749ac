"""Start, answer, submit, validate or send back: the workflow and who may do each step."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from di4c.maturity import services
from di4c.maturity.models import Assessment, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(tiny, botosani, demo_user):
    return services.assessment_start(
        actor=demo_user("botosani-editor"), organisation=botosani, framework=tiny
    )


def _answer_all(assessment, actor, levels=(4, 2)):
    for code, level in zip(("AA1", "AA2"), levels, strict=True):
        services.answer_save(
            actor=actor, assessment=assessment, indicator_code=code, level=level, evidence="x"
        )


def test_editor_answers_submits_and_expert_validates(draft, demo_user):
    editor = demo_user("botosani-editor")
    _answer_all(draft, editor)
    submitted = services.assessment_submit(actor=editor, assessment=draft)
    assert submitted.status == Status.SUBMITTED
    # (4*2 + 2*1) / 3 = 3.333 of 4 -> 83.33
    assert str(submitted.overall_score) == "83.33"
    assert [str(s.score) for s in submitted.dimension_scores.all()] == ["83.33"]
    validated = services.assessment_validate(actor=demo_user("lead-expert"), assessment=draft)
    assert validated.status == Status.VALIDATED
    assert validated.validated_by == demo_user("lead-expert")


def test_submission_lists_the_unanswered_indicators(draft, demo_user):
    editor = demo_user("botosani-editor")
    services.answer_save(actor=editor, assessment=draft, indicator_code="AA1", level=3)
    with pytest.raises(ValidationError) as error:
        services.assessment_submit(actor=editor, assessment=draft)
    assert "still open: AA2" in error.value.messages[0]
    assert Assessment.objects.get(pk=draft.pk).status == Status.DRAFT


@pytest.mark.parametrize("level", [5, -1, True])
def test_level_outside_the_scale_is_refused(draft, demo_user, level):
    with pytest.raises(ValidationError) as error:
        services.answer_save(
            actor=demo_user("botosani-editor"), assessment=draft, indicator_code="AA1", level=level
        )
    assert "from 0 to 4" in error.value.message_dict["level"][0]
    assert not draft.answers.exists()


def test_answer_to_an_unknown_indicator_is_refused(draft, demo_user):
    with pytest.raises(ValidationError) as error:
        services.answer_save(
            actor=demo_user("botosani-editor"), assessment=draft, indicator_code="ZZ9", level=1
        )
    assert "has no indicator 'ZZ9'" in error.value.message_dict["indicator"][0]


def test_bad_link_is_refused(draft, demo_user):
    with pytest.raises(ValidationError) as error:
        services.answer_save(
            actor=demo_user("botosani-editor"),
            assessment=draft,
            indicator_code="AA1",
            level=1,
            links="javascript:alert(1)",
        )
    assert "links" in error.value.message_dict


@pytest.mark.parametrize("who", ["messina-editor", "lead-expert", "coordinator", "citizen"])
def test_only_the_citys_editors_answer(draft, demo_user, who):
    with pytest.raises(PermissionDenied):
        services.answer_save(actor=demo_user(who), assessment=draft, indicator_code="AA1", level=1)


def test_only_network_staff_review_and_only_submitted_ones(draft, demo_user):
    editor = demo_user("botosani-editor")
    with pytest.raises(PermissionDenied):
        services.assessment_validate(actor=demo_user("lead-expert"), assessment=draft)
    _answer_all(draft, editor)
    services.assessment_submit(actor=editor, assessment=draft)
    for who in ("botosani-editor", "botosani-coordinator", "messina-editor"):
        with pytest.raises(PermissionDenied):
            services.assessment_validate(actor=demo_user(who), assessment=draft)
    services.assessment_validate(actor=demo_user("coordinator"), assessment=draft)


def test_sent_back_with_comments_per_indicator_then_editable(draft, demo_user):
    editor = demo_user("botosani-editor")
    _answer_all(draft, editor)
    services.assessment_submit(actor=editor, assessment=draft)
    with pytest.raises(ValidationError):
        services.assessment_return(actor=demo_user("lead-expert"), assessment=draft)
    services.assessment_return(
        actor=demo_user("lead-expert"),
        assessment=draft,
        comment="Please add evidence",
        comments={"AA1": "Which strategy document?"},
    )
    draft.refresh_from_db()
    assert draft.status == Status.RETURNED
    assert draft.answers.get(indicator__code="AA1").review_comment == "Which strategy document?"
    services.answer_save(actor=editor, assessment=draft, indicator_code="AA1", level=3)


def test_one_open_assessment_per_framework(draft, tiny, botosani, demo_user):
    with pytest.raises(ValidationError):
        services.assessment_start(
            actor=demo_user("botosani-editor"), organisation=botosani, framework=tiny
        )


def test_visibility_of_drafts_and_validated_results(draft, demo_user, django_user_model):
    from tests.factories import UserFactory

    def sees(who):
        user = demo_user(who) if isinstance(who, str) else who
        return user.has_perm("maturity.view_assessment", draft)

    assert sees("botosani-editor") and sees("local-group") and sees("lead-expert")
    assert sees("coordinator")
    assert not sees("messina-editor") and not sees("citizen")
    _answer_all(draft, demo_user("botosani-editor"))
    services.assessment_submit(actor=demo_user("botosani-editor"), assessment=draft)
    services.assessment_validate(actor=demo_user("lead-expert"), assessment=draft)
    draft = Assessment.objects.get(pk=draft.pk)
    assert demo_user("messina-editor").has_perm("maturity.view_assessment", draft)
    assert not demo_user("citizen").has_perm("maturity.view_assessment", draft)
    with pytest.raises(PermissionDenied):
        services.assessment_publish(
            actor=demo_user("botosani-editor"), assessment=draft, public=True
        )
    services.assessment_publish(
        actor=demo_user("botosani-coordinator"), assessment=draft, public=True
    )
    draft = Assessment.objects.get(pk=draft.pk)
    assert UserFactory().has_perm("maturity.view_assessment", draft)
