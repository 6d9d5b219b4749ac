"""The good-practice library: the public list and practice pages, and the pages with which a
city's editors share a practice, translate it and attach documents to it. Thin: parse, call a
service or selector, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from di4c.core.forms import add_service_errors
from di4c.core.i18n import current_language
from di4c.core.markdown import render_markdown
from di4c.meetings.uploads import upload_limit_text
from di4c.portal import services
from di4c.portal.cache import public_page
from di4c.portal.forms.practices import (
    AttachmentForm,
    PracticeFilterForm,
    PracticeForm,
    PracticeTextForm,
)
from di4c.portal.models import Practice, PracticeAttachment
from di4c.portal.selectors import practices as selectors
from di4c.portal.views.pages import describe, language_codes, reader_language

PER_PAGE = 12
CHANGE = "portal.change_practice"


def _run(form, call):
    """The service's result, or None with its errors on the form's fields (figure rows too)."""
    try:
        return call()
    except ValidationError as error:
        mapped = form.service_error(error) if hasattr(form, "service_error") else error
        add_service_errors(form, mapped)
        return None


def _editable(request, slug) -> Practice:
    """The practice for one of its editors: 404 for a draft to anyone else (it does not exist
    for them), 403 for a published one."""
    practice = get_object_or_404(
        Practice.objects.select_related("organisation").prefetch_related(
            "texts", "figures", "dimensions", "services"
        ),
        slug=slug,
    )
    if not request.user.has_perm(CHANGE, practice):
        if not practice.is_public:
            raise Http404
        raise PermissionDenied
    return practice


def _card(practice: Practice, language: str) -> dict:
    figures = practice.figures.all()
    return {
        "practice": practice,
        "version": practice.version(language),
        "figure": figures[0] if figures else None,
    }


@public_page
def practice_list(request):
    options = selectors.filter_options()
    form = PracticeFilterForm(request.GET or None, options=options)
    filters = form.filters()
    page = Paginator(selectors.practice_list(**filters), PER_PAGE).get_page(request.GET.get("page"))
    language = reader_language(request)
    cards = [_card(practice, language) for practice in page.object_list]
    sharing = selectors.sharing_city_ids(request.user)
    return render(
        request,
        "portal/practices/list.html",
        {
            "form": form,
            "filtered": bool(filters),
            "page": page,
            "cards": cards,
            "can_share": sharing is None or bool(sharing),
            "meta_description": _(
                "Good practices of the cities on di4c: what they did, with what results, at "
                "what cost, and how well it transfers."
            ),
            "og_image": "",
            "content_languages": [],
        },
    )


@public_page
def practice_detail(request, slug):
    practice = selectors.practice_detail(slug)
    can_edit = request.user.has_perm(CHANGE, practice)
    if not practice.is_public and not can_edit:
        raise Http404
    language = reader_language(request)
    version = practice.version(language)
    texts = list(practice.texts.all())
    sections = [
        (field, label, render_markdown(getattr(version, field), heading_offset=2))
        for field, label in (
            ("problem", _("The problem")),
            ("what_was_done", _("What was done")),
            ("results", _("Results")),
        )
        if version and getattr(version, field)
    ]
    context = {
        "practice": practice,
        "version": version,
        "sections": sections,
        "transferability_notes": render_markdown(
            version.transferability_notes if version else "", heading_offset=2
        ),
        "figures": list(practice.figures.all()),
        "dimensions": selectors.dimension_labels(practice.dimensions.all()),
        "services": list(practice.services.all()),
        "attachments": list(practice.attachments.all()),
        "actions": selectors.inspired_actions(practice),
        "other_versions": [text for text in texts if version and text.language != version.language],
        "can_edit": can_edit,
        "meta_description": describe(
            version.summary or version.problem if version else "", version.title if version else ""
        ),
        "og_image": "",
        "content_languages": [text.language for text in texts],
    }
    if can_edit:
        existing = {text.language for text in texts}
        context["edit_languages"] = [
            {"code": code, "name": name, "exists": code in existing}
            for code, name in settings.LANGUAGES
        ]
    return render(request, "portal/practices/detail.html", context)


def _settings_form(request, *, practice=None, cities=None, initial=None):
    options = selectors.filter_options()
    return PracticeForm(
        request.POST or None,
        initial=initial,
        practice=practice,
        cities=cities,
        dimension_options=options["dimensions"],
        life_events=options["life_events"],
    )


@login_required
def practice_create(request):
    cities = selectors.sharing_cities(request.user)
    if not cities.exists():
        raise PermissionDenied
    initial = {"language": current_language()}
    chosen = cities.filter(slug=request.GET.get("city", "")).first()
    if chosen is not None:
        initial["city"] = chosen.pk
    form = _settings_form(request, cities=cities, initial=initial)
    if request.method == "POST" and form.is_valid():
        practice = _run(
            form,
            lambda: services.practice_create(
                actor=request.user,
                organisation=form.cleaned_data["city"],
                language=form.cleaned_data["language"],
                text=form.text_data(),
                **form.settings_data(),
            ),
        )
        if practice is not None:
            messages.success(
                request,
                _(
                    "The practice is saved. Add versions in other languages and attachments "
                    "from its page."
                ),
            )
            return redirect(practice)
    return render(request, "portal/practices/form.html", {"form": form, "practice": None})


@login_required
def practice_edit(request, slug):
    practice = _editable(request, slug)
    form = _settings_form(request, practice=practice, initial=PracticeForm.initial_from(practice))
    if request.method == "POST" and form.is_valid():
        saved = _run(
            form,
            lambda: services.practice_update(
                actor=request.user, practice=practice, **form.settings_data()
            ),
        )
        if saved is not None:
            messages.success(request, _("The practice is saved."))
            return redirect(saved)
    return render(
        request,
        "portal/practices/form.html",
        {"form": form, "practice": practice, "version": practice.version()},
    )


@login_required
def practice_version(request, slug, language):
    practice = _editable(request, slug)
    if language not in language_codes():
        raise Http404
    texts = {text.language: text for text in practice.texts.all()}
    existing = texts.get(language)
    initial = (
        {name: getattr(existing, name) for name in PracticeTextForm.base_fields} if existing else {}
    )
    form = PracticeTextForm(request.POST or None, initial=initial, language=language)
    if request.method == "POST" and form.is_valid():
        saved = _run(
            form,
            lambda: services.practice_text_save(
                actor=request.user, practice=practice, language=language, text=form.cleaned_data
            ),
        )
        if saved is not None:
            # Not to ?lang=…: that would switch the editor's own interface language too.
            messages.success(
                request,
                _("The text in %(language)s is saved.")
                % {"language": dict(settings.LANGUAGES)[language]},
            )
            return redirect(practice)
    original = practice.version(practice.original_language)
    return render(
        request,
        "portal/practices/version.html",
        {
            "practice": practice,
            "form": form,
            "language": language,
            "language_name": dict(settings.LANGUAGES)[language],
            "existing": existing,
            "original": original if original and original.language != language else None,
            "languages": [
                {"code": code, "name": name, "exists": code in texts, "current": code == language}
                for code, name in settings.LANGUAGES
            ],
        },
    )


@login_required
def practice_attachments(request, slug):
    practice = _editable(request, slug)
    back = reverse("portal:practice_attachments", args=[practice.slug])
    if request.method == "POST" and "delete" in request.POST:
        wanted = request.POST.get("delete", "")
        attachment = get_object_or_404(
            PracticeAttachment,
            pk=int(wanted) if wanted.isascii() and wanted.isdigit() else 0,
            practice=practice,
        )
        attachment.practice = practice
        services.practice_attachment_delete(actor=request.user, attachment=attachment)
        messages.success(request, _("“%(name)s” is deleted.") % {"name": attachment.name})
        return redirect(back)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        attachment = _run(
            form,
            lambda: services.practice_attachment_add(
                actor=request.user, practice=practice, upload=form.cleaned_data["file"]
            ),
        )
        if attachment is not None:
            messages.success(request, _("“%(name)s” is added.") % {"name": attachment.name})
            return redirect(back)
    return render(
        request,
        "portal/practices/attachments.html",
        {
            "practice": practice,
            "version": practice.version(),
            "attachments": list(practice.attachments.all()),
            "form": form,
            "note": _(
                "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG or plain text, up to "
                "%(size)s. Anyone who can read the practice can download it."
            )
            % {"size": upload_limit_text()},
        },
    )


def practice_attachment_download(request, slug, pk):
    practice = get_object_or_404(Practice.objects.select_related("organisation"), slug=slug)
    if not practice.is_public and not request.user.has_perm(CHANGE, practice):
        raise Http404
    attachment = get_object_or_404(PracticeAttachment, pk=pk, practice=practice)
    try:
        stored = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    if not practice.is_public:
        response["Cache-Control"] = "private, no-cache"
    return response
