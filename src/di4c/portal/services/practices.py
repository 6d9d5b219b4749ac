"""Writing good practices: texts per language, figures, maturity dimensions, services,
attachments; and linking plan actions to the practices that inspired them."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from di4c.core.services import require_perm
from di4c.maturity.models import Dimension
from di4c.meetings.uploads import check_document
from di4c.portal.models import (
    Practice,
    PracticeAttachment,
    PracticeDimension,
    PracticeFigure,
    PracticeText,
    PublishStatus,
    Transferability,
)
from di4c.portal.services.common import (
    check_language,
    check_slug,
    clean_line,
    clean_text,
    slug_from,
)
from di4c.services.models import ReferenceService

TEXT_FIELDS = ("summary", "problem", "what_was_done", "results", "transferability_notes")
PRACTICE_FIELDS = (
    "slug",
    "original_language",
    "status",
    "started_on",
    "duration_months",
    "cost_eur",
    "transferability",
    "contact_name",
    "contact_email",
    "website",
    "dimensions",
    "services",
    "figures",
)


def _slug_taken(exclude_pk=None):
    def taken(slug: str) -> bool:
        practices = Practice.objects.filter(slug=slug)
        if exclude_pk:
            practices = practices.exclude(pk=exclude_pk)
        return practices.exists()

    return taken


def _cost(value):
    if value in (None, ""):
        return None
    try:
        cost = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"cost_eur": _("Give the cost as a number of euros.")}) from None
    if cost < 0:
        raise ValidationError({"cost_eur": _("The cost cannot be negative.")})
    return cost


def _dimensions(codes) -> list[tuple[str, str]]:
    """["di4c-maturity:GOV", ...] -> pairs, each checked against a loaded framework."""
    pairs, unknown = [], []
    for code in codes or []:
        framework_code, _sep, dimension_code = str(code).partition(":")
        if not Dimension.objects.filter(
            framework__code=framework_code, code=dimension_code
        ).exists():
            unknown.append(str(code))
        pairs.append((framework_code, dimension_code))
    if unknown:
        raise ValidationError(
            {
                "dimensions": _("Unknown maturity dimension(s): %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )
    return sorted(set(pairs))


def _services(codes) -> list[ReferenceService]:
    codes = list(dict.fromkeys(codes or []))
    found = {s.code: s for s in ReferenceService.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationError(
            {"services": _("Unknown service(s): %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    return [found[code] for code in codes]


def _figures(figures) -> list[dict]:
    cleaned = []
    for index, figure in enumerate(figures or []):
        value = clean_line(figure.get("value"), f"figures.{index}.value", 30)
        label = clean_line(figure.get("label"), f"figures.{index}.label", 200)
        if not value and not label:
            continue
        if not (value and label):
            raise ValidationError(
                {f"figures.{index}": _("Give each figure both a value and what it measures.")}
            )
        cleaned.append(
            {"value": value, "label": label, "label_i18n": figure.get("label_i18n") or {}}
        )
    return cleaned


def _apply(practice: Practice, data: dict) -> None:
    if "original_language" in data:
        practice.original_language = check_language(data["original_language"], "original_language")
    if "status" in data:
        if data["status"] not in PublishStatus.values:
            raise ValidationError({"status": _("Choose draft or published.")})
        practice.status = data["status"]
        if practice.status == PublishStatus.PUBLISHED and practice.published_at is None:
            practice.published_at = timezone.now()
    if "transferability" in data:
        if data["transferability"] not in Transferability.values:
            raise ValidationError({"transferability": _("Choose how easily it transfers.")})
        practice.transferability = data["transferability"]
    if "cost_eur" in data:
        practice.cost_eur = _cost(data["cost_eur"])
    for name in ("started_on", "duration_months", "contact_email", "website"):
        if name in data:
            setattr(practice, name, data[name] if data[name] not in ("",) else None)
    if "contact_name" in data:
        practice.contact_name = clean_line(data["contact_name"], "contact_name", 150)
    if practice.contact_email is None:
        practice.contact_email = ""
    if practice.website is None:
        practice.website = ""


def _apply_relations(practice: Practice, data: dict) -> None:
    if "dimensions" in data:
        pairs = _dimensions(data["dimensions"])
        practice.dimensions.all().delete()
        PracticeDimension.objects.bulk_create(
            PracticeDimension(practice=practice, framework_code=f, dimension_code=d)
            for f, d in pairs
        )
    if "services" in data:
        practice.services.set(_services(data["services"]))
    if "figures" in data:
        figures = _figures(data["figures"])
        practice.figures.all().delete()
        for position, figure in enumerate(figures):
            PracticeFigure.objects.create(practice=practice, position=position, **figure)


def _check_text(text: dict, prefix: str = "") -> dict:
    title = clean_line(text.get("title"), f"{prefix}title", 300)
    if not title:
        raise ValidationError({f"{prefix}title": _("Give the practice a title.")})
    cleaned = {"title": title, "summary": clean_line(text.get("summary"), f"{prefix}summary", 500)}
    for name in TEXT_FIELDS[1:]:
        cleaned[name] = clean_text(text.get(name), f"{prefix}{name}")
    return cleaned


@transaction.atomic
def practice_create(*, actor, organisation, language: str, text: dict, **data) -> Practice:
    require_perm(actor, "portal.add_practice", organisation)
    unknown = sorted(set(data) - set(PRACTICE_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    check_language(language)
    text = _check_text(text)
    practice = Practice(organisation=organisation, original_language=language, updated_by=actor)
    practice.slug = check_slug(
        data.pop("slug", "") or slug_from(text["title"], "practice"),
        _slug_taken(),
        _("The library"),
    )
    _apply(practice, data)
    practice.full_clean()
    practice.save()
    PracticeText.objects.create(practice=practice, language=language, **text)
    _apply_relations(practice, data)
    return practice


@transaction.atomic
def practice_update(*, actor, practice: Practice, **data) -> Practice:
    require_perm(actor, "portal.change_practice", practice)
    unknown = sorted(set(data) - set(PRACTICE_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    if "slug" in data:
        practice.slug = check_slug(data.pop("slug"), _slug_taken(practice.pk), _("The library"))
    _apply(practice, data)
    practice.updated_at = timezone.now()
    practice.updated_by = actor
    practice.full_clean()
    practice.save()
    _apply_relations(practice, data)
    return practice


@transaction.atomic
def practice_text_save(*, actor, practice: Practice, language: str, text: dict) -> PracticeText:
    require_perm(actor, "portal.change_practice", practice)
    check_language(language)
    version, _created = PracticeText.objects.update_or_create(
        practice=practice, language=language, defaults=_check_text(text)
    )
    practice.updated_at = timezone.now()
    practice.updated_by = actor
    practice.save(update_fields=["updated_at", "updated_by"])
    return version


@transaction.atomic
def practice_delete(*, actor, practice: Practice) -> None:
    require_perm(actor, "portal.change_practice", practice)
    files = [attachment.file for attachment in practice.attachments.all()]
    practice.delete()
    for stored in files:
        transaction.on_commit(lambda stored=stored: stored.storage.delete(stored.name))


@transaction.atomic
def practice_attachment_add(*, actor, practice: Practice, upload) -> PracticeAttachment:
    require_perm(actor, "portal.change_practice", practice)
    try:
        checked = check_document(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    attachment = PracticeAttachment(
        practice=practice,
        name=checked.name,
        content_type=checked.content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(checked.name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def practice_attachment_delete(*, actor, attachment: PracticeAttachment) -> None:
    require_perm(actor, "portal.change_practice", attachment.practice)
    stored = attachment.file
    attachment.delete()
    transaction.on_commit(lambda: stored.storage.delete(stored.name))


@transaction.atomic
def action_inspiration_set(*, actor, action, practices) -> None:
    """The practices a plan action was inspired by (published ones only)."""
    require_perm(actor, "plans.edit_plan", action.plan)
    practices = list(practices)
    drafts = [p.slug for p in practices if p.status != PublishStatus.PUBLISHED]
    if drafts:
        raise ValidationError(
            {
                "inspired_by": _("Only published practices can be linked: %(slugs)s.")
                % {"slugs": ", ".join(drafts)}
            }
        )
    # A linked practice its city has since unpublished is not offered in the form: keep the
    # link (it shows again when the practice is published again) instead of dropping it.
    kept = [
        practice
        for practice in action.inspired_by.all()
        if practice.status != PublishStatus.PUBLISHED and practice not in practices
    ]
    action.inspired_by.set([*practices, *kept])
