"""Schemas of the portal API (news, pages, good practices, search) and the helpers its modules
share: owners named by slug, languages, publication times, errors renamed to the fields the
client sent. Every class name starts with News, Practice or Portal: ninja names the OpenAPI
components after them."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from di4c.api.meeting_schemas import aware
from di4c.api.plan_schemas import In, query_error
from di4c.core.i18n import interface_languages, translation_languages
from di4c.core.markdown import render_markdown
from di4c.networks.models import Network, Organisation
from di4c.portal.models import PracticeText

# How far in the past a publication date may be before the answer warns that it is not a
# scheduled one (a few minutes: the clocks of client and server differ).
PAST_DATE_TOLERANCE = dt.timedelta(minutes=5)

Count = Annotated[int, Field(ge=0, le=32767)]
Euros = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


language_codes = interface_languages


LANGUAGES_TEXT = "One of the interface languages: " + ", ".join(language_codes())


# --- what the API answers: shared parts ---------------------------------------------------------


class PortalOwnerOut(Schema):
    kind: str = Field(..., description="network or city")
    slug: str
    name: str


class PortalOrganisationOut(Schema):
    slug: str
    name: str


def owner_out(owner) -> dict | None:
    if owner is None:
        return None
    kind = "network" if isinstance(owner, Network) else "city"
    return {"kind": kind, "slug": owner.slug, "name": owner.display_name}


def organisation_out(organisation) -> dict | None:
    if organisation is None:
        return None
    return {"slug": organisation.slug, "name": organisation.display_name}


def html(text: str) -> str:
    return str(render_markdown(text))


# --- news ---------------------------------------------------------------------------------------


class NewsTagOut(Schema):
    slug: str
    name: str


class NewsVersionOut(Schema):
    language: str
    title: str
    summary: str


class NewsFullVersionOut(NewsVersionOut):
    body: str = Field(..., description="Markdown")
    body_html: str = Field(..., description="The Markdown rendered and sanitised")


class NewsCoverOut(Schema):
    url: str
    thumbnail_url: str
    alt_text: str


class NewsImageOut(NewsCoverOut):
    id: int
    caption: str
    is_cover: bool
    position: int
    width: int
    height: int


def image_out(image) -> dict:
    return {
        "id": image.pk,
        "url": reverse("portal:news_photo", args=[image.pk, "image"]),
        "thumbnail_url": reverse("portal:news_photo", args=[image.pk, "thumbnail"]),
        "alt_text": image.display_alt_text,
        "caption": image.caption,
        "is_cover": image.is_cover,
        "position": image.position,
        "width": image.width,
        "height": image.height,
    }


class NewsSummaryOut(Schema):
    id: int
    owner: PortalOwnerOut
    slug: str
    url: str
    published_at: dt.datetime | None
    updated_at: dt.datetime
    author_organisation: PortalOrganisationOut
    tags: list[NewsTagOut]
    versions: list[NewsVersionOut]
    cover: NewsCoverOut | None

    @staticmethod
    def resolve_owner(obj):
        return owner_out(obj.owner)

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()

    @staticmethod
    def resolve_author_organisation(obj):
        return organisation_out(obj.author_organisation)

    @staticmethod
    def resolve_tags(obj):
        return [{"slug": tag.slug, "name": tag.display_name} for tag in obj.tags.all()]

    @staticmethod
    def resolve_versions(obj):
        return [
            {"language": text.language, "title": text.title, "summary": text.summary}
            for text in obj.texts.all()
        ]

    @staticmethod
    def resolve_cover(obj):
        cover = obj.cover
        if cover is None:
            return None
        return {
            "url": reverse("portal:news_photo", args=[cover.pk, "image"]),
            "thumbnail_url": reverse("portal:news_photo", args=[cover.pk, "thumbnail"]),
            "alt_text": cover.display_alt_text,
        }


class NewsDetailOut(NewsSummaryOut):
    status: str = Field(..., description="draft or published")
    is_public: bool = Field(..., description="Published and its date reached")
    original_language: str
    versions: list[NewsFullVersionOut]
    images: list[NewsImageOut]
    meeting: int | None = Field(
        ..., description="The meeting it reports on, if that meeting is public"
    )
    plan: int | None = Field(..., description="The action plan it concerns, if that is public")
    warnings: list[str] = Field(
        ..., description="After a write: what was accepted but may not be what was meant"
    )

    @staticmethod
    def resolve_versions(obj):
        return [
            {
                "language": text.language,
                "title": text.title,
                "summary": text.summary,
                "body": text.body,
                "body_html": html(text.body),
            }
            for text in obj.texts.all()
        ]

    @staticmethod
    def resolve_images(obj):
        return [image_out(image) for image in obj.images.all()]

    @staticmethod
    def resolve_meeting(obj):
        meeting = obj.meeting
        if meeting is None or not (meeting.is_public or getattr(obj, "viewer_edits", False)):
            return None
        return meeting.pk

    @staticmethod
    def resolve_plan(obj):
        plan = obj.plan
        if plan is None or not (plan.is_public or getattr(obj, "viewer_edits", False)):
            return None
        return plan.pk

    @staticmethod
    def resolve_warnings(obj):
        return getattr(obj, "warnings", [])


class NewsOwnerIn(In):
    network: str | None = Field(None, description="Slug of a network, e.g. di4c")
    city: str | None = Field(None, description="Slug of a city, e.g. botosani")


class NewsVersionIn(In):
    title: str = ""
    summary: str = ""
    body: str = Field("", description="Markdown")


class NewsTextIn(NewsVersionIn):
    language: str = Field(..., description=LANGUAGES_TEXT)


class NewsCreate(In):
    owner: NewsOwnerIn
    texts: list[NewsTextIn] = Field(..., description="A version per language; one at least")
    slug: str = Field("", description="Empty: made from the first title")
    original_language: str = Field("", description="Empty: the first version's language")
    status: str = Field("draft", description="draft or published")
    published_at: dt.datetime | None = Field(
        None,
        description="A future time schedules the item; published without one: now. "
        "Without an offset the time is read in the instance's time zone",
    )
    tags: list[str] = Field([], description="Tag names; new ones are created")
    meeting: int | None = Field(None, description="Id of a meeting it reports on")
    plan: int | None = Field(None, description="Id of an action plan it concerns")
    author_organisation: str | None = Field(
        None, description="Slug of the partner publishing a network's item (default: its lead)"
    )


class NewsPatch(In):
    slug: str | None = None
    original_language: str | None = None
    status: str | None = None
    published_at: dt.datetime | None = None
    tags: list[str] | None = None
    meeting: int | None = None
    plan: int | None = None
    author_organisation: str | None = None


def publication_time(value: dt.datetime | None, field: str = "published_at"):
    return aware(value, timezone.get_default_timezone(), field)


def past_date_warnings(status: str, published_at: dt.datetime | None) -> list[str]:
    """A publication date given in the past publishes at once (dated then): say so, in case a
    future date was meant."""
    if status != "published" or published_at is None:
        return []
    if published_at >= timezone.now() - PAST_DATE_TOLERANCE:
        return []
    return [
        _(
            "The publication date %(date)s is in the past: the item is public now, dated then. "
            "To schedule it, give a future date."
        )
        % {"date": published_at.isoformat(timespec="minutes")}
    ]


# --- static pages -------------------------------------------------------------------------------


class PortalPageVersionOut(Schema):
    language: str
    title: str


class PortalPageFullVersionOut(PortalPageVersionOut):
    body: str = Field(..., description="Markdown")
    body_html: str = Field(..., description="The Markdown rendered and sanitised")


class PortalPageSummaryOut(Schema):
    kind: str = Field(..., description="about, accessibility or privacy")
    label: str
    owner: PortalOwnerOut | None = Field(..., description="null: one of the site's own pages")
    url: str
    original_language: str
    updated_at: dt.datetime
    versions: list[PortalPageVersionOut]

    @staticmethod
    def resolve_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_owner(obj):
        return owner_out(obj.owner)

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()

    @staticmethod
    def resolve_versions(obj):
        return [{"language": text.language, "title": text.title} for text in obj.texts.all()]


class PortalPageOut(PortalPageSummaryOut):
    versions: list[PortalPageFullVersionOut]

    @staticmethod
    def resolve_versions(obj):
        return [
            {
                "language": text.language,
                "title": text.title,
                "body": text.body,
                "body_html": html(text.body),
            }
            for text in obj.texts.all()
        ]


class PortalPageTextIn(In):
    title: str = ""
    body: str = Field("", description="Markdown")


def page_owner(network: str | None, city: str | None):
    """The owner named by ?network= or ?city= (neither: the site itself); an unknown one is
    a 404."""
    if network is not None and city is not None:
        query_error("city", _("Give a network or a city, not both."))
    if network is not None:
        owner = Network.objects.filter(slug=network).first() if "\x00" not in network else None
    elif city is not None:
        owner = Organisation.objects.filter(slug=city).first() if "\x00" not in city else None
    else:
        return None
    if owner is None:
        raise Http404
    return owner


# --- good practices -----------------------------------------------------------------------------

FIGURE_LABEL_CHARS = 200
PRACTICE_TEXT_FIELDS = ("problem", "what_was_done", "results", "transferability_notes")


class PracticeVersionOut(Schema):
    language: str
    title: str
    summary: str


class PracticeFullVersionOut(PracticeVersionOut):
    problem: str
    problem_html: str
    what_was_done: str
    what_was_done_html: str
    results: str
    results_html: str
    transferability_notes: str
    transferability_notes_html: str


class PracticeFigureOut(Schema):
    value: str
    label: str


class PracticeAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str
    uploaded_at: dt.datetime


def attachment_out(attachment, slug: str) -> dict:
    from django.urls import reverse

    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": reverse("portal:practice_attachment", args=[slug, attachment.pk]),
        "uploaded_at": attachment.uploaded_at,
    }


class PracticeSummaryOut(Schema):
    id: int
    slug: str
    url: str
    city: PortalOrganisationOut
    published_at: dt.datetime | None
    updated_at: dt.datetime
    started_on: dt.date | None
    duration_months: int | None
    cost_eur: float | None
    transferability: str = Field(..., description="high, medium or low")
    dimensions: list[str] = Field(..., description='Maturity dimensions, "framework:dimension"')
    services: list[str] = Field(..., description="Codes of the reference services it concerns")
    versions: list[PracticeVersionOut]

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()

    @staticmethod
    def resolve_city(obj):
        return organisation_out(obj.organisation)

    @staticmethod
    def resolve_cost_eur(obj):
        return float(obj.cost_eur) if obj.cost_eur is not None else None

    @staticmethod
    def resolve_dimensions(obj):
        return sorted(f"{d.framework_code}:{d.dimension_code}" for d in obj.dimensions.all())

    @staticmethod
    def resolve_services(obj):
        return sorted(service.code for service in obj.services.all())

    @staticmethod
    def resolve_versions(obj):
        return [
            {"language": text.language, "title": text.title, "summary": text.summary}
            for text in obj.texts.all()
        ]


class PracticeDetailOut(PracticeSummaryOut):
    status: str = Field(..., description="draft or published")
    original_language: str
    contact_name: str
    contact_email: str
    website: str
    figures: list[PracticeFigureOut]
    attachments: list[PracticeAttachmentOut]
    versions: list[PracticeFullVersionOut]

    @staticmethod
    def resolve_figures(obj):
        return [{"value": f.value, "label": f.display_label} for f in obj.figures.all()]

    @staticmethod
    def resolve_attachments(obj):
        return [attachment_out(a, obj.slug) for a in obj.attachments.all()]

    @staticmethod
    def resolve_versions(obj):
        return [practice_version_out(text) for text in obj.texts.all()]


def practice_version_out(text: PracticeText) -> dict:
    out = {"language": text.language, "title": text.title, "summary": text.summary}
    for name in PRACTICE_TEXT_FIELDS:
        out[name] = getattr(text, name)
        out[f"{name}_html"] = html(getattr(text, name))
    return out


class PracticeFigureIn(In):
    value: str = Field(..., description='The figure, e.g. "+38 %"')
    label: str = Field(..., description="What it measures")
    label_i18n: dict[str, str] = Field({}, description="The label in other languages")

    @field_validator("label_i18n")
    @classmethod
    def _translations(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(translation_languages()))
        if unknown:
            raise ValueError(
                _("Unknown language(s): %(codes)s.") % {"codes": ", ".join(map(repr, unknown))}
            )
        for text in value.values():
            if "\x00" in text:
                raise ValueError(_("The text contains a NUL character; remove it."))
            if len(text) > FIGURE_LABEL_CHARS:
                raise ValueError(_("Use at most %(max)s characters.") % {"max": FIGURE_LABEL_CHARS})
        return value


class PracticeTextIn(In):
    title: str = ""
    summary: str = ""
    problem: str = Field("", description="Markdown")
    what_was_done: str = Field("", description="Markdown")
    results: str = Field("", description="Markdown")
    transferability_notes: str = Field("", description="Markdown")


class PracticeNewTextIn(PracticeTextIn):
    language: str = Field(..., description=LANGUAGES_TEXT)


class PracticeCreate(In):
    city: str = Field(..., description="Slug of the city, e.g. oulu")
    texts: list[PracticeNewTextIn] = Field(
        ..., description="A version per language, the original first; one at least"
    )
    slug: str = Field("", description="Empty: made from the first title")
    status: str = Field("draft", description="draft or published")
    started_on: dt.date | None = None
    duration_months: Count | None = None
    cost_eur: Euros | None = None
    transferability: str = Field("medium", description="high, medium or low")
    contact_name: str = ""
    contact_email: str = ""
    website: str = ""
    dimensions: list[str] = Field([], description='Maturity dimensions, "framework:dimension"')
    services: list[str] = Field([], description="Codes of reference services")
    figures: list[PracticeFigureIn] = []


class PracticePatch(In):
    slug: str | None = None
    original_language: str | None = None
    status: str | None = None
    started_on: dt.date | None = None
    duration_months: Count | None = None
    cost_eur: Euros | None = None
    transferability: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    website: str | None = None
    dimensions: list[str] | None = None
    services: list[str] | None = None
    figures: list[PracticeFigureIn] | None = None


# --- helpers ------------------------------------------------------------------------------------


def check_query_language(value: str | None, name: str = "language") -> str | None:
    if value is not None and value not in language_codes():
        query_error(
            name,
            _("Unknown language “%(code)s”: use one of %(codes)s.")
            % {"code": value, "codes": ", ".join(language_codes())},
        )
    return value


def no_nul(**values: str) -> None:
    """Form fields (multipart) are not checked by the In schemas."""
    errors = {
        name: _("The text contains a NUL character; remove it.")
        for name, value in values.items()
        if "\x00" in value
    }
    if errors:
        raise ValidationError(errors)


def texts_with_a_title(texts, message: str) -> None:
    if not any(text.title.strip() for text in texts):
        raise ValidationError({"title": message})


def duplicate_languages(texts) -> None:
    seen, errors = set(), {}
    for index, text in enumerate(texts):
        if text.language in seen:
            errors[f"texts.{index}.language"] = _("There are two versions in this language.")
        seen.add(text.language)
    if errors:
        raise ValidationError(errors)
