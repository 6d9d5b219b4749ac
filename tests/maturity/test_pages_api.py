"""Maturity pages, exports and API, as users reach them."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from di4c.accounts.services import api_token_create
from di4c.maturity.models import Assessment, Status
from tests.conftest import DI4C_CURRENT_PARTNERS
from tests.maturity.test_benchmarks import validated

pytestmark = pytest.mark.django_db


def latest(slug, code="di4c-city"):
    return (
        Assessment.objects.filter(organisation__slug=slug, framework__code=code)
        .order_by("-validated_at")
        .first()
    )


def test_demo_has_validated_assessments_for_every_current_partner(demo):
    slugs = set(
        Assessment.objects.filter(status=Status.VALIDATED, framework__code="di4c-city").values_list(
            "organisation__slug", flat=True
        )
    )
    assert slugs == DI4C_CURRENT_PARTNERS
    assert (
        Assessment.objects.filter(
            organisation__slug="botosani", framework__code="di4c-city"
        ).count()
        == 2
    )
    assert not Assessment.objects.filter(is_demo=False).exists()
    scores = set(Assessment.objects.values_list("overall_score", flat=True))
    assert len(scores) > 8


def test_result_page_shows_scores_change_and_comparisons(client_as):
    client = client_as("botosani-editor")
    page = client.get(latest("botosani").get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Where the city stands" in text
    assert "since 20.02.2020" in text
    assert "Network median" in text and "Rank in network" in text
    assert "cities of over 50,000 inhabitants" in text
    assert "Where to improve first" in text
    assert "demo data" in text


def test_visitors_see_no_unpublished_results(client, demo):
    assert client.get(latest("botosani").get_absolute_url()).status_code == 403
    assert client.get("/networks/di4c/maturity/").status_code == 403


def test_network_page_lists_partners_and_weak_spots(client_as):
    client = client_as("messina-editor")
    text = client.get("/networks/di4c/maturity/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Common weak spots" in text
    assert "Municipality of Botoșani" in text and "City of Oulu" in text


def test_exports_read_back(client_as):
    assessment = latest("oulu")
    client = client_as("coordinator")
    response = client.get(f"/maturity/assessments/{assessment.pk}/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    answers = list(workbook["Answers"].values)
    assert answers[0][:3] == ("dimension", "dimension name", "indicator")
    assert len(answers) == 1 + assessment.framework.indicators.count()
    first = assessment.answers.get(indicator__code=answers[1][2])
    assert answers[1][5] == first.level
    scores = list(workbook["Scores"].values)
    overall = scores[-1]
    assert overall[0] == "overall" and overall[2] == float(assessment.overall_score)
    assert scores[1][7] == 8  # cities in the network benchmark
    text = client.get(f"/maturity/assessments/{assessment.pk}/export.csv").content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][2] == "indicator"
    assert ["overall", "", str(float(assessment.overall_score))] == rows[-1][:3]


def _token(demo_user, who):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=demo_user(who), name='t')[1]}"}


def test_api_workflow_with_tokens(client, demo, demo_user):
    editor = _token(demo_user, "botosani-editor")
    response = client.post(
        "/api/v1/organisations/botosani/assessments",
        {"framework": "city-website"},
        content_type="application/json",
        **editor,
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    codes = list(Assessment.objects.get(pk=pk).framework.indicators.values_list("code", flat=True))
    bad = client.put(
        f"/api/v1/assessments/{pk}/answers/{codes[0]}",
        {"level": 2},
        content_type="application/json",
        **editor,
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "level"
    early = client.post(f"/api/v1/assessments/{pk}/submit", **editor)
    assert early.status_code == 422
    assert codes[0] in early.json()["detail"][0]["msg"]
    for code in codes:
        ok = client.put(
            f"/api/v1/assessments/{pk}/answers/{code}",
            {"level": 1},
            content_type="application/json",
            **editor,
        )
        assert ok.status_code == 200
    assert client.post(f"/api/v1/assessments/{pk}/submit", **editor).json()["overall_score"] == 100
    assert client.post(f"/api/v1/assessments/{pk}/validate", **editor).status_code == 403
    done = client.post(f"/api/v1/assessments/{pk}/validate", **_token(demo_user, "lead-expert"))
    assert done.json()["status"] == "validated"


def test_api_hides_drafts_of_other_cities(client, demo, demo_user, botosani):
    from di4c.maturity.models import Framework
    from di4c.maturity.services import assessment_start

    draft = assessment_start(
        actor=demo_user("botosani-editor"),
        organisation=botosani,
        framework=Framework.objects.get(code="city-website"),
    )
    assert client.get(f"/api/v1/assessments/{draft.pk}").status_code == 404
    messina = _token(demo_user, "messina-editor")
    assert client.get(f"/api/v1/assessments/{draft.pk}", **messina).status_code == 404
    own = _token(demo_user, "botosani-editor")
    assert client.get(f"/api/v1/assessments/{draft.pk}", **own).status_code == 200
    assert (
        client.put(
            f"/api/v1/assessments/{draft.pk}/answers/IF1",
            {"level": 1},
            content_type="application/json",
            **messina,
        ).status_code
        == 404
    )


def test_network_benchmark_api(client, demo, demo_user):
    assert client.get("/api/v1/networks/di4c/benchmark").status_code == 401
    assert (
        client.get("/api/v1/networks/di4c/benchmark", **_token(demo_user, "citizen")).status_code
        == 403
    )
    body = client.get(
        "/api/v1/networks/di4c/benchmark?framework=di4c-city",
        **_token(demo_user, "botosani-editor"),
    ).json()
    assert body["framework"]["code"] == "di4c-city"
    assert len(body["partners"]) == 8
    assert [d["code"] for d in body["dimensions"]] == [
        "SG",
        "PS",
        "DI",
        "IC",
        "SK",
        "CE",
        "IE",
        "CS",
    ]
    assert all(d["cities"] == 8 for d in body["dimensions"])


def test_benchmark_page_and_api_keep_a_constant_number_of_queries(client_as, demo, demo_user):
    from di4c.maturity.models import Framework
    from tests.factories import OrganisationFactory, PartnershipFactory

    client = client_as("coordinator")
    token = _token(demo_user, "coordinator")
    # The first use of a token records its "last used" time: warm it up.
    client.get("/api/v1/me", **token)
    result_url = latest("botosani").get_absolute_url()

    def count(url, **extra):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, **extra).status_code == 200
        return len(captured)

    urls = ["/networks/di4c/maturity/", result_url]
    before = [count(url) for url in urls] + [count("/api/v1/networks/di4c/benchmark", **token)]
    framework = Framework.objects.get(code="di4c-city")
    levels = [2] * framework.indicators.count()
    for index in range(6):
        city = OrganisationFactory(population=100_000 + index)
        PartnershipFactory(network=demo, organisation=city)
        validated(city, framework, levels)
    after = [count(url) for url in urls] + [count("/api/v1/networks/di4c/benchmark", **token)]
    assert after == before


def test_evidence_file_upload_and_private_download(
    client_as, demo, botosani, demo_user, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from di4c.maturity.models import Framework
    from di4c.maturity.services import assessment_start

    settings.MEDIA_ROOT = tmp_path
    draft = assessment_start(
        actor=demo_user("botosani-editor"),
        organisation=botosani,
        framework=Framework.objects.get(code="city-website"),
    )
    client = client_as("botosani-editor")
    url = f"/maturity/assessments/{draft.pk}/answers/IF1/"
    bad = client.post(
        url,
        {"level": "1", "file": SimpleUploadedFile("x.exe", b"MZ")},
        HTTP_ACCEPT="application/json",
    )
    assert bad.status_code == 422
    assert "cannot be attached" in bad.json()["errors"]["file"][0]
    ok = client.post(
        url,
        {
            "level": "1",
            "evidence": "see the minutes",
            "file": SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 demo"),
        },
    )
    assert ok.status_code == 302
    evidence = draft.answers.get(indicator__code="IF1").files.get()
    download = client.get(f"/maturity/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 demo"
    assert client_as("messina-editor").get(f"/maturity/evidence/{evidence.pk}/").status_code == 403


def test_city_sets_a_target_that_drives_the_gap_analysis(client_as, demo):
    from di4c.maturity.models import DimensionTarget

    assessment = latest("botosani")
    client = client_as("botosani-editor")
    response = client.post(
        f"/maturity/assessments/{assessment.pk}/target/", {"dimension": "SG", "target": "100"}
    )
    assert response.status_code == 302
    assert (
        DimensionTarget.objects.get(organisation__slug="botosani", dimension_code="SG").target_score
        == 100
    )
    bad = client.post(
        f"/maturity/assessments/{assessment.pk}/target/",
        {"dimension": "SG", "target": "150"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "The target must be a number from 0 to 100." in bad.content.decode()
    assert (
        client_as("messina-editor")
        .post(f"/maturity/assessments/{assessment.pk}/target/", {"dimension": "SG", "target": "1"})
        .status_code
        == 403
    )
