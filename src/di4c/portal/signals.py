"""Every save of something the public portal shows keeps the search index current and
invalidates the cached public pages, inside the same transaction as the save."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from di4c.core.signals import objects_bulk_saved
from di4c.maturity.models import Dimension, Framework
from di4c.meetings.models import Meeting
from di4c.networks.models import Network, Organisation, Partnership, Programme
from di4c.plans.models import Action, Plan
from di4c.portal.cache import bump_revision
from di4c.portal.models import (
    NewsImage,
    NewsItem,
    NewsText,
    Page,
    PageText,
    Practice,
    PracticeAttachment,
    PracticeDimension,
    PracticeFigure,
    PracticeText,
    SearchKind,
)
from di4c.portal.search.index import reindex
from di4c.services.models import IndexPublication, LifeEvent, PublicService, ReferenceService

# model -> (search kind, how to get the indexed object's id from an instance)
INDEXED = {
    NewsItem: (SearchKind.NEWS, lambda obj: obj.pk),
    NewsText: (SearchKind.NEWS, lambda obj: obj.item_id),
    Practice: (SearchKind.PRACTICE, lambda obj: obj.pk),
    PracticeText: (SearchKind.PRACTICE, lambda obj: obj.practice_id),
    Plan: (SearchKind.PLAN, lambda obj: obj.pk),
    Action: (SearchKind.ACTION, lambda obj: obj.pk),
    Meeting: (SearchKind.MEETING, lambda obj: obj.pk),
    PublicService: (SearchKind.SERVICE, lambda obj: obj.pk),
}
# Shown on public pages (and the sitemap) without being searched.
SHOWN_ONLY = (
    Framework,
    Dimension,
    ReferenceService,
    LifeEvent,
    NewsImage,
    PracticeAttachment,
    Page,
    PageText,
    PracticeDimension,
    PracticeFigure,
    Programme,
    Network,
    Organisation,
    Partnership,
)


def _changed(sender, instance, **kwargs):
    if kwargs.get("raw"):  # loaddata: `di4c search_index rebuild` rebuilds afterwards
        return
    kind, object_id_of = INDEXED[sender]
    reindex(kind, [object_id_of(instance)])
    if sender is Plan:
        # A plan published or withdrawn takes its actions with it.
        reindex(SearchKind.ACTION, list(instance.actions.values_list("pk", flat=True)))
    bump_revision()


for model in INDEXED:
    post_save.connect(_changed, sender=model, dispatch_uid=f"portal-index-save-{model.__name__}")
    post_delete.connect(
        _changed, sender=model, dispatch_uid=f"portal-index-delete-{model.__name__}"
    )


@receiver(objects_bulk_saved, dispatch_uid="portal-bulk-saved")
def _bulk_saved(sender, ids, **kwargs):
    """After the commit: an import of hundreds of rows keeps its constant number of queries,
    and the index follows as soon as the rows are there."""
    if sender in INDEXED and ids:
        kind, ids = INDEXED[sender][0], list(ids)

        def follow():
            with transaction.atomic():
                reindex(kind, ids)
                bump_revision()

        transaction.on_commit(follow)


@receiver(post_save, sender=IndexPublication, dispatch_uid="portal-index-publication")
def _index_publication_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    ids = PublicService.objects.filter(organisation_id=instance.organisation_id).values_list(
        "pk", flat=True
    )
    reindex(SearchKind.SERVICE, list(ids))
    bump_revision()


def _shown_changed(sender, instance=None, **kwargs):
    if not kwargs.get("raw"):
        bump_revision()


for model in SHOWN_ONLY:
    post_save.connect(_shown_changed, sender=model, dispatch_uid=f"portal-shown-{model.__name__}")
    post_delete.connect(
        _shown_changed, sender=model, dispatch_uid=f"portal-shown-del-{model.__name__}"
    )
m2m_changed.connect(
    _shown_changed, sender=NewsItem.tags.through, dispatch_uid="portal-shown-news-tags"
)
m2m_changed.connect(
    _shown_changed, sender=Action.inspired_by.through, dispatch_uid="portal-shown-inspired-by"
)
m2m_changed.connect(
    _shown_changed, sender=Practice.services.through, dispatch_uid="portal-shown-services"
)
