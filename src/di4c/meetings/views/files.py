"""Working documents and photos: upload, new versions, downloads behind the meeting's rules."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from di4c.core.forms import run_service
from di4c.core.services import check_view_perm
from di4c.meetings import services
from di4c.meetings.forms import DocumentForm, DocumentVersionForm, PhotoForm
from di4c.meetings.models import DocumentVersion, Photo, WorkingDocument
from di4c.meetings.uploads import upload_limit_text
from di4c.meetings.views.common import readable_meeting


def _limit_note() -> str:
    return _(
        "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG or plain text, up to %(size)s."
    ) % {"size": upload_limit_text()}


def _upload_page(request, form, meeting, heading: str, note: str):
    """The upload form again, with what was typed and the reason of a refusal."""
    return render(
        request,
        "meetings/simple_form.html",
        {
            "form": form,
            "meeting": meeting,
            "heading": heading,
            "submit": _("Upload"),
            "multipart": True,
            "note": note,
        },
    )


@login_required
def document_add(request, pk):
    meeting = readable_meeting(request, pk, "meetings.contribute_to_meeting")
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        version = run_service(
            form,
            lambda: services.document_add(
                actor=request.user,
                meeting=meeting,
                title=data["title"],
                upload=data["file"],
                note=data["note"],
            ),
        )
        if version is not None:
            messages.success(request, _("The document is added."))
            return redirect(f"{meeting.get_absolute_url()}#documents")
    return _upload_page(request, form, meeting, _("Add a working document"), _limit_note())


@login_required
def document_version_add(request, document_pk):
    document = get_object_or_404(WorkingDocument.objects.select_related("meeting"), pk=document_pk)
    meeting = readable_meeting(request, document.meeting_id, "meetings.contribute_to_meeting")
    form = DocumentVersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        version = run_service(
            form,
            lambda: services.document_version_add(
                actor=request.user,
                document=document,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            ),
        )
        if version is not None:
            messages.success(
                request,
                _("Version %(number)s of “%(title)s” is added; the earlier ones are kept.")
                % {"number": version.number, "title": document.title},
            )
            return redirect(f"{meeting.get_absolute_url()}#documents")
    heading = _("New version of “%(title)s”") % {"title": document.title}
    return _upload_page(request, form, meeting, heading, _limit_note())


def version_download(request, version_pk):
    version = get_object_or_404(
        DocumentVersion.objects.select_related("document__meeting__network"), pk=version_pk
    )
    check_view_perm(request, "meetings.view_internal", version.document.meeting)
    return FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=version.name,
        content_type=version.content_type,
    )


@login_required
def photo_add(request, pk):
    meeting = readable_meeting(request, pk, "meetings.contribute_to_meeting")
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        photo = run_service(
            form,
            lambda: services.photo_add(
                actor=request.user,
                meeting=meeting,
                upload=data["file"],
                alt_text=data["alt_text"],
                caption=data["caption"],
            ),
        )
        if photo is not None:
            messages.success(request, _("The photo is added, without its location data."))
            return redirect(f"{meeting.get_absolute_url()}#photos")
    note = _(
        "JPEG, PNG or WebP, up to %(size)s. The photo is resized and its location and camera "
        "data are removed."
    ) % {"size": upload_limit_text()}
    return _upload_page(request, form, meeting, _("Add a photo"), note)


def photo_file(request, photo_pk, size):
    photo = get_object_or_404(Photo.objects.select_related("meeting__network"), pk=photo_pk)
    check_view_perm(request, "meetings.view_meeting", photo.meeting)
    stored = photo.thumbnail if size == "thumbnail" else photo.image
    response = FileResponse(stored.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def photo_delete(request, photo_pk):
    photo = get_object_or_404(Photo.objects.select_related("meeting__network"), pk=photo_pk)
    meeting = photo.meeting
    services.photo_delete(actor=request.user, photo=photo)
    messages.success(request, _("The photo is removed."))
    return redirect(f"{meeting.get_absolute_url()}#photos")
