"""The library's links into the loop: the maturity gap analysis names the practices of the
partners strongest where the city is weak, and plan actions name the practices that inspired
them (shown on both pages)."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from di4c.maturity.models import Framework
from di4c.networks.models import Organisation
from di4c.plans.models import Action, Plan
from di4c.portal import services
from di4c.portal.cache import forget_revision
from di4c.portal.selectors.practices import practices_for_gaps
from tests.factories import OrganisationFactory
from tests.maturity.test_benchmarks import validated

pytestmark = pytest.mark.django_db

LATER = dt.datetime(2031, 1, 1)


def share(actor, organisation, title, *, status="published", dimensions=()):
    return services.practice_create(
        actor=actor,
        organisation=organisation,
        language="en",
        text={"title": title},
        status=status,
        dimensions=list(dimensions),
    )


@pytest.fixture
def framework(demo):
    return Framework.objects.get(code="di4c-city")


@pytest.fixture
def strengths(demo, framework):
    """Botoșani at level 0 everywhere; Messina 4, Oulu 3, Trikala 2, Portalegre 1 (each city's
    latest assessment)."""
    count = framework.indicators.count()
    levels = {"botosani": 0, "messina": 4, "oulu": 3, "trikala": 2, "portalegre": 1}
    return {
        slug: validated(Organisation.objects.get(slug=slug), framework, [level] * count, LATER)
        for slug, level in levels.items()
    }


def _gap_page(client, assessment):
    response = client.get(assessment.get_absolute_url())
    assert response.status_code == 200
    return response


def _listed(page: str, code: str) -> list[str]:
    block = re.search(rf'data-testid="gap-practices-{code}">(.*?)</ul>', page, re.S)
    assert block, f"no practices listed for {code}"
    return re.findall(r'<a href="/practices/[^"]+/" lang="en">([^<]+)</a>', block[1])


def test_gap_analysis_names_practices_of_the_strongest_partners_first(
    strengths, framework, demo_user, client_as
):
    client = client_as("botosani-coordinator")
    gaps = _gap_page(client, strengths["botosani"]).context["gaps"]
    dimension = gaps[0].indicator.dimension
    code = dimension.code
    admin = demo_user("admin")
    for slug in ("portalegre", "trikala", "messina", "oulu", "botosani"):
        share(
            admin,
            Organisation.objects.get(slug=slug),
            f"{slug.title()} practice",
            dimensions=[f"di4c-city:{code}"],
        )
    share(
        admin,
        Organisation.objects.get(slug="messina"),
        "Messina draft",
        status="draft",
        dimensions=[f"di4c-city:{code}"],
    )
    response = _gap_page(client, strengths["botosani"])
    page = response.content.decode()
    assert "Good practices for this gap" in page
    # Strongest first, three at most, none of the city's own, no draft.
    assert _listed(page, code) == ["Messina practice", "Oulu practice", "Trikala practice"]
    assert "score 100.0 in this dimension" in page and "score 75.0 in this dimension" in page
    assert f"/practices/?dimension=di4c-city%3A{code}" in page
    sections = {s["dimension"].code: s for s in response.context["gap_practices"]}
    assert set(sections) == {gap.indicator.dimension.code for gap in gaps}
    others = [s for c, s in sections.items() if c != code]
    assert all(not s["practices"] for s in others)


def test_anonymous_networks_keep_scores_hidden(strengths, demo, demo_user, client_as):
    client = client_as("botosani-coordinator")
    code = _gap_page(client, strengths["botosani"]).context["gaps"][0].indicator.dimension.code
    share(
        demo_user("messina-editor"),
        Organisation.objects.get(slug="messina"),
        "Messina way",
        dimensions=[f"di4c-city:{code}"],
    )
    demo.anonymous_benchmarks = True
    demo.save()
    page = _gap_page(client, strengths["botosani"]).content.decode()
    assert _listed(page, code) == ["Messina way"]
    assert "in this dimension" not in page
    staff = _gap_page(client_as("coordinator"), strengths["botosani"]).content.decode()
    assert "score 100.0 in this dimension" in staff


def test_gap_selector_orders_by_the_citys_latest_score_in_constant_queries(
    strengths, framework, demo_user, botosani
):
    admin = demo_user("admin")
    newcomer = OrganisationFactory(slug="newcomer")
    for slug in ("newcomer", "portalegre", "trikala", "messina", "oulu"):
        share(admin, Organisation.objects.get(slug=slug), f"{slug} SG", dimensions=["di4c-city:SG"])
    # Oulu's newer assessment makes it the strongest in SG.
    count = framework.indicators.count()
    validated(Organisation.objects.get(slug="oulu"), framework, [4] * count, LATER.replace(2032))
    validated(Organisation.objects.get(slug="messina"), framework, [0] * count, LATER.replace(2032))

    def run(limit):
        with CaptureQueriesContext(connection) as captured:
            found = practices_for_gaps(botosani, "di4c-city", ["SG", "PS"], limit=limit)
            titles = {
                code: [item.practice.version().title for item in items]
                for code, items in found.items()
            }
        return titles, len(captured)

    titles, queries = run(10)
    assert titles == {"SG": ["oulu SG", "trikala SG", "portalegre SG", "messina SG", "newcomer SG"]}
    assert queries == 2
    first = practices_for_gaps(botosani, "di4c-city", ["SG"])["SG"]
    assert [item.score for item in first] == [100, 50, 25]
    assert newcomer.pk not in [item.organisation.pk for item in first]
    for index in range(12):
        share(
            admin,
            Organisation.objects.get(slug="trikala"),
            f"more {index}",
            dimensions=["di4c-city:SG", "di4c-city:PS"],
        )
    titles, queries = run(3)
    assert queries == 2
    assert titles["SG"][0] == "oulu SG" and len(titles["SG"]) == len(titles["PS"]) == 3
    assert practices_for_gaps(botosani, "di4c-city", []) == {}


@pytest.fixture
def practice(demo_plans, demo_user):
    return share(
        demo_user("messina-editor"), Organisation.objects.get(slug="messina"), "Control room"
    )


def _empty_formsets():
    data = {}
    for name in ("fundings", "risks", "outputs", "tests"):
        data[f"{name}-TOTAL_FORMS"] = "0"
        data[f"{name}-INITIAL_FORMS"] = "0"
    return data


def _new_action(plan, **extra):
    return {
        "objective": plan.objectives.order_by("position").first().pk,
        "title": "Our own control room",
        "estimated_cost": "1000",
        "status": "not_started",
        "progress": "0",
        "weight": "1",
        **_empty_formsets(),
        **extra,
    }


def test_an_action_names_the_practices_that_inspired_it(practice, demo_user, client_as, client):
    plan = Plan.objects.get(organisation__slug="botosani")
    assert plan.is_public
    draft = share(demo_user("messina-editor"), practice.organisation, "Unfinished", status="draft")
    editor = client_as("botosani-editor")
    form = editor.get(f"/plans/{plan.pk}/actions/new/").content.decode()
    assert f"Control room ({practice.organisation.display_name})" in form
    assert "Unfinished" not in form
    refused = editor.post(
        f"/plans/{plan.pk}/actions/new/", _new_action(plan, inspired_by=[draft.pk])
    )
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert not Action.objects.filter(title="Our own control room").exists()
    response = editor.post(
        f"/plans/{plan.pk}/actions/new/", _new_action(plan, inspired_by=[practice.pk])
    )
    assert response.status_code == 302
    action = Action.objects.get(plan=plan, title="Our own control room")
    assert list(action.inspired_by.all()) == [practice]
    # The action's page, for its editors and its readers.
    for who in ("botosani-editor", "lead-expert"):
        page = client_as(who).get(f"/plans/{plan.pk}/actions/{action.pk}/").content.decode()
        assert 'data-testid="inspired-by"' in page and f'href="/practices/{practice.slug}/"' in page
    editor = client_as("botosani-editor")  # one test client: signed in again
    edit_form = editor.get(f"/plans/{plan.pk}/actions/{action.pk}/").content.decode()
    assert re.search(rf'<option value="{practice.pk}" selected>', edit_form)
    # The practice's page, for anyone.
    client.logout()
    page = client.get(f"/practices/{practice.slug}/").content.decode()
    assert 'data-testid="inspired-actions"' in page
    assert f"/plans/{plan.pk}/public/#action-{action.pk}" in page
    # Saving the action without a practice takes the link away.
    unlinked = _new_action(plan, code=action.code, version=Action.objects.get(pk=action.pk).version)
    editor = client_as("botosani-editor")
    assert editor.post(f"/plans/{plan.pk}/actions/{action.pk}/", unlinked).status_code == 302
    assert not action.inspired_by.exists()


def test_only_actions_of_published_plans_are_listed(practice, demo_user, client):
    messina_plan = Plan.objects.get(organisation__slug="messina")
    assert not messina_plan.is_public
    hidden = messina_plan.actions.order_by("pk").first()
    services.action_inspiration_set(
        actor=demo_user("messina-editor"), action=hidden, practices=[practice]
    )
    page = client.get(f"/practices/{practice.slug}/").content.decode()
    assert "inspired-actions" not in page
    with pytest.raises(Exception, match="permission"):
        services.action_inspiration_set(
            actor=demo_user("botosani-editor"), action=hidden, practices=[practice]
        )


def test_a_new_inspired_action_shows_on_the_cached_practice_page(practice, demo_user, client):
    plan = Plan.objects.get(organisation__slug="botosani")
    address = f"/practices/{practice.slug}/"
    assert "inspired-actions" not in client.get(address).content.decode()
    action = plan.actions.order_by("pk").first()
    services.action_inspiration_set(
        actor=demo_user("botosani-coordinator"), action=action, practices=[practice]
    )
    assert f"#action-{action.pk}" in client.get(address).content.decode()


def test_practice_page_queries_do_not_grow_with_inspired_actions(practice, demo_user, client):
    plan = Plan.objects.get(organisation__slug="botosani")
    actions = list(plan.actions.order_by("pk"))
    coordinator = demo_user("botosani-coordinator")

    def count():
        cache.clear()
        forget_revision()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/practices/{practice.slug}/").status_code == 200
        return len(captured)

    services.action_inspiration_set(actor=coordinator, action=actions[0], practices=[practice])
    before = count()
    for action in actions[1:]:
        services.action_inspiration_set(actor=coordinator, action=action, practices=[practice])
    assert len(actions) > 3
    cache.clear()
    page = client.get(f"/practices/{practice.slug}/").content.decode()
    assert page.count("/public/#action-") == len(actions)
    assert count() == before


def test_a_submitted_assessment_does_not_rank_or_show_a_partner(
    strengths, framework, demo_user, botosani
):
    """Only validated assessments count: a newer submitted one is the city's and the
    network staff's to see, not the other partners'."""
    admin = demo_user("admin")
    share(
        admin, Organisation.objects.get(slug="messina"), "messina SG", dimensions=["di4c-city:SG"]
    )
    share(admin, Organisation.objects.get(slug="oulu"), "oulu SG", dimensions=["di4c-city:SG"])
    count = framework.indicators.count()
    submitted = validated(
        Organisation.objects.get(slug="oulu"), framework, [4] * count, LATER.replace(2033)
    )
    submitted.status = "submitted"
    submitted.validated_at = None
    submitted.save()
    found = practices_for_gaps(botosani, "di4c-city", ["SG"])["SG"]
    # Messina (validated level 4) before Oulu (validated 3); Oulu's submitted 4 is ignored.
    assert [(item.organisation.slug, item.score) for item in found] == [
        ("messina", 100),
        ("oulu", 75),
    ]


def test_saving_an_action_keeps_its_link_to_a_practice_unpublished_since(practice, demo_user):
    plan = Plan.objects.get(organisation__slug="botosani")
    action = plan.actions.order_by("pk").first()
    editor = demo_user("botosani-editor")
    services.action_inspiration_set(actor=editor, action=action, practices=[practice])
    services.practice_update(actor=demo_user("messina-editor"), practice=practice, status="draft")
    # The form offers published practices only; saving it with none chosen keeps the link.
    services.action_inspiration_set(actor=editor, action=action, practices=[])
    assert list(action.inspired_by.all()) == [practice]
