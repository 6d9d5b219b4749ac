"""A training's materials: the city uploads them (judged by their content, with the limits of
meetings.uploads), its staff and organisers download them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from di4c.capacity import services
from di4c.capacity.forms.trainings import MaterialForm
from di4c.capacity.models import TrainingMaterial
from di4c.capacity.views.training_common import MANAGE, city_time, permissions, training_for
from di4c.core.forms import run_service
from di4c.meetings.uploads import upload_limit_text


def _back(training):
    return redirect(f"{training.get_absolute_url()}#materials")


@login_required
def material_add(request, pk):
    training = training_for(request, pk, MANAGE)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        material = run_service(
            form,
            lambda: services.material_add(
                actor=request.user,
                training=training,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            ),
        )
        if material is not None:
            messages.success(request, _("“%(title)s” is added.") % {"title": material.title})
            return _back(training)
    note = _(
        "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG or plain text, up to %(size)s. "
        "The city's staff and the organisers can download it."
    ) % {"size": upload_limit_text()}
    with city_time(training.organisation):
        return render(
            request,
            "capacity/training_small_form.html",
            {
                "organisation": training.organisation,
                "training": training,
                "form": form,
                "heading": _("Add a material"),
                "submit": _("Upload"),
                "multipart": True,
                "note": note,
            },
        )


@login_required
def material_download(request, pk, material_pk):
    training = training_for(request, pk)
    if not permissions(request.user, training.organisation)["can_download"]:
        raise PermissionDenied
    material = get_object_or_404(TrainingMaterial, pk=material_pk, training=training)
    response = FileResponse(
        material.file.open("rb"),
        as_attachment=True,
        filename=material.name,
        content_type=material.content_type,
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_POST
def material_delete(request, pk, material_pk):
    training = training_for(request, pk, MANAGE)
    material = get_object_or_404(TrainingMaterial, pk=material_pk, training=training)
    material.training = training
    try:
        services.material_delete(actor=request.user, material=material)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(title)s” is deleted.") % {"title": material.title})
    return _back(training)
