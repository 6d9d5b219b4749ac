"""Public services: level derivation, the index arithmetic, import, exports, permissions."""

import csv
import io
import itertools
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from di4c.accounts.services import api_token_create
from di4c.services import imports, selectors
from di4c.services.models import (
    LEVEL_CRITERIA,
    LifeEvent,
    PublicService,
    ReferenceService,
    ServiceYear,
    contradictions,
    derive_level,
)
from di4c.services.reference import load_reference
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("flags", list(itertools.product([False, True], repeat=4)))
def test_level_is_the_highest_whose_criteria_all_hold(flags):
    criteria = dict(zip(LEVEL_CRITERIA, flags, strict=True))
    expected = 0
    while expected < 4 and flags[expected]:
        expected += 1
    assert derive_level(**criteria) == expected
    # A criterion above a missing one is a contradiction, never a higher level.
    assert bool(contradictions(**criteria)) == (list(flags) != sorted(flags, reverse=True))


def test_level_is_derived_on_save_not_typed(db):
    load_reference()
    city = OrganisationFactory()
    service = PublicService.objects.create(
        organisation=city,
        life_event=LifeEvent.objects.first(),
        name="X",
        info_online=True,
        form_online=True,
        submit_online=False,
        fully_online=False,
    )
    assert service.level == 2
    PublicService.objects.filter(pk=service.pk).update(level=4)  # a bypass is undone on save
    service.refresh_from_db()
    service.save()
    service.refresh_from_db()
    assert service.level == 2


def _service(city, name, key=False, level=0):
    criteria = {name_: index < level for index, name_ in enumerate(LEVEL_CRITERIA)}
    return PublicService.objects.create(
        organisation=city, life_event=LifeEvent.objects.first(), name=name, is_key=key, **criteria
    )


def test_index_arithmetic_by_hand(db):
    load_reference()
    city = OrganisationFactory()
    a = _service(city, "A", key=True, level=4)
    b = _service(city, "B", key=True, level=2)
    c = _service(city, "C", level=3)
    d = _service(city, "D", level=0)
    for service, total, online in ((a, 1000, 600), (b, 3000, 300), (c, 500, 100), (d, None, None)):
        ServiceYear.objects.create(
            service=service,
            year=2022,
            level=service.level,
            total_requests=total,
            online_requests=online,
        )
    ServiceYear.objects.create(
        service=a, year=2021, level=3, total_requests=800, online_requests=None
    )
    by_year = {y.year: y for y in selectors.index_by_year(city)}
    y2022 = by_year[2022]
    assert y2022.services == 4
    assert y2022.online_share == Decimal("50.0")  # A and C at level 3 or more
    assert y2022.key_fully_online_share == Decimal("50.0")  # A of A, B
    assert y2022.average_level == Decimal("2.25")  # (4 + 2 + 3 + 0) / 4
    assert y2022.uptake == Decimal("22.2")  # (600 + 300 + 100) / (1000 + 3000 + 500)
    assert y2022.levels == [1, 0, 1, 1, 1]
    assert y2022.gap_to_2030 == Decimal("50.0")
    # 2021: one service, volumes incomplete -> no uptake, not zero.
    assert by_year[2021].uptake is None and by_year[2021].online_share == Decimal("100.0")
    gains = selectors.biggest_gains(city, 2022)
    assert [row.service.name for row in gains] == ["B"]


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("figures.csv", text.encode())


