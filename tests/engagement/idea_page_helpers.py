"""Shared by the idea page tests: reading a page as a person does, and making ideas."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html as lxml_html

from di4c.engagement import services

IDEAS = "/organisations/botosani/ideas/"


def idea_url(idea, tail: str = "") -> str:
    return f"{IDEAS}{idea.pk}/{tail}"


def parsed(response):
    return lxml_html.fromstring(response.content.decode())


def text_of(response) -> str:
    return " ".join(parsed(response).text_content().split())


def errors_of(doc, field: str, prefix: str = "id") -> list[str]:
    return [
        " ".join(li.text_content().split())
        for li in doc.xpath(f'//ul[@id="{prefix}_{field}_error"]/li')
    ]


def form_errors(doc) -> str:
    return " ".join(
        " ".join(node.text_content().split())
        for node in doc.xpath("//ul[@class='errorlist nonfield']")
    )


def messages_of(doc) -> str:
    return " ".join(
        " ".join(p.text_content().split())
        for p in doc.xpath("//p[@class and contains(@class, 'message')]")
    )


def post_idea(
    user, organisation, title="Free wifi in the parks", body="Parks need **wifi**.", **more
):
    return services.idea_post(
        actor=user, organisation=organisation, data={"title": title, "body": body, **more}
    )


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)
