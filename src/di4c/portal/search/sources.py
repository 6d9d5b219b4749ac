"""What each kind of public object puts in the search index: one document per language
version it has. An object that is not public (a draft, a private meeting, an unpublished plan)
has no document, so the index never shows it."""

import re
from dataclasses import dataclass
from datetime import datetime

from di4c.core.i18n import translation_languages

MARKUP = re.compile(r"[#*_`>\[\]()!|~]+")


@dataclass
class Document:
    language: str
    title: str
    body: str
    url: str
    network_id: int | None = None
    organisation_id: int | None = None
    date: datetime | None = None


def plain(*texts) -> str:
    """Markdown as plain words: the index needs words, not markup."""
    return MARKUP.sub(" ", " ".join(text for text in texts if text))


def news_documents(item) -> list[Document]:
    # Scheduled items are indexed already; the engines leave out news dated in the future,
    # so an item appears in results the moment it is published, without a job to run.
    if item.status != "published" or item.published_at is None:
        return []
    return [
        Document(
            language=text.language,
            title=text.title,
            body=plain(text.summary, text.body),
            url=item.get_absolute_url(),
            network_id=item.network_id,
            organisation_id=item.organisation_id or item.author_organisation_id,
            date=item.published_at,
        )
        for text in item.texts.all()
    ]


def practice_documents(practice) -> list[Document]:
    if not practice.is_public:
        return []
    return [
        Document(
            language=text.language,
            title=text.title,
            body=plain(
                text.summary,
                text.problem,
                text.what_was_done,
                text.results,
                text.transferability_notes,
            ),
            url=practice.get_absolute_url(),
            organisation_id=practice.organisation_id,
            date=practice.published_at,
        )
        for text in practice.texts.all()
    ]


def plan_documents(plan) -> list[Document]:
    if not plan.is_public:
        return []
    return [
        Document(
            language=plan.language,
            title=plan.title,
            body=plain(plan.vision_headline, plan.vision_story, plan.context),
            url=plan.get_absolute_url(),
            network_id=plan.network_id,
            organisation_id=plan.organisation_id,
            date=plan.created_at,
        )
    ]


def action_documents(action) -> list[Document]:
    plan = action.plan
    if not plan.is_public:
        return []
    return [
        Document(
            language=plan.language,
            title=f"{action.code} {action.title}",
            body=plain(action.description, action.lead_department),
            url=action.get_absolute_url(),
            network_id=plan.network_id,
            organisation_id=plan.organisation_id,
            date=action.progress_updated_at,
        )
    ]


def _versions(obj, field: str) -> dict[str, str]:
    """{language: text} of a field with a TranslationsField beside it; English is the base."""
    versions = {"en": getattr(obj, field)}
    stored = getattr(obj, f"{field}_i18n", None) or {}
    for code in translation_languages():
        if stored.get(code):
            versions[code] = stored[code]
    return versions


def meeting_documents(meeting) -> list[Document]:
    if not meeting.is_public:
        return []
    titles = _versions(meeting, "title")
    return [
        Document(
            language=language,
            title=title,
            body=plain(meeting.description, meeting.theme, meeting.venue),
            url=meeting.get_absolute_url(),
            network_id=meeting.network_id,
            organisation_id=meeting.host_id,
            date=meeting.starts_at,
        )
        for language, title in titles.items()
    ]


def service_documents(service) -> list[Document]:
    publication = getattr(service.organisation, "index_publication", None)
    if not (publication and publication.is_public):
        return []
    from django.urls import reverse

    url = reverse("services:catalogue", args=[service.organisation.slug])
    return [
        Document(
            language=language,
            title=name,
            body=plain(service.description, service.department),
            url=url,
            organisation_id=service.organisation_id,
        )
        for language, name in _versions(service, "name").items()
    ]
