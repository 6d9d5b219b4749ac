"""Static pages ("About us", accessibility statement, privacy notice) of the site, a network or
a city: read in the reader's language (with a marker when another one is shown), written one
language version at a time by those who may (portal.edit_pages_of)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from di4c.core.forms import run_service
from di4c.core.i18n import current_language
from di4c.core.markdown import render_markdown
from di4c.core.services import check_view_perm
from di4c.networks.models import Network
from di4c.portal import services
from di4c.portal.cache import public_page
from di4c.portal.forms.pages import PageTextForm, accessibility_starter
from di4c.portal.models import PageKind
from di4c.portal.selectors.pages import (
    check_kind,
    language_rows,
    owner_for,
    owner_name,
    page_of,
)
from di4c.portal.views.news import language_codes, reader_language

EDIT_PERM = "portal.edit_pages_of"


def describe(markdown_text: str, fallback: str = "", limit: int = 160) -> str:
    """Plain text for a meta description: the rendered text without tags, cut at `limit`."""
    text = " ".join(strip_tags(render_markdown(markdown_text)).split())
    return Truncator(text or fallback).chars(limit)


def page_url(owner, kind: str, *, edit: bool = False) -> str:
    suffix = "_edit" if edit else ""
    if owner is None:
        return reverse(f"portal:page{suffix}", args=[kind])
    prefix = "network" if isinstance(owner, Network) else "city"
    return reverse(f"portal:{prefix}_page{suffix}", args=[owner.slug, kind])


def _owner_link(owner) -> str:
    return reverse("home") if owner is None else owner.get_absolute_url()


def _show(request, owner, kind: str):
    page = page_of(owner, kind)
    can_edit = request.user.has_perm(EDIT_PERM, owner)
    context = {
        "owner": owner,
        "owner_name": owner_name(owner),
        "owner_url": _owner_link(owner),
        "kind": kind,
        "kind_label": PageKind(kind).label,
        "can_edit": can_edit,
        "edit_url": page_url(owner, kind, edit=True),
    }
    if page is None:
        if not can_edit:
            raise Http404
        return render(request, "portal/pages/missing.html", context, status=404)
    language = reader_language(request)
    version = page.version(language)
    texts = list(page.texts.all())
    context.update(
        {
            "page": page,
            "version": version,
            "body": render_markdown(version.body, heading_offset=1),
            "other_versions": [text for text in texts if text.language != version.language],
            "meta_description": describe(version.body, version.title),
            "og_image": "",
            "content_languages": [text.language for text in texts],
        }
    )
    return render(request, "portal/pages/page.html", context)


@public_page
def site_page(request, kind):
    return _show(request, None, check_kind(kind))


@public_page
def owner_page(request, owner_kind, slug, kind):
    return _show(request, owner_for(owner_kind, slug), check_kind(kind))


def _edit(request, owner, kind: str):
    check_view_perm(request, EDIT_PERM, owner)
    asked = request.GET.get("language")
    language = asked if asked in language_codes() else current_language()
    page = page_of(owner, kind)
    existing = None
    if page is not None:
        existing = next((t for t in page.texts.all() if t.language == language), None)
    here = f"{page_url(owner, kind, edit=True)}?language={language}"
    if request.method == "POST" and "delete" in request.POST:
        if existing is None:
            messages.error(request, _("There is no version in this language to delete."))
            return redirect(here)
        try:
            services.page_text_delete(actor=request.user, page=page, language=language)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(here)
        messages.success(
            request,
            _("The version in %(language)s is deleted.")
            % {"language": dict(settings.LANGUAGES)[language]},
        )
        return redirect(page_url(owner, kind))
    starter = False
    if existing is not None:
        initial = {"title": existing.title, "body": existing.body}
    elif kind == PageKind.ACCESSIBILITY:
        initial, starter = accessibility_starter(owner_name(owner), language), True
    else:
        initial = {"title": str(PageKind(kind).label)}
    form = PageTextForm(request.POST or None, initial=initial, language=language)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.page_text_save(
                actor=request.user,
                owner=owner,
                kind=kind,
                language=language,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            ),
        )
        if saved is not None:
            # Not to ?lang=…: that would switch the editor's own interface language too.
            messages.success(
                request,
                _("The version in %(language)s is saved.")
                % {"language": dict(settings.LANGUAGES)[language]},
            )
            return redirect(page_url(owner, kind))
    return render(
        request,
        "portal/pages/edit.html",
        {
            "owner": owner,
            "owner_name": owner_name(owner),
            "owner_url": _owner_link(owner),
            "kind": kind,
            "kind_label": PageKind(kind).label,
            "page": page,
            "form": form,
            "language": language,
            "language_name": dict(settings.LANGUAGES)[language],
            "languages": language_rows(page, language),
            "existing": existing,
            "can_delete": existing is not None and len(page.texts.all()) > 1,
            "starter": starter,
            "page_url": page_url(owner, kind),
            "edit_url": page_url(owner, kind, edit=True),
        },
    )


@login_required
def site_page_edit(request, kind):
    return _edit(request, None, check_kind(kind))


@login_required
def owner_page_edit(request, owner_kind, slug, kind):
    return _edit(request, owner_for(owner_kind, slug), check_kind(kind))
