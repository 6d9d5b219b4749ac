"""The demo's engagement in Botoșani. The stakeholder map: loaded once, every sector present,
contact details only with their consent, and one record already erased with nothing personal
left. Citizens' participation: a closed consultation with hundreds of responses and public
results, an open one, ideas in every status and rated services, in Romanian, the same on every
load."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count
from django.utils import timezone

from di4c.accounts.models import User
from di4c.engagement import selectors, services
from di4c.engagement.demo import (
    demo_participation_data,
    demo_stakeholders_data,
    load_demo_participation,
    load_demo_stakeholders,
)
from di4c.engagement.models import (
    Answer,
    Comment,
    Consultation,
    ConsultationMode,
    Flag,
    Idea,
    IdeaStatus,
    LocalGroupRole,
    QuestionKind,
    Response,
    Sector,
    ServiceRating,
    Stakeholder,
    Support,
)
from di4c.engagement.selectors import power_interest_matrix
from di4c.plans.models import Plan
from di4c.services.models import PublicService
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

# What the closed consultation's generated responses give (the same on every load).
EXPECTED_CLOSED_COUNTS = {
    "multiple": [280, 202, 90, 71, 144, 172, 109, 72],
    "scale": [38, 89, 111, 59, 23],
}
EXPECTED_ANSWER_ROWS = 3976  # both consultations


def test_loading_twice_creates_the_stakeholders_once(demo, botosani):
    expected = len(demo_stakeholders_data()["stakeholders"])
    assert 12 <= expected <= 20
    assert load_demo_stakeholders() == expected
    rows = list(Stakeholder.objects.order_by("pk").values())
    assert load_demo_stakeholders() == 0
    assert list(Stakeholder.objects.order_by("pk").values()) == rows
    assert Stakeholder.objects.filter(organisation=botosani).count() == expected
    assert Stakeholder.objects.filter(erased_at__isnull=False).count() == 1


def test_the_demo_map_covers_every_sector_and_the_whole_matrix(demo_stakeholders, botosani):
    stakeholders = Stakeholder.objects.filter(organisation=botosani)
    assert set(stakeholders.values_list("sector", flat=True)) == set(Sector.values)
    roles = set(stakeholders.values_list("local_group_role", flat=True))
    assert {value for value in LocalGroupRole.values if value} <= roles
    assert "" in roles  # some are in the ecosystem, not in the group
    assert set(stakeholders.values_list("kind", flat=True)) == {"organisation", "person"}
    assert all(count > 0 for count in power_interest_matrix(botosani).quadrants.values())
    names = set(stakeholders.values_list("name", flat=True))
    assert "Consiliul Județean Botoșani" in names
    assert "Camera de Comerț și Industrie Botoșani" in names
    assert stakeholders.filter(updated_by__email="botosani-editor@demo.di4c.eu").exists()


def test_contact_details_come_with_their_consent(demo_stakeholders, botosani):
    with_contact = [s for s in Stakeholder.objects.filter(organisation=botosani) if s.has_contact]
    assert 4 <= len(with_contact) < Stakeholder.objects.count()
    for stakeholder in with_contact:
        assert dt.date(2019, 1, 1) <= stakeholder.consent_given_on <= dt.date(2020, 12, 31)
        assert stakeholder.consent_purpose == "Invitations to the URBACT local group meetings"
        assert stakeholder.consent_method
        assert stakeholder.email.endswith("@example.org")  # reserved for examples
        stakeholder.full_clean()


def test_the_erased_record_has_no_personal_data(demo_stakeholders, botosani):
    erased = Stakeholder.objects.get(organisation=botosani, erased_at__isnull=False)
    assert erased.name == f"Erased stakeholder no. {erased.pk}"
    assert erased.contact_name == erased.email == erased.phone == erased.description == ""
    assert erased.consent_given_on is None
    assert erased.consent_purpose == erased.consent_method == ""
    assert (erased.kind, erased.sector) == ("person", "citizen")
    assert erased.created_at < erased.erased_at
    [row] = [r for r in demo_stakeholders_data()["stakeholders"] if r.get("erase")]
    values = Stakeholder.objects.filter(pk=erased.pk).values().get().values()
    for secret in (row["name"], row["email"], row["phone"]):
        assert all(secret not in str(value) for value in values)
    assert not Stakeholder.objects.filter(name=row["name"]).exists()


def test_the_full_demo_loads_the_map_once(db):
    from di4c.core.demo import load_demo

    _accounts, created = load_demo("pw-demo-1234", plans=False, meetings=False, portal=False)
    assert created["stakeholders"] == len(demo_stakeholders_data()["stakeholders"])
    _accounts, created = load_demo("pw-demo-1234", plans=False, meetings=False, portal=False)
    assert created["stakeholders"] == 0
    _accounts, created = load_demo(
        "pw-demo-1234", plans=False, meetings=False, engagement=False, portal=False
    )
    assert created["stakeholders"] == 0


# --- citizens' participation: consultations, ideas, service ratings -----------------------


@pytest.fixture
def demo_participation(demo_plans):
    """The demo with Botoșani's plan and its citizens' participation, as `di4c demo` loads it."""
    return load_demo_participation()


def _closed(botosani) -> Consultation:
    return Consultation.objects.get(organisation=botosani, mode=ConsultationMode.ANONYMOUS)


def _open(botosani) -> Consultation:
    return Consultation.objects.get(organisation=botosani, mode=ConsultationMode.ACCOUNT)


def _plan(botosani) -> Plan:
    return Plan.objects.get(organisation=botosani, is_demo=True)


def test_the_participation_is_loaded_once_and_the_same_every_time(demo_participation, botosani):
    data = demo_participation_data()
    assert demo_participation == {
        "users": len(data["citizens"]),
        "consultations": 2,
        "responses": 320 + 28,
        "ideas": len(data["ideas"]),
        "service ratings": 37,
    }
    # The generated responses are the same on every load (a fixed seed): these counts are
    # what a reader of the results page sees.
    results = selectors.consultation_results(_closed(botosani), city_view=True)
    counts = {
        result.question.kind: [option.count for option in result.options]
        or [count for _value, count, _percent in result.scale]
        for result in results.questions
        if result.question.kind in ("multiple", "scale")
    }
    assert counts == EXPECTED_CLOSED_COUNTS
    assert Answer.objects.filter(question__consultation__organisation=botosani).count() == (
        EXPECTED_ANSWER_ROWS
    )
    rows = {
        model: list(model.objects.order_by("pk").values_list("pk", flat=True))
        for model in (Consultation, Response, Answer, Idea, Comment, Support, Flag, ServiceRating)
    }
    assert set(load_demo_participation().values()) == {0}
    for model, pks in rows.items():
        assert list(model.objects.order_by("pk").values_list("pk", flat=True)) == pks


def test_the_closed_consultation_has_hundreds_of_responses_and_public_results(
    demo_participation, botosani
):
    consultation = _closed(botosani)
    now = timezone.now()
    assert consultation.title == "Ce servicii digitale vă doriți de la Primăria Botoșani?"
    assert consultation.state() == "closed" and consultation.results_visible_to_public()
    assert AnonymousUser().has_perm("engagement.view_results", consultation)
    assert consultation.plan == _plan(botosani) and consultation.objective.code == "OS1.1"
    assert consultation.created_at < consultation.opens_at < consultation.closes_at < now
    kinds = list(consultation.questions.values_list("kind", flat=True))
    assert set(kinds) == set(QuestionKind.values)
    responses = consultation.responses.all()
    assert responses.count() == 320 and set(responses.values_list("mode", flat=True)) == {
        "anonymous"
    }
    assert responses.filter(user__isnull=False).count() == 0
    assert responses.values("browser_key").distinct().count() == 320
    times = list(responses.values_list("submitted_at", flat=True))
    assert all(consultation.opens_at <= when <= consultation.closes_at for when in times)
    assert len({when.date() for when in times}) > 20  # spread over the five weeks

    results = selectors.consultation_results(consultation, city_view=False)
    by_kind = {result.question.kind: result for result in results.questions}
    wished = sorted(by_kind["multiple"].options, key=lambda option: -option.count)
    assert wished[0].option.label == "Plata impozitelor și a taxelor locale"
    assert wished[0].percent > 75
    ranking = sorted(by_kind["ranking"].options, key=lambda option: option.average_rank)
    assert ranking[0].option.label == "Mai puține drumuri la ghișeu"
    assert 2 < by_kind["scale"].scale_average < 3.5
    # Free texts: the public sees only what the city published.
    texts = Answer.objects.filter(
        question__consultation=consultation, question__kind__in=["short_text", "long_text"]
    )
    states = dict(texts.values_list("moderation").annotate(n=Count("pk")))
    assert states["published"] == 20 and states["hidden"] == 2 and states["pending"] > 10
    shown = [answer.text for result in results.questions for answer in result.texts]
    assert len(shown) == 20
    assert not any("0700 000 000" in text for text in shown)
    moderated = texts.exclude(moderation="pending")
    assert set(moderated.values_list("moderated_by__email", flat=True)) == {
        "botosani-editor@demo.di4c.eu"
    }
    assert all(consultation.closes_at < a.moderated_at < now for a in moderated)


def test_the_closed_consultations_answers_are_stored_as_the_service_stores_them(
    demo_participation, botosani
):
    consultation = _closed(botosani)
    for question in consultation.questions.prefetch_related("options"):
        answers = Answer.objects.filter(question=question)
        per_response = list(
            answers.values("response").annotate(n=Count("pk")).values_list("n", flat=True)
        )
        if question.kind in ("single", "scale"):
            assert per_response == [1] * 320
        elif question.kind == "ranking":
            options = len(question.options.all())
            assert per_response == [options] * 320
            for response in consultation.responses.all()[:20]:
                ranks = answers.filter(response=response).values_list("rank", flat=True)
                assert sorted(ranks) == list(range(1, options + 1))
        elif question.kind == "multiple":
            assert len(per_response) == 320 and min(per_response) >= 1
            assert not answers.filter(option__isnull=True).exists()
        else:
            assert not question.required
            assert answers.exclude(text="").count() == answers.count() == len(per_response)
            assert all(
                len(text) <= question.text_limit for text in answers.values_list("text", flat=True)
            )
        offered = set(question.options.values_list("pk", flat=True))
        assert set(answers.exclude(option=None).values_list("option", flat=True)) <= offered


def test_the_open_consultation_is_open_and_a_demo_citizen_can_still_answer(
    demo_participation, botosani, demo_user
):
    consultation = _open(botosani)
    now = timezone.now()
    assert consultation.state() == "open"
    assert now + dt.timedelta(days=14) < consultation.closes_at < now + dt.timedelta(days=42)
    assert consultation.objective.code == "OS3.1"
    assert set(consultation.questions.values_list("kind", flat=True)) == set(QuestionKind.values)
    responses = consultation.responses.all()
    assert 20 <= responses.count() <= 40
    assert responses.values("user").distinct().count() == responses.count()
    assert all(r.submitted_at < now for r in responses)
    assert not consultation.results_visible_to_public()  # not before it closes
    # citizen@ has not answered yet: the demo's visitor can try it.
    citizen = demo_user("citizen")
    questions = {question.kind: question for question in consultation.questions.all()}
    answers = {
        f"q{questions['single'].pk}": questions["single"].options.first().pk,
        f"q{questions['multiple'].pk}": [questions["multiple"].options.last().pk],
        f"q{questions['scale'].pk}": 4,
        f"q{questions['ranking'].pk}": list(
            questions["ranking"].options.values_list("pk", flat=True)
        ),
    }
    services.response_submit(consultation=consultation, answers=answers, user=citizen)
    assert consultation.responses.count() == responses.count() + 1


def test_ideas_in_every_status_with_their_journey(demo_participation, botosani):
    ideas = Idea.objects.filter(organisation=botosani)
    assert set(ideas.values_list("status", flat=True)) == set(IdeaStatus.values)
    assert ideas.values("author").distinct().count() >= 6
    plan = _plan(botosani)
    now = timezone.now()
    for idea in ideas.filter(status=IdeaStatus.ACCEPTED):
        assert idea.action.plan == plan
        assert idea.answer and idea.status_changes.last().action == idea.action
    planned = ideas.get(status=IdeaStatus.ALREADY_PLANNED)
    assert planned.action.plan == plan and planned.action.code == "A1"
    not_retained = ideas.get(status=IdeaStatus.NOT_RETAINED)
    assert "Nu reținem ideea" in not_retained.answer
    journey = list(not_retained.status_changes.values_list("status", flat=True))
    assert journey == ["under_review", "not_retained"]
    for idea in ideas:
        changes = list(idea.status_changes.values_list("changed_at", flat=True))
        assert changes == sorted(changes)
        assert all(idea.created_at < when < now for when in changes)
        assert idea.created_at < now - dt.timedelta(days=1)
        idea.full_clean()
    # The demo citizen's own idea was accepted: signing in shows what became of it.
    own = ideas.get(author__email="citizen@demo.di4c.eu")
    assert own.status == IdeaStatus.ACCEPTED and own.action.code == "A7"
    assert Comment.objects.filter(idea__organisation=botosani).count() >= 10
    assert max(idea.supports.count() for idea in ideas) >= 25


def test_moderation_a_hidden_idea_with_its_reason_and_an_open_report(demo_participation, botosani):
    hidden = Idea.objects.get(organisation=botosani, hidden_at__isnull=False)
    assert hidden.hidden_reason.startswith("Anunț publicitar")
    assert hidden.hidden_by.email == "botosani-editor@demo.di4c.eu"
    assert not AnonymousUser().has_perm("engagement.view_idea", hidden)
    assert hidden.author.has_perm("engagement.view_idea", hidden)
    upheld = Flag.objects.get(idea=hidden)
    assert upheld.upheld is True and upheld.resolved_at == hidden.hidden_at
    report = Flag.objects.get(idea__organisation=botosani, resolved_at__isnull=True)
    assert report.comment is not None and report.reason == "personal_data"
    assert report.created_at > report.comment.created_at
    queue = selectors.moderation_queue(botosani)
    assert queue.flags == [report] and queue.hidden_ideas == 1 and queue.new_ideas == 2


def test_texts_are_in_romanian(demo_participation, botosani):
    texts = [idea.title + idea.body for idea in Idea.objects.filter(organisation=botosani)]
    texts += [
        consultation.title + consultation.description
        for consultation in Consultation.objects.filter(organisation=botosani)
    ]
    texts += list(Comment.objects.values_list("body", flat=True))
    assert all(set(text) & set("ăâîșțĂÂÎȘȚ") for text in texts)
    everything = " ".join(texts)
    assert {"ă", "ș", "ț", "î"} <= set(everything)
    assert "ş" not in everything and "ţ" not in everything  # comma below, not cedilla


def test_three_services_are_rated_and_feed_their_satisfaction(demo_participation, botosani):
    assert botosani.index_publication.is_public
    rated = PublicService.objects.filter(organisation=botosani, ratings__isnull=False).distinct()
    assert rated.count() == 3
    for service in rated:
        ratings = list(service.ratings.values_list("rating", flat=True))
        average = Decimal(sum(ratings)) / len(ratings)
        expected = (average - 1) * 25  # 1 out of 5 is 0 %, 5 out of 5 is 100 %
        assert service.satisfaction == expected.quantize(Decimal("0.01"))
        assert service.ratings.filter(comment_published=True).exists()
        assert service.ratings.exclude(comment="").filter(comment_published=False).exists()
    assert ServiceRating.objects.count() == 37
    best = rated.get(reference__code="civil-status-certificate")
    worst = rated.get(reference__code="tax-clearance-certificate")
    assert best.satisfaction > 80 > worst.satisfaction
    assert all(
        r.created_at < timezone.now() - dt.timedelta(days=1) for r in ServiceRating.objects.all()
    )


def test_the_demo_citizens_have_the_demo_password(demo_participation):
    citizens = User.objects.filter(email__startswith="cetatean", email__endswith="@demo.di4c.eu")
    assert citizens.count() == 40
    assert all(user.check_password(DEMO_PASSWORD) and user.is_active for user in citizens[:3])
    assert not citizens.filter(memberships__isnull=False).exists()  # citizens, with no role


def test_without_the_plans_there_is_no_participation(db):
    from di4c.core.demo import load_demo

    _accounts, created = load_demo("pw-demo-1234", plans=False, meetings=False, portal=False)
    assert created["consultations"] == created["ideas"] == created["service ratings"] == 0
    assert not Consultation.objects.exists() and not Idea.objects.exists()
    assert load_demo_participation() == dict.fromkeys(
        ("users", "consultations", "responses", "ideas", "service ratings"), 0
    )


@pytest.mark.django_db(transaction=True)
def test_the_full_demo_loads_the_participation_without_sending_mail(mailoutbox):
    from di4c.core.demo import demo_data, load_demo

    _accounts, created = load_demo("pw-demo-1234", meetings=False, portal=False)
    assert created["consultations"] == 2 and created["ideas"] == 10
    assert created["users"] == len(demo_data()["accounts"]) + 40
    # The city answered ideas and hid one: the mails to their (fictional) authors are dropped.
    assert Idea.objects.exclude(status=IdeaStatus.NEW).exists()
    assert mailoutbox == []