def test_import_reports_every_kind_of_bad_row_and_writes_nothing(client_as, botosani):
    before = (PublicService.objects.count(), ServiceYear.objects.count())
    text = (
        "service,year,total_requests,online_requests,info_online,form_online\n"
        "birth-registration,2023,100,40,yes,yes\n"
        "no-such-service,2023,10,1,,\n"
        "property-tax,2023,100,40,no,yes\n"
        "waste-fee,2023,100,140,yes,yes\n"
        "school-enrolment,2023,-5,1,yes,no\n"
        "parking-permit,2999,10,1,yes,no\n"
        "building-permit,2023,lots,1,maybe,no\n"
    )
    rows = imports.check(botosani, imports.read_rows(_csv(text)))
    errors = {row.number: " ".join(row.errors) for row in rows if not row.ok}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    assert "neither a reference service code" in errors[3]
    assert "contradict each other" in errors[4]
    assert "above total_requests" in errors[5]
    assert "cannot be negative" in errors[6]
    assert "in the future" in errors[7]
    assert "not a number" in errors[8] and "write yes or no" in errors[8]
    client = client_as("botosani-editor")
    page = client.post(
        "/organisations/botosani/services/import/", {"file": _csv(text)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "6 rows have problems; 1 rows are fine." in page.content.decode()
    refused = client.post("/organisations/botosani/services/import/", {"confirm": "all"})
    assert refused.status_code == 200
    assert (PublicService.objects.count(), ServiceYear.objects.count()) == before
    only_valid = client.post("/organisations/botosani/services/import/", {"confirm": "valid"})
    assert only_valid.status_code == 302
    figures = ServiceYear.objects.get(
        service__organisation=botosani, service__reference__code="birth-registration", year=2023
    )
    assert (figures.total_requests, figures.online_requests, figures.level) == (100, 40, 2)


def test_clean_xlsx_import_all_or_nothing(client_as, demo):
    city = OrganisationFactory(slug="newcity")
    from di4c.accounts.models import Membership, Role
    from tests.factories import UserFactory

    editor = UserFactory()
    Membership.objects.create(user=editor, role=Role.CITY_EDITOR, organisation=city)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["service", "year", "total_requests", "online_requests", "info_online"])
    sheet.append(["birth-registration", 2022, 500, 50, "da"])
    sheet.append(["birth-registration", 2021, 400, None, "da"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    from django.test import Client

    client = Client()
    client.force_login(editor)
    upload = SimpleUploadedFile("catalogue.xlsx", buffer.getvalue())
    page = client.post(
        "/organisations/newcity/services/import/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "All 2 rows are ready to import." in page.content.decode()
    assert (
        client.post("/organisations/newcity/services/import/", {"confirm": "all"}).status_code
        == 302
    )
    service = PublicService.objects.get(organisation=city)
    assert service.level == 1
    assert list(service.years.order_by("year").values_list("year", "online_requests")) == [
        (2021, None),
        (2022, 50),
    ]


def test_unreadable_files_are_refused(client_as, botosani):
    client = client_as("botosani-editor")
    page = client.post(
        "/organisations/botosani/services/import/",
        {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "not a readable Excel" in page.content.decode()
    page = client.post(
        "/organisations/botosani/services/import/",
        {"file": SimpleUploadedFile("x.csv", b"name,year\nx,2020\n")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "including &#x27;service&#x27;" in page.content.decode()


def test_exports_read_back_and_reimport_cleanly(client_as, botosani):
    client = client_as("botosani-editor")
    response = client.get("/organisations/botosani/services/catalogue.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "service"
    count = ServiceYear.objects.filter(service__organisation=botosani).count()
    assert len(rows) - 1 == count
    index = list(
        csv.reader(
            io.StringIO(client.get("/organisations/botosani/services/index.csv").content.decode())
        )
    )
    assert index[0][:3] == ["year", "services", "online_share"]
    latest = selectors.index_by_year(botosani)[-1]
    assert index[-1][0] == str(latest.year) and float(index[-1][2]) == float(latest.online_share)
    # What was exported imports again without a single bad row.
    text = client.get("/organisations/botosani/services/catalogue.csv").content
    checked = imports.check(botosani, imports.read_rows(SimpleUploadedFile("c.csv", text)))
    assert [row.errors for row in checked if not row.ok] == []


def test_permissions(client, client_as, botosani, messina, demo_user):
    assert client.get("/organisations/botosani/services/").status_code == 403
    assert client_as("citizen").get("/organisations/botosani/services/").status_code == 403
    assert client_as("messina-editor").get("/organisations/botosani/services/").status_code == 200
    service = PublicService.objects.filter(organisation=botosani).first()
    response = client_as("messina-editor").post(
        f"/organisations/botosani/services/{service.pk}/year/",
        {"year": 2022, "total_requests": 1, "online_requests": 1},
    )
    assert response.status_code == 403
    assert (
        client_as("messina-editor")
        .post("/organisations/botosani/services/import/", {"confirm": "all"})
        .status_code
        == 403
    )
    # Publishing the index opens it to visitors.
    assert (
        client_as("botosani-editor")
        .post("/organisations/botosani/services/publish/", {"public": "1"})
        .status_code
        == 403
    )
    client_as("botosani-coordinator").post(
        "/organisations/botosani/services/publish/", {"public": "1"}
    )
    client.logout()
    assert client.get("/organisations/botosani/services/").status_code == 200
    assert client.get("/api/v1/organisations/botosani/digitalisation-index").status_code == 200


def test_api_catalogue_and_index(client, demo, demo_user):
    token = {
        "HTTP_AUTHORIZATION": "Bearer "
        + api_token_create(user=demo_user("messina-editor"), name="t")[1]
    }
    assert client.get("/api/v1/organisations/botosani/services").status_code == 403
    services = client.get("/api/v1/organisations/botosani/services", **token).json()
    assert len(services) == ReferenceService.objects.count()
    assert {"level", "years", "reference"} <= set(services[0])
    index = client.get("/api/v1/organisations/botosani/digitalisation-index", **token).json()
    assert [y["year"] for y in index] == [2019, 2020, 2021, 2022]
    assert index[-1]["online_share"] >= index[0]["online_share"]


def test_catalogue_page_keeps_a_constant_number_of_queries(client_as, demo, botosani):
    def count(c, url):
        with CaptureQueriesContext(connection) as captured:
            assert c.get(url).status_code == 200
        return len(captured)

    urls = [
        "/organisations/botosani/services/",
        "/networks/di4c/services/",
        "/api/v1/organisations/botosani/services",
    ]
    client = client_as("botosani-editor")
    before = [count(client, url) for url in urls]
    event = LifeEvent.objects.first()
    for index in range(30):
        service = PublicService.objects.create(
            organisation=botosani, life_event=event, name=f"Extra {index}", info_online=True
        )
        for year in range(2015, 2023):
            ServiceYear.objects.create(
                service=service, year=year, level=1, total_requests=10, online_requests=1
            )
    assert [count(client, url) for url in urls] == before


def test_editor_adds_a_service_and_contradictions_are_field_errors(client_as, botosani):
    client = client_as("botosani-editor")
    event = LifeEvent.objects.get(code="participation")
    form = {
        "name": "Open council sessions",
        "life_event": event.pk,
        "info_online": "on",
        "fully_online": "on",
    }
    page = client.post("/organisations/botosani/services/new/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "This cannot hold while the level below it does not." in page.content.decode()
    assert 'value="Open council sessions"' in page.content.decode()
    form.update(form_online="on", submit_online="on")
    response = client.post("/organisations/botosani/services/new/", form)
    assert response.status_code == 302
    service = PublicService.objects.get(organisation=botosani, name="Open council sessions")
    assert service.level == 4 and service.reference is None
    bad_year = client.post(
        f"/organisations/botosani/services/{service.pk}/year/",
        {"year": 2022, "total_requests": 10, "online_requests": 11},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Online requests cannot exceed the total requests." in bad_year.content.decode()
    client.post(
        f"/organisations/botosani/services/{service.pk}/year/",
        {"year": 2022, "total_requests": 10, "online_requests": 9},
    )
    assert service.years.get(year=2022).level == 4


def test_adopting_reference_services_in_one_step(client_as, demo):
    from di4c.accounts.models import Membership, Role
    from tests.factories import UserFactory

    city = OrganisationFactory(slug="fresh")
    editor = UserFactory()
    Membership.objects.create(user=editor, role=Role.CITY_EDITOR, organisation=city)
    from django.test import Client

    client = Client()
    client.force_login(editor)
    ids = list(ReferenceService.objects.filter(is_key=True).values_list("pk", flat=True))
    client.post("/organisations/fresh/services/adopt/", {"reference": ids})
    client.post("/organisations/fresh/services/adopt/", {"reference": ids})  # no duplicates
    assert PublicService.objects.filter(organisation=city).count() == len(ids)
    assert all(s.is_key for s in PublicService.objects.filter(organisation=city))
