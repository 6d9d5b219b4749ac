"""The capacity API, rounds: the city's editors prepare, open and close rounds and hand out
single-use links; a person answers once, anonymously, with clear errors for levels outside 1-8,
unknown competences and a reused link (nothing counted); results, needs and the comparison are
aggregates of closed rounds in which no group of fewer than five people ever appears; and they
take the same number of queries whatever the size of the city."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from di4c.capacity import services
from di4c.capacity.models import RespondentTally, Round, RoundLink
from di4c.networks.models import Organisation
from tests.api.capacity_api_helpers import (
    CAPACITY,
    JSON,
    answer,
    city_setup,
    codes_of,
    field_errors,
    make_round,
)

pytestmark = pytest.mark.django_db

CITY = f"{CAPACITY}/organisations/botosani"
ANSWER = f"{CAPACITY}/self-assessments"
OUTSIDERS = ["citizen", "messina-editor"]


@pytest.fixture
def editor(demo_user):
    return demo_user("botosani-editor")


@pytest.fixture
def setup(botosani, editor):
    return city_setup(botosani, editor)


@pytest.fixture
def open_round(setup, botosani, editor) -> Round:
    return make_round(botosani, editor)


def _answered(round_) -> int:
    return sum(RespondentTally.objects.filter(round=round_).values_list("count", flat=True))


def _links(round_, editor, department="API Taxes", count=1) -> list[str]:
    department = round_.organisation.departments.get(name=department)
    return services.links_create(actor=editor, round_=round_, department=department, count=count)


# --- preparing, opening, closing ----------------------------------------------------------------


def test_rounds_are_prepared_by_the_citys_editors_only(client, setup, token_for):
    today = timezone.localdate()
    body = {
        "title": "Competențe 2026",
        "opens_on": str(today),
        "closes_on": str(today + dt.timedelta(days=14)),
        "areas": ["1", "6"],
    }
    url = f"{CITY}/rounds"
    assert client.post(url, body, content_type=JSON).status_code == 401
    for who in [*OUTSIDERS, "local-group"]:
        assert client.post(url, body, content_type=JSON, **token_for(who)).status_code == 403, who
    assert not Round.objects.filter(title="Competențe 2026").exists()
    editor = token_for("botosani-editor")
    response = client.post(url, body, content_type=JSON, **editor)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft" and created["access"] == "links"
    assert created["areas"] == ["1", "6"] and created["organisation"] == "botosani"
    assert created["framework"] == {"code": "di4c-skills", "version": 1}
    listed = client.get(url, **token_for("local-group")).json()
    assert created["id"] in [row["id"] for row in listed["items"]]
    one = f"{CAPACITY}/rounds/{created['id']}"
    assert client.get(one, **token_for("coordinator")).status_code == 200
    for who in OUTSIDERS:
        assert client.get(one, **token_for(who)).status_code == 403
        patch = client.patch(one, {"title": "X"}, content_type=JSON, **token_for(who))
        assert patch.status_code == 403
    assert client.patch(one, {"title": "X"}, content_type=JSON).status_code == 401
    patched = client.patch(one, {"areas": [], "access": "accounts"}, content_type=JSON, **editor)
    assert patched.status_code == 200
    assert patched.json()["areas"] == [] and patched.json()["access"] == "accounts"
    assert client.get(f"{CAPACITY}/rounds/999999", **editor).status_code == 404


def test_round_input_errors_name_the_field(client, setup, token_for):
    editor = token_for("botosani-editor")
    today = timezone.localdate()
    body = {"title": "R", "opens_on": str(today), "closes_on": str(today - dt.timedelta(days=1))}
    backwards = client.post(f"{CITY}/rounds", body, content_type=JSON, **editor)
    assert ("closes_on",) in field_errors(backwards)
    body["closes_on"] = str(today)
    no_area = client.post(f"{CITY}/rounds", {**body, "areas": ["9"]}, content_type=JSON, **editor)
    assert field_errors(no_area) == {("areas",): "Not an area of the framework: 9."}
    access = client.post(f"{CITY}/rounds", {**body, "access": "mail"}, content_type=JSON, **editor)
    assert ("access",) in field_errors(access)
    assert not Round.objects.filter(title="R").exists()


def test_opening_closing_and_links_are_for_the_editors(client, setup, botosani, editor, token_for):
    round_ = services.round_save(
        actor=editor,
        organisation=botosani,
        data={
            "title": "Draft",
            "opens_on": timezone.localdate(),
            "closes_on": timezone.localdate(),
        },
    )
    base = f"{CAPACITY}/rounds/{round_.pk}"
    taxes = setup["departments"]["API Taxes"]
    links = {"department_id": taxes.pk, "count": 3}
    assert client.post(f"{base}/open").status_code == 401
    for who in [*OUTSIDERS, "local-group"]:
        headers = token_for(who)
        assert client.post(f"{base}/open", **headers).status_code == 403, who
        assert client.post(f"{base}/links", links, content_type=JSON, **headers).status_code == 403
    assert client.post(f"{base}/links", links, content_type=JSON).status_code == 401
    boss = token_for("botosani-editor")
    opened = client.post(f"{base}/open", **boss)
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    again = client.post(f"{base}/open", **boss)
    assert field_errors(again) == {(): "Only a draft round can be opened."}
    response = client.post(f"{base}/links", links, content_type=JSON, **boss)
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    made = response.json()
    assert made["department"] == "API Taxes" and len(made["links"]) == 3
    tokens = [link["token"] for link in made["links"]]
    assert len(set(tokens)) == 3
    stored = set(RoundLink.objects.filter(round=round_).values_list("token_hash", flat=True))
    assert not stored & set(tokens)  # only hashes are kept
    try:
        page = reverse("capacity:answer_link", args=[tokens[0]])
    except NoReverseMatch:  # the answering page is not wired yet
        page = None
    if page is not None:
        assert made["links"][0]["url"].endswith(page)
    messina_department = Organisation.objects.get(slug="messina").departments.create(name="Uff")
    foreign = {"department_id": messina_department.pk, "count": 1}
    wrong = client.post(f"{base}/links", foreign, content_type=JSON, **boss)
    assert ("department_id",) in field_errors(wrong)
    too_many = client.post(f"{base}/links", {**links, "count": 501}, content_type=JSON, **boss)
    assert too_many.status_code == 422
    for who in OUTSIDERS:
        assert client.post(f"{base}/close", **token_for(who)).status_code == 403
    assert client.post(f"{base}/close").status_code == 401
    closed = client.post(f"{base}/close", **boss)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    late = client.post(f"{base}/links", links, content_type=JSON, **boss)
    assert field_errors(late) == {(): "This round is closed."}


def test_participation_counts_people_per_department_while_open(
    client, open_round, editor, token_for
):
    answer(open_round, "API Archive", "api-it", 3, actor=editor, count=2)
    _links(open_round, editor, "API Taxes", count=4)
    url = f"{CAPACITY}/rounds/{open_round.pk}/participation"
    assert client.get(url).status_code == 401
    for who in [*OUTSIDERS, "local-group"]:
        assert client.get(url, **token_for(who)).status_code == 403, who
    body = client.get(url, **token_for("botosani-editor")).json()
    assert body["shown"] is True and body["answered"] == 2
    by_name = {row["name"]: row for row in body["departments"]}
    assert by_name["API Archive"]["answered"] == 2 and by_name["API Archive"]["links"] == 2
    assert by_name["API Taxes"]["answered"] == 0 and by_name["API Taxes"]["links"] == 4
    services.round_close(actor=editor, round_=open_round)
    closed = client.get(url, **token_for("botosani-editor")).json()
    assert closed["shown"] is False and closed["departments"] == []
    assert closed["answered"] is None


# --- answering ----------------------------------------------------------------------------------


def _levels(round_, level=4) -> dict:
    return dict.fromkeys(codes_of(round_), level)


def test_a_link_counts_one_anonymous_answer_once(client, open_round, editor):
    [token] = _links(open_round, editor)
    body = {"token": token, "role": "api-front", "levels": _levels(open_round)}
    response = client.post(ANSWER, body, content_type=JSON)
    assert response.status_code == 201, response.content
    # Nothing that identifies the answer or the person comes back.
    assert response.json() == {"detail": "Thank you: your self-assessment has been counted."}
    assert _answered(open_round) == 1
    second = client.post(ANSWER, {**body, "levels": _levels(open_round, 2)}, content_type=JSON)
    assert second.status_code == 409
    assert "already been used" in second.json()["detail"]
    assert _answered(open_round) == 1


def test_bad_levels_are_422_naming_each_competence(client, open_round, editor):
    [token] = _links(open_round, editor)
    first, second, third, *_rest = codes_of(open_round)
    levels = {**_levels(open_round), first: 0, second: 9, "9.9": 3}
    del levels[third]
    body = {"token": token, "role": "api-front", "levels": levels}
    errors = field_errors(client.post(ANSWER, body, content_type=JSON))
    assert errors == {
        ("levels", first): "Level 0 is outside the scale: choose from 1 to 8.",
        ("levels", second): "Level 9 is outside the scale: choose from 1 to 8.",
        ("levels", third): "Choose the level that describes you best.",
        ("levels",): "Not a competence of this round: 9.9.",
    }
    text = {**_levels(open_round), first: "three"}
    wrong = client.post(ANSWER, {**body, "levels": text}, content_type=JSON)
    assert field_errors(wrong) == {("levels", first): "Choose a level from 1 to 8."}
    nobody = client.post(ANSWER, {**body, "role": "api-ghost"}, content_type=JSON)
    assert ("role",) in field_errors(nobody)
    # Nothing was counted and the link is still unused: the person can answer properly.
    assert _answered(open_round) == 0
    assert not RoundLink.objects.get(round=open_round).is_used
    good = {**body, "levels": _levels(open_round)}
    assert client.post(ANSWER, good, content_type=JSON).status_code == 201


def test_links_that_do_not_open_the_round(client, open_round, editor, botosani):
    levels = _levels(open_round)
    bogus = client.post(
        ANSWER, {"token": "x" * 30, "role": "api-front", "levels": levels}, content_type=JSON
    )
    assert ("token",) in field_errors(bogus)
    no_token = client.post(
        ANSWER,
        {"round_id": open_round.pk, "role": "api-front", "levels": levels},
        content_type=JSON,
    )
    assert no_token.status_code == 401
    [token] = _links(open_round, editor)
    other = make_round(botosani, editor, title="Another")
    elsewhere = client.post(
        ANSWER,
        {"token": token, "round_id": other.pk, "role": "api-front", "levels": levels},
        content_type=JSON,
    )
    assert ("token",) in field_errors(elsewhere)
    services.round_close(actor=editor, round_=open_round)
    late = client.post(
        ANSWER, {"token": token, "role": "api-front", "levels": levels}, content_type=JSON
    )
    assert "closed" in field_errors(late)[()]
    assert _answered(open_round) == 0


def test_a_round_answered_by_signing_in(client, setup, botosani, editor, token_for, demo_user):
    round_ = make_round(botosani, editor, title="Signed in", access="accounts")
    taxes = setup["departments"]["API Taxes"]
    body = {
        "round_id": round_.pk,
        "department_id": taxes.pk,
        "role": "api-front",
        "levels": _levels(round_),
    }
    assert client.post(ANSWER, body, content_type=JSON).status_code == 401
    for who in OUTSIDERS:
        assert client.post(ANSWER, body, content_type=JSON, **token_for(who)).status_code == 403
    member = token_for("local-group")
    no_department = client.post(
        ANSWER, {**body, "department_id": None}, content_type=JSON, **member
    )
    assert ("department_id",) in field_errors(no_department)
    response = client.post(ANSWER, body, content_type=JSON, **member)
    assert response.status_code == 201, response.content
    again = client.post(ANSWER, body, content_type=JSON, **member)
    assert again.status_code == 409 and "already answered" in again.json()["detail"]
    # The browser session of a member works too, once.
    client.force_login(demo_user("botosani-editor"))
    assert client.post(ANSWER, body, content_type=JSON).status_code == 201
    assert client.post(ANSWER, body, content_type=JSON).status_code == 409
    assert _answered(round_) == 2
    # A link round is not answered by signing in.
    links_round = make_round(botosani, editor, title="By link")
    by_link = client.post(ANSWER, {**body, "round_id": links_round.pk}, content_type=JSON)
    assert ("token",) in field_errors(by_link)


# --- results: aggregates of closed rounds, never a group under five -----------------------------


def _answer_city(round_, editor, taxes_level=3, scale=1):
    """Taxes: 6 front-office people; Registry: 5; Archive: 4 (all front office, so that every
    department group splits into roles of five or more and target figures are shown)."""
    answer(round_, "API Taxes", "api-front", taxes_level, actor=editor, count=6 * scale)
    answer(round_, "API Registry", "api-front", 5, actor=editor, count=5 * scale)
    answer(round_, "API Archive", "api-front", 2, actor=editor, count=4 * scale)


def _groups_in(body) -> list[dict]:
    groups = [*body.get("departments", []), *body.get("roles", []), *body.get("groups", [])]
    return groups + [need["group"] for need in body.get("needs", [])]


def test_results_of_an_open_round_are_not_shown(client, open_round, editor, token_for):
    _answer_city(open_round, editor)
    for path in ("results", "needs"):
        url = f"{CAPACITY}/rounds/{open_round.pk}/{path}"
        body = client.get(url, **token_for("botosani-editor")).json()
        assert body["shown"] is False
        assert body["reason"] == "Results are shown once the round is closed."
        assert _groups_in(body) == []
    results = client.get(f"{CAPACITY}/rounds/{open_round.pk}/results", **token_for("local-group"))
    assert results.json()["respondents"] is None and results.json()["overall"] is None


def test_too_few_people_show_nothing(client, open_round, editor, token_for):
    answer(open_round, "API Taxes", "api-front", 3, actor=editor, count=4)
    services.round_close(actor=editor, round_=open_round)
    body = client.get(f"{CAPACITY}/rounds/{open_round.pk}/results", **token_for("local-group"))
    assert body.json()["shown"] is False and "Fewer than 5" in body.json()["reason"]
    assert _groups_in(body.json()) == []


def test_results_never_show_a_group_of_four(client, open_round, editor, token_for):
    _answer_city(open_round, editor)
    services.round_close(actor=editor, round_=open_round)
    url = f"{CAPACITY}/rounds/{open_round.pk}/results"
    assert client.get(url).status_code == 401
    for who in OUTSIDERS:
        assert client.get(url, **token_for(who)).status_code == 403
    body = client.get(url, **token_for("local-group")).json()
    assert body["shown"] is True and body["respondents"] == 15
    departments = [(g["kind"], g["label"], g["respondents"]) for g in body["departments"]]
    # Archive (4) joins "Other", and then Registry (5, the smallest left) so that "Other"
    # reaches five; totals stay right.
    assert departments == [
        ("department", "API Taxes", 6),
        ("other", "Other (groups under 5)", 9),
        ("all", "All departments", 15),
    ]
    assert body["departments"][1]["members"] == ["API Archive", "API Registry"]
    # One role in every department group: figures by role are shown (15 front office).
    assert body["roles_shown"] is True and body["roles_reason"] == ""
    assert [(g["kind"], g["respondents"]) for g in body["roles"]] == [("role", 15)]
    for group in _groups_in(body):
        assert group["respondents"] >= 5
        assert all(cell["respondents"] >= 5 for cell in group["cells"])
    taxes, other, everyone = body["departments"]
    first = taxes["cells"][0]
    assert first["mean_level"] == 3.0 and first["below"] == 6 and first["shortfall"] == 6
    other_cell = other["cells"][0]
    # Registry: 5 at 5 (target 4); Archive: 4 at 2 -> 5 of 9 at target.
    assert other_cell["mean_level"] == 3.7 and other_cell["share_at_target"] == 55.6
    assert other_cell["bands"] == [4, 0, 5, 0]
    # Taxes: 6 below target; Registry: 5 at target; Archive: 4 below -> 5 of 15.
    assert everyone["overall"]["share_at_target"] == 33.3
    assert body["overall"]["respondents"] == 15 * len(body["competences"])


def test_needs_are_ranked_by_the_levels_missing(client, open_round, editor, token_for):
    _answer_city(open_round, editor)
    services.round_close(actor=editor, round_=open_round)
    codes = codes_of(open_round)
    url = f"{CAPACITY}/rounds/{open_round.pk}/needs"
    body = client.get(url, **token_for("coordinator")).json()
    assert body["shown"] is True and body["count"] == 2 * len(codes)
    ranked = [(n["group"]["label"], n["competence"]["code"]) for n in body["needs"]]
    # "Other": Archive's 4 people 2 levels short = 8 per competence; Taxes: 6 people 1 short.
    assert ranked == [("Other (groups under 5)", code) for code in codes] + [
        ("API Taxes", code) for code in codes
    ]
    assert [n["rank"] for n in body["needs"]] == list(range(1, 2 * len(codes) + 1))
    shortfalls = [n["stats"]["shortfall"] for n in body["needs"]]
    assert shortfalls == [8] * len(codes) + [6] * len(codes)
    assert all(need["group"]["respondents"] >= 5 for need in body["needs"])
    cut = client.get(url, {"limit": 2}, **token_for("coordinator")).json()
    assert len(cut["needs"]) == 2 and cut["count"] == 2 * len(codes)
    for who in OUTSIDERS:
        assert client.get(url, **token_for(who)).status_code == 403


def test_the_comparison_of_two_rounds(client, setup, botosani, editor, token_for):
    before = make_round(botosani, editor, title="Before")
    _answer_city(before, editor, taxes_level=3)
    services.round_close(actor=editor, round_=before)
    after = make_round(botosani, editor, title="After")
    url = f"{CAPACITY}/rounds/{after.pk}/comparison"
    still_open = client.get(url, {"before": before.pk}, **token_for("local-group")).json()
    assert still_open["shown"] is False and still_open["groups"] == []
    _answer_city(after, editor, taxes_level=4)
    services.round_close(actor=editor, round_=after)
    body = client.get(url, {"before": before.pk}, **token_for("local-group")).json()
    assert body["shown"] is True
    assert [(g["kind"], g["label"]) for g in body["groups"]] == [
        ("department", "API Taxes"),
        ("other", "Other (groups under 5)"),
        ("all", "All departments"),
    ]
    assert all(group["respondents"] >= 5 for group in body["groups"])
    taxes = body["groups"][0]["changes"][0]
    assert taxes["before"]["mean_level"] == 3.0 and taxes["after"]["mean_level"] == 4.0
    assert taxes["level_change"] == 1.0 and taxes["target_change"] == 100.0
    assert body["groups"][1]["changes"][0]["level_change"] == 0.0
    assert client.get(url, **token_for("local-group")).status_code == 422  # before is needed
    assert client.get(url, {"before": before.pk}).status_code == 401
    for who in OUTSIDERS:
        assert client.get(url, {"before": before.pk}, **token_for(who)).status_code == 403


# --- query counts -------------------------------------------------------------------------------


def _queries(client, url, headers, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {}, **headers)
    assert response.status_code == 200, response.content
    return len(captured)


def test_results_take_a_constant_number_of_queries(client, setup, botosani, editor, token_for):
    reader = token_for("local-group")

    def rounds_answered(scale: int) -> tuple[Round, Round]:
        made = []
        for level in (3, 4):
            round_ = make_round(botosani, editor, title=f"Size {scale}", areas=("1", "6"))
            _answer_city(round_, editor, taxes_level=level, scale=scale)
            if scale > 1:  # a bigger city: one more department too
                services.department_save(
                    actor=editor, organisation=botosani, data={"name": f"API Extra {level}"}
                )
                answer(round_, f"API Extra {level}", "api-it", 4, actor=editor, count=7)
            made.append(services.round_close(actor=editor, round_=round_))
        return made[0], made[1]

    def counts(before: Round, after: Round) -> dict:
        base = f"{CAPACITY}/rounds/{after.pk}"
        return {
            "results": _queries(client, f"{base}/results", reader),
            "needs": _queries(client, f"{base}/needs", reader),
            "comparison": _queries(client, f"{base}/comparison", reader, {"before": before.pk}),
            "dashboard": _queries(client, f"{CITY}/dashboard", reader),
            "rounds": _queries(client, f"{CITY}/rounds", reader),
        }

    small = rounds_answered(1)
    counts(*small)  # the token's first use is recorded once
    small_counts = counts(*small)
    big = rounds_answered(3)
    big_body = client.get(f"{CAPACITY}/rounds/{big[1].pk}/results", **reader).json()
    assert big_body["respondents"] == 15 * 3 + 7
    assert counts(*big) == small_counts
