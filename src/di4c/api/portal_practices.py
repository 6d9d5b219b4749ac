"""API of the good-practice library: what a city did, with what result and cost, the maturity
dimensions and services it concerns, in versions per language, with attachments. Visitors read
published practices; a draft is a 404 to anyone who may not edit it. Writes go through
portal.services (403: the city's editors and coordinators)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from di4c.api.auth import token_or_session
from di4c.api.maturity import ErrorOut, optional_auth
from di4c.api.meeting_schemas import fields_renamed
from di4c.api.plan_schemas import READ, WRITE, query_error, query_text
from di4c.api.portal_schemas import (
    PracticeAttachmentOut,
    PracticeCreate,
    PracticeDetailOut,
    PracticePatch,
    PracticeSummaryOut,
    PracticeTextIn,
    attachment_out,
    check_query_language,
    duplicate_languages,
    texts_with_a_title,
)
from di4c.core.services import require_perm
from di4c.maturity.models import Dimension
from di4c.networks.models import Organisation
from di4c.portal import services
from di4c.portal.models import Practice, PracticeText, PublishStatus, Transferability

router = Router(tags=["portal"])

TEXT_NAMES = ("language", "title", "summary")


def _practices():
    return Practice.objects.select_related("organisation").prefetch_related(
        Prefetch("texts", queryset=PracticeText.objects.order_by("language")),
        "dimensions",
        "services",
    )


def _practice(request, slug: str) -> Practice:
    """The practice as its reader may see it: a draft only to its editors."""
    practice = (
        _practices().prefetch_related("figures", "attachments").filter(slug=slug).first()
        if "\x00" not in slug
        else None
    )
    if practice is None:
        raise Http404
    if not (practice.is_public or request.user.has_perm("portal.change_practice", practice)):
        raise Http404
    return practice


def _renamed(index: int):
    """A version's errors reported on its place in `texts`."""
    return fields_renamed(**{name: f"texts.{index}.{name}" for name in TEXT_NAMES})


@router.get(
    "/practices", response={200: list[PracticeSummaryOut], 422: ErrorOut}, auth=optional_auth
)
@paginate
def list_practices(
    request,
    city: str | None = Query(None, description="Slug of a city"),
    dimension: str | None = Query(None, description='A maturity dimension, "framework:code"'),
    service: str | None = Query(None, description="Code of a reference service"),
    transferability: str | None = Query(None, description="high, medium or low"),
    language: str | None = Query(None, description="With a version in this language"),
):
    """The published practices, the latest first."""
    practices = _practices().filter(status=PublishStatus.PUBLISHED)
    if query_text("city", city):
        practices = practices.filter(organisation__slug=city)
    if query_text("dimension", dimension):
        framework_code, _sep, dimension_code = dimension.partition(":")
        if not Dimension.objects.filter(
            framework__code=framework_code, code=dimension_code
        ).exists():
            query_error(
                "dimension",
                _("Unknown maturity dimension “%(code)s”: write framework:dimension, e.g. %(e)s.")
                % {"code": dimension, "e": "di4c-city:SG"},
            )
        practices = practices.filter(
            dimensions__framework_code=framework_code, dimensions__dimension_code=dimension_code
        )
    if query_text("service", service):
        practices = practices.filter(services__code=service)
    if transferability is not None:
        if transferability not in Transferability.values:
            query_error("transferability", _("Choose high, medium or low."))
        practices = practices.filter(transferability=transferability)
    if check_query_language(query_text("language", language)):
        practices = practices.filter(texts__language=language)
    return practices.order_by("-published_at", "slug")


@router.get("/practices/{slug}", response={200: PracticeDetailOut, **READ}, auth=optional_auth)
def get_practice(request, slug: str):
    """The practice with every version (Markdown and HTML), its figures and attachments."""
    return _practice(request, slug)


@router.post("/practices", response={201: PracticeDetailOut, **WRITE}, auth=token_or_session)
def create_practice(request, payload: PracticeCreate):
    """Add a city's practice, in one language or several (the first is the original)."""
    data = payload.dict()
    organisation = Organisation.objects.filter(slug=data.pop("city")).first()
    if organisation is None:
        raise ValidationError({"city": _("No organisation has this slug.")})
    texts = payload.texts
    texts_with_a_title(texts, _("Give the practice a title in at least one language."))
    duplicate_languages(texts)
    data.pop("texts")
    with transaction.atomic():
        first = texts[0].dict()
        with _renamed(0):
            practice = services.practice_create(
                actor=request.auth,
                organisation=organisation,
                language=first.pop("language"),
                text=first,
                **data,
            )
        for index, text in enumerate(texts[1:], start=1):
            text = text.dict()
            with _renamed(index):
                services.practice_text_save(
                    actor=request.auth, practice=practice, language=text.pop("language"), text=text
                )
    return Status(201, _practice(request, practice.slug))


@router.patch(
    "/practices/{slug}", response={200: PracticeDetailOut, **WRITE}, auth=token_or_session
)
def patch_practice(request, slug: str, payload: PracticePatch):
    """Change the practice's facts, dimensions, services or figures (versions: PUT versions);
    lists given replace the stored ones."""
    practice = _practice(request, slug)
    data = payload.dict(exclude_unset=True)
    for name in ("slug", "status", "original_language", "transferability"):
        if name in data and data[name] is None:
            raise ValidationError({name: _("This field cannot be null.")})
    for name in ("dimensions", "services", "figures"):
        if name in data and data[name] is None:
            data[name] = []
    practice = services.practice_update(actor=request.auth, practice=practice, **data)
    return _practice(request, practice.slug)


@router.put(
    "/practices/{slug}/versions/{language}",
    response={200: PracticeDetailOut, **WRITE},
    auth=token_or_session,
)
def put_practice_version(request, slug: str, language: str, payload: PracticeTextIn):
    """Add or replace the practice's version in a language."""
    practice = _practice(request, slug)
    services.practice_text_save(
        actor=request.auth, practice=practice, language=language, text=payload.dict()
    )
    return _practice(request, slug)


@router.delete("/practices/{slug}", response={204: None, **WRITE}, auth=token_or_session)
def delete_practice(request, slug: str):
    """Delete the practice with its versions and attachments."""
    services.practice_delete(actor=request.auth, practice=_practice(request, slug))
    return Status(204, None)


@router.post(
    "/practices/{slug}/attachments",
    response={201: PracticeAttachmentOut, **WRITE},
    auth=token_or_session,
)
def add_practice_attachment(request, slug: str, file: File[UploadedFile] = None):
    """Attach a document (multipart): PDF, Office or OpenDocument file, picture or text."""
    practice = _practice(request, slug)
    require_perm(request.auth, "portal.change_practice", practice)  # before judging the input
    if file is None:
        raise ValidationError({"file": _("Choose a file to upload.")})
    attachment = services.practice_attachment_add(
        actor=request.auth, practice=practice, upload=file
    )
    return Status(201, attachment_out(attachment, practice.slug))


@router.delete(
    "/practices/{slug}/attachments/{attachment_id}",
    response={204: None, **WRITE},
    auth=token_or_session,
)
def delete_practice_attachment(request, slug: str, attachment_id: int):
    practice = _practice(request, slug)
    attachment = next((a for a in practice.attachments.all() if a.pk == attachment_id), None)
    if attachment is None:
        raise Http404
    services.practice_attachment_delete(actor=request.auth, attachment=attachment)
    return Status(204, None)
