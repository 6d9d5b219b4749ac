"""The ideas API: citizens post, comment, support and report ideas; the city answers them (the
rules of each status), hides and shows content and handles reports; hidden content stays with
its author and the moderators; authors appear by name, never by e-mail; posting too often is a
429; service ratings feed the satisfaction figure; lists keep a constant number of queries."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from di4c.engagement import services
from di4c.engagement.models import Flag, Idea, IdeaStatusChange, ServiceRating, Support
from di4c.plans.models import Action
from di4c.services.models import IndexPublication, PublicService
from tests.api.consultation_api_helpers import conforms, field_errors

pytestmark = pytest.mark.django_db

JSON = "application/json"
API = "/api/v1"
IDEAS = f"{API}/organisations/botosani/ideas"


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.DI4C_RATE_LIMITS = {}


@pytest.fixture
def citizen(token_for):
    return token_for("citizen")


@pytest.fixture
def make_idea(botosani, demo_user):
    def make(who="citizen", title="Wi-Fi gratuit în parcuri", organisation=None, **data):
        return services.idea_post(
            actor=demo_user(who),
            organisation=organisation or botosani,
            data={"title": title, "body": "În **Parcul Mihai Eminescu**.", **data},
        )

    return make


@pytest.fixture
def idea(make_idea):
    return make_idea()


@pytest.fixture
def hidden(idea, demo_user):
    services.content_hide(actor=demo_user("botosani-editor"), idea=idea, reason="Publicitate")
    return idea


def post(client, url, headers=None, **body):
    return client.post(url, body, content_type=JSON, **(headers or {}))


def test_openapi_lists_the_idea_and_feedback_endpoints(openapi):
    paths = openapi["paths"]
    for path, methods in {
        "/api/v1/organisations/{slug}/ideas": {"get", "post"},
        "/api/v1/ideas/{pk}": {"get", "patch"},
        "/api/v1/ideas/{pk}/comments": {"post"},
        "/api/v1/ideas/{pk}/support": {"post", "delete"},
        "/api/v1/ideas/{pk}/flags": {"post"},
        "/api/v1/ideas/{pk}/answer": {"post"},
        "/api/v1/ideas/{pk}/hide": {"post"},
        "/api/v1/ideas/{pk}/show": {"post"},
        "/api/v1/organisations/{slug}/moderation/flags": {"get"},
        "/api/v1/flags/{pk}/dismiss": {"post"},
        "/api/v1/services/{pk}/ratings": {"get", "post"},
    }.items():
        assert set(paths[path]) == methods, path
        assert all(paths[path][m]["tags"] == ["ideas"] for m in methods)
    assert "429" in paths["/api/v1/organisations/{slug}/ideas"]["post"]["responses"]


# --- posting and reading ------------------------------------------------------------------------


def test_a_citizen_posts_an_idea_shown_under_their_name_only(client, citizen, openapi):
    response = post(client, IDEAS, citizen, title="Parcare cu plata prin SMS", body="*Repede*")
    assert response.status_code == 201, response.content
    body = response.json()
    conforms(openapi, "IdeaDetailOut", body)
    assert body["author"] == "Ioana Vasile" and body["is_mine"] is True
    assert body["status"] == "new" and body["journey"] == [] and body["comments"] == []
    assert body["body_html"] == "<p><em>Repede</em></p>"
    assert "@" not in response.content.decode()
    public = client.get(f"{API}/ideas/{body['id']}").json()
    assert public["author"] == "Ioana Vasile" and public["is_mine"] is False
    assert public["supported"] is None and public["flags"] is None


def test_posting_needs_an_account(client, demo):
    assert post(client, IDEAS, title="X", body="Y").status_code == 401
    assert not Idea.objects.exists()


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"body": "x" * 4001}, "body"),
        ({"plan_id": 999999}, "plan_id"),
        ({"title": "Două\nrânduri"}, "title"),
        ({"author": 1}, "author"),
    ],
)
def test_bad_ideas_are_422_naming_the_field(client, citizen, fields, field):
    body = {"title": "Bancă digitală", "body": "Da", **fields}
    errors = field_errors(post(client, IDEAS, citizen, **body))
    assert any(key[-1] == field for key in errors), errors
    assert not Idea.objects.exists()


def test_a_plan_of_another_city_is_refused(client, citizen, demo_plans):
    from di4c.plans.models import Plan

    plan = Plan.objects.exclude(organisation__slug="botosani").first()
    errors = field_errors(post(client, IDEAS, citizen, title="T", body="B", plan_id=plan.pk))
    assert ("plan_id",) in errors


def test_posting_too_often_is_429(client, citizen, settings):
    settings.DI4C_RATE_LIMITS = {"idea": (2, None)}
    for number in range(2):
        assert post(client, IDEAS, citizen, title=f"Idee {number}", body="B").status_code == 201
    limited = post(client, IDEAS, citizen, title="Idee 3", body="B")
    assert limited.status_code == 429
    assert "too often" in limited.json()["detail"]
    assert Idea.objects.count() == 2


def test_the_list_filters_and_sorts(client, make_idea, demo_user, token_for):
    first = make_idea(title="Prima")
    second = make_idea(title="A doua", who="local-group")
    services.idea_support(actor=demo_user("citizen"), idea=first)
    services.idea_answer(
        actor=demo_user("botosani-editor"), idea=second, status="under_review", answer="Analizăm"
    )
    body = client.get(IDEAS).json()
    assert [item["id"] for item in body["items"]] == [second.pk, first.pk]
    assert body["items"][0]["author"] == "Maria Rusu"
    assert body["items"][0]["open_flags"] is None
    supported = client.get(IDEAS, {"sort": "supported"}).json()["items"]
    assert [(item["id"], item["support_count"]) for item in supported] == [
        (first.pk, 1),
        (second.pk, 0),
    ]
    review = client.get(IDEAS, {"status": "under_review"}).json()
    assert review["count"] == 1 and review["items"][0]["answer"] == "Analizăm"
    paged = client.get(IDEAS, {"limit": 1, "offset": 1}).json()
    assert paged["count"] == 2 and [item["id"] for item in paged["items"]] == [first.pk]
    moderator = client.get(IDEAS, **token_for("botosani-editor")).json()
    assert moderator["items"][0]["open_flags"] == 0


@pytest.mark.parametrize("params", [{"status": "done"}, {"sort": "oldest"}, {"limit": 0}])
def test_bad_list_parameters_are_422(client, demo, params):
    assert client.get(IDEAS, params).status_code == 422


def test_the_lists_take_a_constant_number_of_queries(client, make_idea, demo_user, token_for):
    readers = {
        "anonymous": {},
        "citizen": token_for("citizen"),
        "editor": token_for("botosani-editor"),
    }

    def counts() -> dict:
        result = {}
        for name, headers in readers.items():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(IDEAS, {"sort": "supported"}, **headers).status_code == 200
            result[name] = len(captured)
        return result

    def add(number: int) -> None:
        idea = make_idea(title=f"Idee {number}", who=("citizen", "local-group")[number % 2])
        services.comment_post(actor=demo_user("local-group"), idea=idea, body="De acord")
        services.idea_support(actor=demo_user("local-group"), idea=idea)
        if number % 3 == 0:
            services.content_hide(actor=demo_user("botosani-editor"), idea=idea, reason="Spam")

    add(0)
    counts()  # the tokens' first use is recorded once
    small = counts()
    for number in range(1, 12):
        add(number)
    assert client.get(IDEAS, **readers["editor"]).json()["count"] == 12
    assert counts() == small


# --- hidden content -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", [None, "local-group", "messina-editor"])
def test_a_hidden_idea_is_not_found_by_others(client, hidden, token_for, who):
    headers = token_for(who) if who else {}
    assert client.get(f"{API}/ideas/{hidden.pk}", **headers).status_code == 404
    assert client.get(IDEAS, **headers).json()["count"] == 0
    if who:
        assert (
            post(client, f"{API}/ideas/{hidden.pk}/comments", headers, body="x").status_code == 404
        )
        assert client.post(f"{API}/ideas/{hidden.pk}/support", **headers).status_code == 404


def test_the_author_and_the_city_still_see_a_hidden_idea(client, hidden, citizen, editor):
    mine = client.get(f"{API}/ideas/{hidden.pk}", **citizen).json()
    assert mine["is_hidden"] is True and mine["hidden_reason"] == "Publicitate"
    assert client.get(IDEAS, **citizen).json()["count"] == 1
    city = client.get(f"{API}/ideas/{hidden.pk}", **editor).json()
    assert city["is_hidden"] is True and city["flags"] == []


# --- comments, support, reports -----------------------------------------------------------------


def test_comments_appear_with_their_authors_name(client, idea, token_for):
    response = post(
        client, f"{API}/ideas/{idea.pk}/comments", token_for("local-group"), body="**Da**"
    )
    assert response.status_code == 201, response.content
    comment = response.json()
    assert (
        comment["author"] == "Maria Rusu" and comment["body_html"] == "<p><strong>Da</strong></p>"
    )
    detail = client.get(f"{API}/ideas/{idea.pk}").json()
    assert [c["id"] for c in detail["comments"]] == [comment["id"]]
    assert detail["comment_count"] == 1
    assert "@" not in client.get(f"{API}/ideas/{idea.pk}").content.decode()
    assert post(client, f"{API}/ideas/{idea.pk}/comments", body="x").status_code == 401
    too_long = post(
        client, f"{API}/ideas/{idea.pk}/comments", token_for("citizen"), body="x" * 1001
    )
    assert too_long.status_code == 422


def test_support_counts_once_per_person(client, idea, citizen):
    url = f"{API}/ideas/{idea.pk}/support"
    first = client.post(url, **citizen).json()
    assert first == {"supported": True, "changed": True, "support_count": 1}
    again = client.post(url, **citizen).json()
    assert again == {"supported": True, "changed": False, "support_count": 1}
    assert Support.objects.filter(idea=idea).count() == 1
    assert client.get(f"{API}/ideas/{idea.pk}", **citizen).json()["supported"] is True
    withdrawn = client.delete(url, **citizen).json()
    assert withdrawn == {"supported": False, "changed": True, "support_count": 0}
    assert client.post(url).status_code == 401


def test_reports_reach_the_moderators(client, idea, token_for, editor, demo_user):
    comment = services.comment_post(actor=demo_user("citizen"), idea=idea, body="Cumpărați acum!")
    reporter = token_for("local-group")
    url = f"{API}/ideas/{idea.pk}/flags"
    reported = post(client, url, reporter, reason="spam", comment_id=comment.pk, note="Reclamă")
    assert reported.status_code == 201, reported.content
    assert reported.json()["comment"]["id"] == comment.pk
    assert post(client, url, reporter, reason="off_topic").status_code == 201
    assert post(client, url, reporter, reason="off_topic").status_code == 422  # once each
    assert ("reason",) in field_errors(post(client, url, reporter, reason="boring"))
    assert ("comment_id",) in field_errors(
        post(client, url, reporter, reason="spam", comment_id=999999)
    )
    assert post(client, url, reason="spam").status_code == 401

    queue = client.get(f"{API}/organisations/botosani/moderation/flags", **editor)
    assert queue.status_code == 200
    body = queue.json()
    assert body["new_ideas"] == 1 and body["hidden_ideas"] == 0
    assert [(f["reason"], f["comment"] is not None) for f in body["flags"]] == [
        ("spam", True),
        ("off_topic", False),
    ]
    assert body["flags"][0]["comment"]["author"] == "Ioana Vasile"
    assert "@" not in queue.content.decode()

    idea_flag = body["flags"][1]["id"]
    dismissed = client.post(f"{API}/flags/{idea_flag}/dismiss", **editor)
    assert dismissed.status_code == 200 and dismissed.json()["upheld"] is False
    assert client.post(f"{API}/flags/{idea_flag}/dismiss", **editor).status_code == 422
    hidden = post(
        client, f"{API}/ideas/{idea.pk}/hide", editor, reason="Reclamă", comment_id=comment.pk
    )
    assert hidden.status_code == 200
    assert [c["is_hidden"] for c in hidden.json()["comments"]] == [True]
    assert Flag.objects.get(comment=comment).upheld is True
    assert (
        client.get(f"{API}/organisations/botosani/moderation/flags", **editor).json()["flags"] == []
    )
    public = client.get(f"{API}/ideas/{idea.pk}").json()
    assert public["comments"] == [] and public["comment_count"] == 0


@pytest.mark.parametrize("who, status", [(None, 401), ("citizen", 403), ("messina-editor", 403)])
def test_only_the_citys_moderators_read_the_reports(
    client, idea, token_for, demo_user, who, status
):
    flag = services.flag_create(actor=demo_user("local-group"), idea=idea, reason="spam")
    headers = token_for(who) if who else {}
    assert (
        client.get(f"{API}/organisations/botosani/moderation/flags", **headers).status_code
        == status
    )
    assert client.post(f"{API}/flags/{flag.pk}/dismiss", **headers).status_code == status
    flag.refresh_from_db()
    assert flag.resolved_at is None


# --- the city's answers and moderation ----------------------------------------------------------


@pytest.fixture
def action(demo_plans):
    return Action.objects.filter(plan__organisation__slug="botosani").first()


def test_answering_follows_the_rules_of_each_status(
    client, idea, editor, action, django_capture_on_commit_callbacks
):
    url = f"{API}/ideas/{idea.pk}/answer"
    assert ("action_id",) in field_errors(post(client, url, editor, status="accepted"))
    assert ("answer",) in field_errors(post(client, url, editor, status="not_retained"))
    assert ("status",) in field_errors(post(client, url, editor, status="new"))
    assert ("status",) in field_errors(post(client, url, editor, status="maybe"))
    foreign = Action.objects.exclude(plan__organisation__slug="botosani").first()
    wrong = post(client, url, editor, status="accepted", action_id=foreign.pk)
    assert ("action_id",) in field_errors(wrong)
    assert ("action_id",) in field_errors(
        post(client, url, editor, status="accepted", action_id=999999)
    )
    assert not IdeaStatusChange.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        accepted = post(
            client, url, editor, status="accepted", answer="Intră în plan", action_id=action.pk
        )
    assert accepted.status_code == 200, accepted.content
    body = accepted.json()
    assert body["status"] == "accepted" and body["action"]["id"] == action.pk
    assert [(step["status"], step["action"]["id"]) for step in body["journey"]] == [
        ("accepted", action.pk)
    ]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["citizen@demo.di4c.eu"]
    retained = post(client, url, editor, status="not_retained", answer="Nu avem buget")
    assert retained.status_code == 200
    journey = client.get(f"{API}/ideas/{idea.pk}").json()["journey"]
    assert [(step["status"], step["answer"]) for step in journey] == [
        ("accepted", "Intră în plan"),
        ("not_retained", "Nu avem buget"),
    ]
    assert journey[1]["action"] is None


@pytest.mark.parametrize("who, status", [("citizen", 403), ("messina-editor", 403), (None, 401)])
def test_citizens_and_other_cities_neither_answer_nor_moderate(
    client, idea, token_for, who, status
):
    headers = token_for(who) if who else {}
    url = f"{API}/ideas/{idea.pk}"
    assert post(client, f"{url}/answer", headers, status="under_review").status_code == status
    assert post(client, f"{url}/hide", headers, reason="No").status_code == status
    assert post(client, f"{url}/show", headers).status_code == status
    idea.refresh_from_db()
    assert idea.status == "new" and not idea.is_hidden


def test_the_city_hides_and_shows_an_idea(client, idea, editor, django_capture_on_commit_callbacks):
    url = f"{API}/ideas/{idea.pk}"
    assert ("reason",) in field_errors(post(client, f"{url}/hide", editor, reason="  "))
    with django_capture_on_commit_callbacks(execute=True):
        hidden = post(client, f"{url}/hide", editor, reason="Date personale")
    assert hidden.status_code == 200 and hidden.json()["hidden_reason"] == "Date personale"
    assert len(mail.outbox) == 1 and "Date personale" in mail.outbox[0].body
    assert client.get(url).status_code == 404
    shown = post(client, f"{url}/show", editor)
    assert shown.status_code == 200 and shown.json()["is_hidden"] is False
    assert client.get(url).status_code == 200


def test_the_author_edits_until_the_city_answers(client, idea, citizen, token_for, demo_user):
    url = f"{API}/ideas/{idea.pk}"
    changed = client.patch(url, {"title": "Wi-Fi în toate parcurile"}, content_type=JSON, **citizen)
    assert changed.status_code == 200 and changed.json()["title"] == "Wi-Fi în toate parcurile"
    other = client.patch(url, {"title": "X"}, content_type=JSON, **token_for("local-group"))
    assert other.status_code == 403
    services.idea_answer(actor=demo_user("botosani-editor"), idea=idea, status="under_review")
    late = client.patch(url, {"title": "Y"}, content_type=JSON, **citizen)
    assert late.status_code == 422
    idea.refresh_from_db()
    assert idea.title == "Wi-Fi în toate parcurile"


# --- service feedback ---------------------------------------------------------------------------


@pytest.fixture
def service(botosani):
    IndexPublication.objects.update_or_create(organisation=botosani, defaults={"is_public": True})
    return PublicService.objects.filter(organisation=botosani).first()


def test_ratings_feed_the_satisfaction_figure(
    client, service, citizen, token_for, editor, demo_user
):
    url = f"{API}/services/{service.pk}/ratings"
    rated = post(client, url, citizen, rating=5, comment="Rapid")
    assert rated.status_code == 201, rated.content
    assert rated.json()["satisfaction"] == 100.0 and rated.json()["comment_published"] is False
    # Average 3.5 out of 5: (3.5 - 1) / 4 = 62.5 %.
    assert post(client, url, token_for("local-group"), rating=2).json()["satisfaction"] == 62.5
    again = post(client, url, citizen, rating=4, comment="Rapid")  # replaces the first
    assert again.json()["satisfaction"] == 50.0
    assert ServiceRating.objects.filter(service=service).count() == 2
    public = client.get(url).json()
    assert public["count"] == 2 and public["average"] == 3.0 and public["satisfied_percent"] == 50.0
    assert public["distribution"][1] == {"rating": 4, "count": 1}
    assert public["comments"] == [] and public["accepts_feedback"] is True
    city = client.get(url, **editor).json()
    assert [(c["comment"], c["published"]) for c in city["comments"]] == [("Rapid", False)]
    services.rating_comment_publish(
        actor=demo_user("botosani-editor"),
        rating=ServiceRating.objects.get(comment="Rapid"),
        publish=True,
    )
    published = client.get(url).json()["comments"]
    assert [(c["rating"], c["comment"], c["published"]) for c in published] == [(4, "Rapid", None)]
    assert "@" not in client.get(url, **editor).content.decode()


@pytest.mark.parametrize("rating", [0, 6, "five"])
def test_a_rating_is_1_to_5(client, service, citizen, rating):
    assert (
        post(client, f"{API}/services/{service.pk}/ratings", citizen, rating=rating).status_code
        == 422
    )
    assert not ServiceRating.objects.exists()


def test_rating_needs_an_account_and_a_published_catalogue(client, botosani, citizen):
    service = PublicService.objects.filter(organisation=botosani).first()
    url = f"{API}/services/{service.pk}/ratings"
    assert post(client, url, rating=4).status_code == 401
    assert client.get(url).status_code == 404  # the city has not published its index
    assert post(client, url, citizen, rating=4).status_code == 404
    assert client.get(f"{API}/services/999999/ratings").status_code == 404
