"""Regressions found in review: anonymity, who sees network figures, bad input, scores."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from di4c.accounts.models import Membership, Role
from di4c.accounts.services import api_token_create
from di4c.maturity import scoring, selectors
from di4c.maturity.frameworks import FrameworkFileError, check_text, load_text
from di4c.maturity.models import Assessment
from di4c.maturity.services import compute_scores
from di4c.networks.models import Partnership
from tests.factories import NetworkFactory, OrganisationFactory, PartnershipFactory, UserFactory
from tests.maturity.test_benchmarks import validated
from tests.maturity.test_frameworks import GOOD

pytestmark = pytest.mark.django_db


def member_of(organisation, role=Role.CITY_EDITOR):
    user = UserFactory()
    Membership.objects.create(user=user, role=role, organisation=organisation)
    return user


@pytest.fixture
def anonymous_network(tiny):
    network = NetworkFactory(anonymous_benchmarks=True)
    weak = OrganisationFactory(name="Weakville")
    strong = OrganisationFactory(name="Secretville")
    for city in (weak, strong):
        PartnershipFactory(network=network, organisation=city)
    validated(weak, tiny, (0, 0))
    validated(strong, tiny, (4, 4), evidence="secret evidence")
    return network, weak, strong


def test_gap_analysis_keeps_peers_anonymous(client, anonymous_network):
    _network, weak, _strong = anonymous_network
    client.force_login(member_of(weak))
    page = client.get(Assessment.objects.get(organisation=weak).get_absolute_url())
    text = page.content.decode()
    assert "Where to improve first" in text
    assert "Secretville" not in text
    assert "Partner " in text


def test_published_result_shows_visitors_no_network_figures(client, anonymous_network):
    _network, weak, _strong = anonymous_network
    assessment = Assessment.objects.get(organisation=weak)
    assessment.is_public = True
    assessment.save()
    text = client.get(assessment.get_absolute_url()).content.decode()
    assert "Secretville" not in text and "secret evidence" not in text
    assert "Network median" not in text


def test_left_partners_lose_access_to_the_network_figures(client, anonymous_network, tiny):
    network, weak, _strong = anonymous_network
    former = OrganisationFactory()
    PartnershipFactory(
        network=network,
        organisation=former,
        left_on=dt.date(2020, 1, 1),
        joined_on=dt.date(2019, 1, 1),
    )
    user = member_of(former)
    client.force_login(user)
    assert client.get(f"/networks/{network.slug}/maturity/").status_code == 403
    Partnership.objects.filter(organisation=weak).update(
        left_on=dt.date(2020, 1, 1), joined_on=dt.date(2019, 1, 1)
    )
    expert = UserFactory()
    Membership.objects.create(user=expert, role=Role.EXPERT, network=network)
    draft = Assessment.objects.create(organisation=weak, framework=tiny)
    assert not expert.has_perm("maturity.view_assessment", draft)


def test_start_with_a_bad_framework_id_is_404(client, botosani, demo_user):
    client.force_login(demo_user("botosani-editor"))
    response = client.post("/organisations/botosani/maturity/start/", {"framework": "abc"})
    assert response.status_code == 404


def test_nul_characters_are_refused_with_422(client, demo, demo_user, botosani, tiny):
    from di4c.maturity.services import assessment_start

    draft = assessment_start(
        actor=demo_user("botosani-editor"), organisation=botosani, framework=tiny
    )
    token = {
        "HTTP_AUTHORIZATION": "Bearer "
        + api_token_create(user=demo_user("botosani-editor"), name="t")[1]
    }
    response = client.put(
        f"/api/v1/assessments/{draft.pk}/answers/AA1",
        {"level": 1, "evidence": "a\x00b"},
        content_type="application/json",
        **token,
    )
    assert response.status_code == 422
    response = client.post(
        "/api/v1/organisations/botosani/assessments",
        {"framework": "ti\x00ny"},
        content_type="application/json",
        **token,
    )
    assert response.status_code == 422
    coordinator = {
        "HTTP_AUTHORIZATION": "Bearer "
        + api_token_create(user=demo_user("coordinator"), name="t")[1]
    }
    response = client.patch(
        "/api/v1/networks/di4c",
        {"aims": "x\x00", "name_i18n": {"ro": "\x00"}},
        content_type="application/json",
        **coordinator,
    )
    assert response.status_code == 422
    assert {item["loc"][-1] for item in response.json()["detail"]} == {"aims", "name_i18n"}


def test_long_evidence_file_names_are_shortened(
    client, demo_user, botosani, tiny, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from di4c.maturity.services import assessment_start

    settings.MEDIA_ROOT = tmp_path
    draft = assessment_start(
        actor=demo_user("botosani-editor"), organisation=botosani, framework=tiny
    )
    client.force_login(demo_user("botosani-editor"))
    response = client.post(
        f"/maturity/assessments/{draft.pk}/answers/AA1/",
        {"level": "1", "file": SimpleUploadedFile("n" * 230 + ".pdf", b"%PDF")},
    )
    assert response.status_code == 302
    name = draft.answers.get().files.get().name
    assert len(name) == 200 and name.endswith(".pdf")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("scoring: weighted_mean", "scoring: [weighted_mean]"), "unknown rule"),
        (("weight: 2", "weight: 1e309"), "must be a number from 0.01"),
        (("weight: 2", "weight: 10000"), "must be a number from 0.01"),
        (("weight: 2", "weight: 0.001"), "must be a number from 0.01"),
        (("weight: 2", "weight: 2.555"), "more than two decimals"),
        (("version: 1", "version: 99999999999"), "the version must be"),
        (("code: AA1", "code: AA1234567890123"), "longer than 12"),
        (("code: AA\n", "code: AAAAAAAAAAAA\n"), "longer than 10"),
        (("Is there a plan?", "Is there\x00 a plan?"), "NUL"),
    ],
)
def test_framework_files_that_would_not_load_fail_the_check(change, message):
    with pytest.raises(FrameworkFileError) as error:
        check_text(GOOD.replace(*change))
    assert message in str(error.value)


def test_overall_weights_dimensions_not_indicator_counts(db):
    bb = (
        "  - code: BB\n    name: Second\n    indicators:\n      - code: BB1\n        weight: 1\n"
        "        question: q\n        levels: [a, b, c, d, e]\n        evidence: [a, b, c, d, e]\n"
    )
    # AA keeps AA1; a second dimension BB gets BB1 and AA2.
    two = GOOD.replace("version: 1", "version: 3").replace(
        "      - code: AA2", bb + "      - code: AA2"
    )
    framework = load_text(two)[0]
    city = OrganisationFactory()
    # AA (one indicator AA1) = 100; BB (BB1, AA2) = 0: overall is the mean of 100 and 0.
    levels = {"AA1": 4, "BB1": 0, "AA2": 0}
    assessment = Assessment.objects.create(organisation=city, framework=framework)
    from di4c.maturity.models import Answer

    for indicator in framework.indicators.all():
        Answer.objects.create(
            assessment=assessment, indicator=indicator, level=levels[indicator.code]
        )
    overall, by_dimension = compute_scores(assessment)
    assert sorted(by_dimension.values()) == [Decimal("0.00"), Decimal("100.00")]
    assert overall == Decimal("50.00")
    assert scoring.overall("minimum", [], [(4, 1), (0, 1)], 4) == Decimal("0.00")


def test_rank_is_of_the_scores_shown_not_the_latest(tiny):
    network = NetworkFactory()
    city, peer = OrganisationFactory(), OrganisationFactory()
    for organisation in (city, peer):
        PartnershipFactory(network=network, organisation=organisation)
    old = validated(city, tiny, (0, 0), when=dt.datetime(2020, 1, 1))
    validated(city, tiny, (4, 4))
    validated(peer, tiny, (2, 2))
    bench = selectors.network_benchmark(network, tiny)
    stats = bench.stats_for("AA")
    assert stats.rank_for(Decimal("0"), city.pk) == 2
    _band, summaries = selectors.band_summary(selectors.assessment_detail(old.pk))
    assert summaries["AA"].rank == 2


def test_gap_target_of_a_zero_top_quartile_is_zero(tiny):
    network = NetworkFactory()
    cities = [OrganisationFactory() for _ in range(3)]
    for city in cities:
        PartnershipFactory(network=network, organisation=city)
        validated(city, tiny, (0, 0))
    bench = selectors.network_benchmark(network, tiny)
    shown = selectors.assessment_detail(Assessment.objects.filter(organisation=cities[0]).get().pk)
    assert selectors.gap_analysis(shown, bench, {}) == []


def test_unknown_dimension_target_is_refused(client, demo, demo_user):
    from di4c.maturity.models import DimensionTarget

    assessment = Assessment.objects.filter(organisation__slug="botosani").first()
    client.force_login(demo_user("botosani-editor"))
    response = client.post(
        f"/maturity/assessments/{assessment.pk}/target/",
        {"dimension": "ZZ", "target": "50"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    import html

    assert "has no dimension 'ZZ'" in html.unescape(response.content.decode())
    assert not DimensionTarget.objects.exists()


def test_list_page_and_api_list_keep_a_constant_number_of_queries(client, tiny, demo, demo_user):
    city = OrganisationFactory(slug="listed")
    PartnershipFactory(network=demo, organisation=city)
    validated(city, tiny, (1, 1))
    client.force_login(demo_user("lead-expert"))

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = (
        count("/organisations/listed/maturity/"),
        count("/api/v1/organisations/listed/assessments"),
    )
    for year in range(2010, 2016):
        validated(city, tiny, (2, 2), when=dt.datetime(year, 1, 1))
    assert (
        count("/organisations/listed/maturity/"),
        count("/api/v1/organisations/listed/assessments"),
    ) == before
