"""The service feedback pages as people use them: ratings set the service's satisfaction
figure, a second rating replaces the first, bad ratings are refused with the comment kept, a
service is rated only once its city published its index, comments reach the public only once
the city publishes them, and the pages' query counts stay constant."""

from decimal import Decimal

import pytest
from django.test import Client

from di4c.engagement import services
from di4c.engagement.models import ServiceRating
from di4c.services import services as catalogue_services
from di4c.services.models import PublicService
from tests.engagement.idea_page_helpers import (
    errors_of,
    form_errors,
    messages_of,
    parsed,
    queries,
    text_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor(db):
    """A browser that never signs in (`client` is the one `client_as` signs in)."""
    return Client()


@pytest.fixture
def service(botosani):
    return PublicService.objects.filter(organisation=botosani).order_by("pk").first()


@pytest.fixture
def published(botosani, demo_user):
    catalogue_services.index_publish(
        actor=demo_user("botosani-coordinator"), organisation=botosani, public=True
    )
    return botosani


def page(service) -> str:
    return f"/organisations/{service.organisation.slug}/services/{service.pk}/feedback/"


def rate(client, service, rating, comment=""):
    return client.post(page(service), {"rating": rating, "comment": comment})


def test_ratings_set_the_services_satisfaction_figure(client_as, visitor, service, published):
    for who, value in (("citizen", "5"), ("local-group", "4"), ("messina-editor", "2")):
        response = rate(client_as(who), service, value)
        assert response.status_code == 302 and response["Location"] == page(service)
    service.refresh_from_db()
    assert service.satisfaction == Decimal("66.67")

    doc = parsed(visitor.get(page(service)))
    assert doc.xpath('//*[@data-testid="satisfaction"]')[0].text_content() == "66.67 %"
    assert doc.xpath('//*[@data-testid="average"]')[0].text_content() == "3.67 out of 5"
    assert doc.xpath('//*[@data-testid="count"]')[0].text_content() == "3"
    rows = {
        row.xpath("./th")[0].text_content(): row.xpath("./td")[0].text_content()
        for row in doc.xpath('//table[@data-testid="distribution"]/tbody/tr')
    }
    assert rows == {
        "5 – very good": "1",
        "4 – good": "1",
        "3 – fair": "0",
        "2 – poor": "1",
        "1 – very poor": "0",
    }


def test_a_second_rating_replaces_the_first(client_as, service, published):
    client = client_as("citizen")
    rate(client, service, "2", "Too slow")
    doc = parsed(client.get(page(service)))
    own = " ".join(doc.xpath('//*[@data-testid="own-rating"]')[0].text_content().split())
    assert "You rated this service “2 – poor”" in own and "replaces your earlier rating" in own
    assert doc.xpath('//input[@name="rating"][@checked]')[0].get("value") == "2"

    response = rate(client, service, "5", "Much better now")
    assert "Your new rating replaces your earlier one" in messages_of(
        parsed(client.get(response["Location"]))
    )
    [rating] = ServiceRating.objects.filter(service=service)
    assert (rating.rating, rating.comment) == (5, "Much better now")
    service.refresh_from_db()
    assert service.satisfaction == Decimal("100.00")


@pytest.mark.parametrize("bad", ["6", "0", "abc", ""])
def test_a_rating_outside_1_to_5_is_refused_with_the_comment_kept(
    client_as, service, published, bad
):
    response = rate(client_as("citizen"), service, bad, "My comment")
    assert response.status_code == 200
    doc = parsed(response)
    assert errors_of(doc, "rating") == ["Choose a rating from 1 to 5."]
    assert doc.xpath('//textarea[@name="comment"]')[0].text.strip() == "My comment"
    assert not ServiceRating.objects.exists()


def test_the_honeypot_refuses_a_rating(client_as, service, published):
    response = client_as("citizen").post(
        page(service), {"rating": "5", "website": "http://spam.example"}
    )
    assert "Leave the last field empty" in form_errors(parsed(response))
    assert not ServiceRating.objects.exists()


def test_a_service_is_not_open_for_feedback_before_its_city_publishes_its_index(
    client_as, visitor, service
):
    assert visitor.get(page(service)).status_code == 404
    assert client_as("citizen").get(page(service)).status_code == 404
    assert rate(client_as("citizen"), service, "5").status_code == 404

    city = client_as("botosani-editor")
    response = city.get(page(service))
    assert response.status_code == 200 and "not open for feedback" in text_of(response)
    response = rate(city, service, "5")
    assert "This service is not open for feedback." in form_errors(parsed(response))
    assert not ServiceRating.objects.exists()
    catalogue = parsed(client_as("coordinator").get("/organisations/botosani/services/"))
    assert catalogue.xpath('//h2[@id="catalogue-heading"]') and not catalogue.xpath(
        '//a[contains(@href, "/feedback/")]'
    )


def test_visitors_are_asked_to_sign_in_to_rate(visitor, service, published):
    doc = parsed(visitor.get(page(service)))
    [link] = doc.xpath('//a[normalize-space()="Sign in to rate this service"]')
    assert link.get("href").startswith("/accounts/login/?next=")
    response = rate(visitor, service, "5")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not ServiceRating.objects.exists()


def test_comments_reach_the_public_only_once_the_city_publishes_them(
    client_as, visitor, service, published
):
    rate(client_as("citizen"), service, "3", "The queue at the desk is long")
    rating = ServiceRating.objects.get()
    assert "The queue at the desk is long" not in text_of(visitor.get(page(service)))

    city = client_as("botosani-editor")
    doc = parsed(city.get(page(service)))
    [comment] = doc.xpath('//article[@data-testid="rating-comment"]')
    assert "Not published" in comment.text_content() and comment.xpath('.//button[.="Publish"]')

    publish = f"{page(service)}{rating.pk}/publish/"
    for outsider in ("citizen", "messina-editor"):
        assert client_as(outsider).post(publish, {"publish": "1"}).status_code == 403
    rating.refresh_from_db()
    assert not rating.comment_published

    client_as("botosani-editor").post(publish, {"publish": "1"})
    assert "The queue at the desk is long" in text_of(visitor.get(page(service)))
    client_as("botosani-editor").post(publish, {"publish": "0"})
    assert "The queue at the desk is long" not in text_of(visitor.get(page(service)))


def test_a_service_of_another_city_is_not_found(visitor, messina, published):
    foreign = PublicService.objects.filter(organisation=messina).first()
    path = f"/organisations/botosani/services/{foreign.pk}/feedback/"
    assert visitor.get(path).status_code == 404


def test_the_city_lists_its_services_to_rate_and_the_catalogue_links_them(
    client_as, visitor, service, published
):
    listing = parsed(visitor.get("/organisations/botosani/services/feedback/"))
    assert page(service) in [a.get("href") for a in listing.xpath("//a")]
    catalogue = parsed(client_as("botosani-editor").get("/organisations/botosani/services/"))
    links = [a.get("href") for a in catalogue.xpath("//a")]
    assert page(service) in links and "/organisations/botosani/services/feedback/" in links


@pytest.mark.parametrize("who", [None, "botosani-editor"])
def test_the_feedback_page_takes_as_many_queries_for_30_ratings_as_for_3(
    client_as, visitor, service, published, django_user_model, demo_user, settings, who
):
    settings.DI4C_RATE_LIMITS = {}
    people = [
        django_user_model.objects.create_user(
            email=f"rater{n}@example.org", password="x", full_name=f"Rater {n}"
        )
        for n in range(30)
    ]

    city = demo_user("botosani-editor")

    def add(first, last):
        for person in people[first:last]:
            rating = services.service_rate(
                actor=person, service=service, rating=person.pk % 5 + 1, comment="Fine"
            )
            services.rating_comment_publish(actor=city, rating=rating, publish=person.pk % 2 == 0)

    browser = client_as(who) if who else visitor
    add(0, 3)
    queries(browser, page(service))
    with_3 = queries(browser, page(service))
    add(3, 30)
    with_30 = queries(browser, page(service))
    assert with_30 == with_3
