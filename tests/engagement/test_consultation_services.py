"""Consultation services and results: preparing and publishing a questionnaire, one response
per person in each of the three modes, every refusal a person can meet (closed, second
response, an option not offered, a missing answer), the result arithmetic checked by hand,
and the moderation of free-text answers."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from di4c.accounts.models import User
from di4c.engagement import selectors, services
from di4c.engagement.models import Answer, ConsultationInvitation, Moderation, Response

pytestmark = pytest.mark.django_db


def _window(days_open=1, days_left=10):
    now = timezone.now()
    return {
        "opens_at": now - dt.timedelta(days=days_open),
        "closes_at": now + dt.timedelta(days=days_left),
    }


@pytest.fixture
def editor(demo_user):
    return demo_user("botosani-editor")


@pytest.fixture
def make_consultation(botosani, editor):
    """A published consultation with one question of each kind; returns it and its questions."""

    def make(mode="account", **overrides):
        consultation = services.consultation_create(
            actor=editor,
            organisation=botosani,
            data={"title": "Servicii digitale", "mode": mode, **_window(), **overrides},
        )
        questions = {}
        for key, kind, options, required in (
            ("single", "single", ["Taxe", "Certificate", "Parcări"], True),
            ("multiple", "multiple", ["Web", "Mobil", "Ghișeu"], False),
            ("scale", "scale", None, True),
            ("ranking", "ranking", ["A", "B", "C"], False),
            ("short", "short_text", None, False),
            ("long", "long_text", None, False),
        ):
            questions[key] = services.question_add(
                actor=editor,
                consultation=consultation,
                data={"kind": kind, "text": f"Întrebare {key}", "required": required},
                options=options,
            )
        services.consultation_publish(actor=editor, consultation=consultation)
        consultation.refresh_from_db()
        return consultation, questions

    return make


def options(question):
    return list(question.options.order_by("position"))


def answers_for(
    questions, *, single=0, multiple=(0,), scale=4, ranking=(0, 1, 2), short="", long=""
):
    return {
        questions["single"].pk: options(questions["single"])[single].pk,
        questions["multiple"].pk: [options(questions["multiple"])[i].pk for i in multiple],
        questions["scale"].pk: scale,
        questions["ranking"].pk: [options(questions["ranking"])[i].pk for i in ranking],
        questions["short"].pk: short,
        questions["long"].pk: long,
    }


def citizen(n: int) -> User:
    return User.objects.create_user(f"citizen{n}@example.org", "x", full_name=f"Cetățean {n}")


def field_errors(error: ValidationError) -> dict:
    return error.message_dict


# Preparing and publishing


def test_only_the_citys_editors_create_and_edit_consultations(botosani, demo_user):
    for prefix in ("messina-editor", "citizen", "local-group", "coordinator"):
        with pytest.raises(PermissionDenied):
            services.consultation_create(
                actor=demo_user(prefix), organisation=botosani, data={"title": "x", **_window()}
            )


def test_closing_before_opening_is_refused_on_the_field(botosani, editor):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.consultation_create(
            actor=editor,
            organisation=botosani,
            data={"title": "x", "opens_at": now, "closes_at": now - dt.timedelta(hours=1)},
        )
    assert "closes_at" in field_errors(error.value)


def test_publishing_needs_questions_and_two_options_per_choice(botosani, editor):
    consultation = services.consultation_create(
        actor=editor, organisation=botosani, data={"title": "x", **_window()}
    )
    with pytest.raises(ValidationError, match="at least one question"):
        services.consultation_publish(actor=editor, consultation=consultation)
    with pytest.raises(ValidationError) as error:
        services.question_add(
            actor=editor,
            consultation=consultation,
            data={"kind": "single", "text": "?"},
            options=["Da"],
        )
    assert "options" in field_errors(error.value)
    with pytest.raises(ValidationError) as error:
        services.question_add(
            actor=editor,
            consultation=consultation,
            data={"kind": "single", "text": "?"},
            options=["Da", "da"],
        )
    assert "different" in str(error.value)
    with pytest.raises(ValidationError):
        services.question_add(
            actor=editor,
            consultation=consultation,
            data={"kind": "scale", "text": "?"},
            options=["x", "y"],
        )
    services.question_add(
        actor=editor,
        consultation=consultation,
        data={"kind": "single", "text": "?"},
        options=["Da", "Nu"],
    )
    services.consultation_publish(actor=editor, consultation=consultation)
    consultation.refresh_from_db()
    assert consultation.is_published and consultation.state() == "open"


def test_questions_are_frozen_once_someone_answered(make_consultation, editor):
    consultation, questions = make_consultation()
    services.response_submit(
        consultation=consultation, answers=answers_for(questions), user=citizen(1)
    )
    with pytest.raises(ValidationError, match="already answered"):
        services.question_add(
            actor=editor, consultation=consultation, data={"kind": "short_text", "text": "Nouă?"}
        )
    with pytest.raises(ValidationError):
        services.question_delete(actor=editor, question=questions["single"])
    with pytest.raises(ValidationError):
        services.consultation_update(
            actor=editor, consultation=consultation, data={"mode": "anonymous"}
        )
    # Dates may still move: a city may extend a consultation.
    later = consultation.closes_at + dt.timedelta(days=7)
    services.consultation_update(actor=editor, consultation=consultation, data={"closes_at": later})


def test_questions_move_up_and_down(make_consultation, editor):
    consultation, questions = make_consultation()
    Response.objects.filter(consultation=consultation).delete()
    services.question_move(actor=editor, question=questions["scale"], offset=-1)
    order = list(consultation.questions.order_by("position").values_list("text", flat=True))
    assert order[:3] == ["Întrebare single", "Întrebare scale", "Întrebare multiple"]


# One response per person, in each mode


def test_account_mode_one_response_per_account(make_consultation):
    consultation, questions = make_consultation("account")
    person = citizen(1)
    with pytest.raises(ValidationError, match="Sign in"):
        services.response_submit(consultation=consultation, answers=answers_for(questions))
    services.response_submit(consultation=consultation, answers=answers_for(questions), user=person)
    with pytest.raises(ValidationError, match="already answered"):
        services.response_submit(
            consultation=consultation, answers=answers_for(questions), user=person
        )
    services.response_submit(
        consultation=consultation, answers=answers_for(questions), user=citizen(2)
    )
    assert consultation.responses.count() == 2


def test_invitation_mode_each_link_answers_once(make_consultation, editor):
    consultation, questions = make_consultation("invitation")
    created = services.invitations_create(
        actor=editor, consultation=consultation, emails=["A@example.org", "a@example.org "], count=2
    )
    assert len(created) == 3  # the two spellings of one address are one invitation
    assert (
        ConsultationInvitation.objects.filter(
            consultation=consultation, email="a@example.org"
        ).count()
        == 1
    )
    token = created[0][1]
    assert not ConsultationInvitation.objects.filter(
        token_hash=token
    ).exists()  # only its hash is kept
    with pytest.raises(ValidationError, match="use the link"):
        services.response_submit(
            consultation=consultation, answers=answers_for(questions), user=citizen(1)
        )
    with pytest.raises(ValidationError, match="use the link"):
        services.response_submit(
            consultation=consultation, answers=answers_for(questions), invitation_token="forged"
        )
    response = services.response_submit(
        consultation=consultation, answers=answers_for(questions), invitation_token=token
    )
    assert response.user is None and response.invitation.used_at is not None
    with pytest.raises(ValidationError, match="already been used"):
        services.response_submit(
            consultation=consultation, answers=answers_for(questions), invitation_token=token
        )
    services.response_submit(
        consultation=consultation, answers=answers_for(questions), invitation_token=created[1][1]
    )
    assert consultation.responses.count() == 2


def test_invitation_links_are_refused_for_other_modes(make_consultation, editor):
    consultation, _questions = make_consultation("account")
    with pytest.raises(ValidationError):
        services.invitations_create(actor=editor, consultation=consultation, count=1)


def test_a_link_of_another_consultation_does_not_open_this_one(make_consultation, editor):
    first, questions = make_consultation("invitation")
    second, _ = make_consultation("invitation")
    token = services.invitations_create(actor=editor, consultation=second, count=1)[0][1]
    with pytest.raises(ValidationError, match="use the link"):
        services.response_submit(
            consultation=first, answers=answers_for(questions), invitation_token=token
        )


def test_anonymous_mode_one_response_per_browser_and_a_limit_per_address(
    make_consultation, settings
):
    settings.DI4C_RATE_LIMITS = {"response": (None, 2)}
    consultation, questions = make_consultation("anonymous")
    with pytest.raises(ValidationError, match="cookies"):
        services.response_submit(consultation=consultation, answers=answers_for(questions))
    services.response_submit(
        consultation=consultation,
        answers=answers_for(questions),
        browser_key="k1",
        address="10.0.0.1",
    )
    with pytest.raises(ValidationError, match="already answered"):
        services.response_submit(
            consultation=consultation,
            answers=answers_for(questions),
            browser_key="k1",
            address="10.0.0.2",
        )
    services.response_submit(
        consultation=consultation,
        answers=answers_for(questions),
        browser_key="k2",
        address="10.0.0.1",
    )
    # A third browser from the same address within the hour: the limit, not a third response.
    with pytest.raises(ValidationError, match="too often"):
        services.response_submit(
            consultation=consultation,
            answers=answers_for(questions),
            browser_key="k3",
            address="10.0.0.1",
        )
    services.response_submit(
        consultation=consultation,
        answers=answers_for(questions),
        browser_key="k3",
        address="10.0.0.9",
    )
    assert consultation.responses.count() == 3


# Refusals


def test_no_response_before_opening_or_after_closing(make_consultation, editor):
    consultation, questions = make_consultation()
    services.consultation_close_now(actor=editor, consultation=consultation)
    with pytest.raises(ValidationError, match="closed on"):
        services.response_submit(
            consultation=consultation, answers=answers_for(questions), user=citizen(1)
        )
    later, later_questions = make_consultation(
        opens_at=timezone.now() + dt.timedelta(days=2),
        closes_at=timezone.now() + dt.timedelta(days=9),
    )
    with pytest.raises(ValidationError, match="not open yet"):
        services.response_submit(
            consultation=later, answers=answers_for(later_questions), user=citizen(2)
        )
    assert not Response.objects.exists()


def test_a_draft_takes_no_response(make_consultation, editor):
    consultation, questions = make_consultation()
    services.consultation_unpublish(actor=editor, consultation=consultation)
    with pytest.raises(ValidationError, match="not open"):
        services.response_submit(
            consultation=consultation, answers=answers_for(questions), user=citizen(1)
        )


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("single", 999999, "not among the options"),
        ("single", "abc", "not among the options"),
        ("multiple", [999999], "not among the options"),
        ("scale", 6, "from 1 to 5"),
        ("scale", 0, "from 1 to 5"),
        ("scale", "x", "from 1 to 5"),
        ("ranking", "first-two", "not among the options"),
        ("short", "x" * 201, "At most 200 characters"),
        ("short", "two\nlines", "one line"),
        ("long", "x" * 2001, "At most 2000 characters"),
    ],
)
def test_each_bad_answer_is_refused_on_its_question(make_consultation, key, value, message):
    consultation, questions = make_consultation()
    answers = answers_for(questions)
    answers[questions[key].pk] = value
    with pytest.raises(ValidationError) as error:
        services.response_submit(consultation=consultation, answers=answers, user=citizen(1))
    errors = field_errors(error.value)
    assert list(errors) == [f"q{questions[key].pk}"]
    assert message in errors[f"q{questions[key].pk}"][0]
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_an_option_of_another_question_is_refused(make_consultation):
    consultation, questions = make_consultation()
    answers = answers_for(questions)
    answers[questions["single"].pk] = options(questions["multiple"])[0].pk
    with pytest.raises(ValidationError, match="not among the options"):
        services.response_submit(consultation=consultation, answers=answers, user=citizen(1))


def test_a_ranking_ranks_every_option_once(make_consultation):
    consultation, questions = make_consultation()
    person = citizen(1)
    for ranking in ((0, 1), (0, 0, 1)):
        answers = answers_for(questions, ranking=ranking)
        with pytest.raises(ValidationError):
            services.response_submit(consultation=consultation, answers=answers, user=person)


def test_missing_required_answers_are_all_reported(make_consultation):
    consultation, questions = make_consultation()
    answers = answers_for(questions)
    answers[questions["single"].pk] = None
    answers[questions["scale"].pk] = ""
    answers[questions["multiple"].pk] = []  # optional: may be left empty
    with pytest.raises(ValidationError) as error:
        services.response_submit(consultation=consultation, answers=answers, user=citizen(1))
    assert set(field_errors(error.value)) == {
        f"q{questions['single'].pk}",
        f"q{questions['scale'].pk}",
    }


def test_an_answer_to_a_foreign_question_is_refused(make_consultation):
    consultation, questions = make_consultation()
    other, other_questions = make_consultation()
    answers = answers_for(questions)
    answers[other_questions["short"].pk] = "extra"
    with pytest.raises(ValidationError, match="not in this consultation"):
        services.response_submit(consultation=consultation, answers=answers, user=citizen(1))


# Results


def test_result_arithmetic_against_hand_computed_values(make_consultation, editor):
    consultation, questions = make_consultation()
    # Four people: single picks 0,0,1,2; multiple ticks; scale 5,4,4,1; rankings as below.
    plan = [
        dict(single=0, multiple=(0, 1), scale=5, ranking=(0, 1, 2), short="Plata online"),
        dict(single=0, multiple=(0,), scale=4, ranking=(1, 0, 2)),
        dict(single=1, multiple=(), scale=4, ranking=(0, 2, 1), long="Mai multe servicii"),
        dict(single=2, multiple=(2,), scale=1, ranking=()),
    ]
    for n, spec in enumerate(plan):
        services.response_submit(
            consultation=consultation, answers=answers_for(questions, **spec), user=citizen(n)
        )
    results = selectors.consultation_results(consultation, city_view=True)
    assert results.responses == 4
    by_key = {
        key: next(r for r in results.questions if r.question.pk == q.pk)
        for key, q in questions.items()
    }

    single = by_key["single"]
    assert single.answered == 4
    assert [(o.count, o.percent) for o in single.options] == [(2, 50.0), (1, 25.0), (1, 25.0)]

    multiple = by_key["multiple"]
    assert multiple.answered == 3  # the third person ticked nothing
    assert [(o.count, o.percent) for o in multiple.options] == [(2, 66.7), (1, 33.3), (1, 33.3)]

    scale = by_key["scale"]
    assert scale.scale == [(1, 1, 25.0), (2, 0, 0.0), (3, 0, 0.0), (4, 2, 50.0), (5, 1, 25.0)]
    assert scale.scale_average == 3.5

    ranking = by_key["ranking"]
    assert ranking.answered == 3
    # Borda points (3 for a first place): A = 3+2+3 = 8, B = 2+3+1 = 6, C = 1+1+2 = 4.
    assert [(o.option.label, o.points, o.average_rank) for o in ranking.options] == [
        ("A", 8, 1.33),
        ("B", 6, 2.0),
        ("C", 4, 2.67),
    ]

    short = by_key["short"]
    assert short.answered == 1 and short.text_counts == {"pending": 1}
    assert [a.text for a in short.texts] == ["Plata online"]


def test_public_results_show_only_published_texts(make_consultation, editor):
    consultation, questions = make_consultation()
    for n, text in enumerate(["Bun", "Spam de ascuns", "În așteptare"]):
        services.response_submit(
            consultation=consultation, answers=answers_for(questions, short=text), user=citizen(n)
        )
    by_text = {a.text: a for a in Answer.objects.filter(question=questions["short"])}
    services.answer_moderate(actor=editor, answer=by_text["Bun"], publish=True)
    services.answer_moderate(actor=editor, answer=by_text["Spam de ascuns"], publish=False)
    public = selectors.consultation_results(consultation, city_view=False)
    city = selectors.consultation_results(consultation, city_view=True)
    short_public = next(r for r in public.questions if r.question.pk == questions["short"].pk)
    short_city = next(r for r in city.questions if r.question.pk == questions["short"].pk)
    assert [a.text for a in short_public.texts] == ["Bun"]
    assert {a.text for a in short_city.texts} == {"Bun", "Spam de ascuns", "În așteptare"}
    assert short_city.text_counts == {"published": 1, "hidden": 1, "pending": 1}


def test_moderation_belongs_to_the_city(make_consultation, demo_user):
    consultation, questions = make_consultation()
    services.response_submit(
        consultation=consultation, answers=answers_for(questions, short="Text"), user=citizen(1)
    )
    answer = Answer.objects.get(question=questions["short"])
    for prefix in ("messina-editor", "citizen", "local-group"):
        with pytest.raises(PermissionDenied):
            services.answer_moderate(actor=demo_user(prefix), answer=answer, publish=True)
    choice = Answer.objects.filter(question=questions["single"]).first()
    with pytest.raises(ValidationError, match="free-text"):
        services.answer_moderate(actor=demo_user("botosani-editor"), answer=choice, publish=True)
    answer.refresh_from_db()
    assert answer.moderation == Moderation.PENDING


def test_results_visibility_rules(make_consultation, editor, demo_user):
    consultation, _questions = make_consultation(results_public=True)
    visitor = demo_user("citizen")
    assert not visitor.has_perm("engagement.view_results", consultation)  # still open
    assert editor.has_perm("engagement.view_results", consultation)
    assert demo_user("coordinator").has_perm("engagement.view_results", consultation)
    services.consultation_close_now(actor=editor, consultation=consultation)
    consultation.refresh_from_db()
    assert visitor.has_perm("engagement.view_results", consultation)
    services.consultation_update(
        actor=editor, consultation=consultation, data={"results_public": False}
    )
    consultation.refresh_from_db()
    assert not visitor.has_perm("engagement.view_results", consultation)
    assert not demo_user("messina-editor").has_perm("engagement.export_responses", consultation)


def test_results_take_the_same_number_of_queries_whatever_the_responses(
    make_consultation, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    consultation, questions = make_consultation()
    counts = []
    for batch in (2, 12):
        start = Response.objects.count()
        for n in range(start, start + batch):
            services.response_submit(
                consultation=consultation,
                answers=answers_for(questions, short=f"t{n}", single=n % 3),
                user=citizen(n),
            )
        with CaptureQueriesContext(connection) as queries:
            selectors.consultation_results(consultation, city_view=True)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_closing_now_a_scheduled_consultation_closes_it_without_opening_it(
    make_consultation, editor
):
    now = timezone.now()
    consultation, _questions = make_consultation(
        opens_at=now + dt.timedelta(days=2), closes_at=now + dt.timedelta(days=9)
    )
    assert consultation.state() == "scheduled"
    services.consultation_close_now(actor=editor, consultation=consultation)
    consultation.refresh_from_db()
    assert consultation.state() == "closed"
    assert consultation.opens_at < consultation.closes_at <= timezone.now()
