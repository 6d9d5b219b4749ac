"""Working documents (each upload a new version, none replaced) and photos (resized, their
location data stripped). Files are judged by their content, see meetings/uploads.py."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from di4c.core.services import require_perm, validated_save
from di4c.meetings.models import DocumentVersion, Meeting, Photo, WorkingDocument
from di4c.meetings.services.meetings import check_not_cancelled
from di4c.meetings.uploads import check_document, image_document_bytes, process_photo


def _clean_line(value: str, field: str, limit: int, *, required: bool = False) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("Keep it under %(limit)s characters.") % {"limit": limit}})
    return value


def _store_version(*, actor, document: WorkingDocument, upload, note: str) -> DocumentVersion:
    checked = check_document(upload)
    number = (
        document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = DocumentVersion(
        document=document,
        number=number,
        name=checked.name,
        content_type=checked.content_type,
        size=upload.size,
        note=note,
        uploaded_by=actor,
    )
    upload.seek(0)
    if checked.kind in ("png", "jpeg"):
        content = image_document_bytes(upload, checked.kind)
        version.size = len(content)
    else:
        content = upload.read()
    version.file.save(f"v{number}{checked.extension}", ContentFile(content), save=False)
    version.save()
    return version


@transaction.atomic
def document_add(*, actor, meeting: Meeting, title: str, upload, note: str = "") -> DocumentVersion:
    require_perm(actor, "meetings.contribute_to_meeting", meeting)
    check_not_cancelled(meeting)
    title = _clean_line(title, "title", 200) or _clean_line(
        upload.name.rsplit("/", 1)[-1], "title", 200
    )
    note = _clean_line(note, "note", 300)
    check_document(upload)  # before anything is written
    document = WorkingDocument(meeting=meeting, title=title, created_by=actor)
    validated_save(document, actor=actor)
    return _store_version(actor=actor, document=document, upload=upload, note=note)


@transaction.atomic
def document_version_add(
    *, actor, document: WorkingDocument, upload, note: str = ""
) -> DocumentVersion:
    """A new version of a working document; the earlier ones stay downloadable."""
    document = (
        WorkingDocument.objects.select_for_update().select_related("meeting").get(pk=document.pk)
    )
    require_perm(actor, "meetings.contribute_to_meeting", document.meeting)
    check_not_cancelled(document.meeting)
    note = _clean_line(note, "note", 300)
    return _store_version(actor=actor, document=document, upload=upload, note=note)


@transaction.atomic
def photo_add(*, actor, meeting: Meeting, upload, alt_text: str, caption: str = "") -> Photo:
    require_perm(actor, "meetings.contribute_to_meeting", meeting)
    check_not_cancelled(meeting)
    alt_text = _clean_line(alt_text, "alt_text", 300)
    if not alt_text:
        raise ValidationError({"alt_text": _("Describe the photo for people who cannot see it.")})
    caption = _clean_line(caption, "caption", 300)
    processed = process_photo(upload)
    photo = Photo(
        meeting=meeting,
        width=processed.width,
        height=processed.height,
        alt_text=alt_text,
        caption=caption,
        uploaded_by=actor,
    )
    photo.image.save(processed.name, processed.image, save=False)
    photo.thumbnail.save(processed.name, processed.thumbnail, save=False)
    photo.save()
    return photo


@transaction.atomic
def photo_delete(*, actor, photo: Photo) -> None:
    meeting = photo.meeting
    if not (
        actor.has_perm("meetings.change_meeting", meeting)
        or (actor.is_authenticated and photo.uploaded_by_id == actor.pk)
    ):
        require_perm(actor, "meetings.change_meeting", meeting)
    files = [photo.image, photo.thumbnail]
    photo.delete()
    for stored in files:
        transaction.on_commit(lambda stored=stored: stored.storage.delete(stored.name))
