"""Search over both engines: the same tests run on SQLite (FTS5) and PostgreSQL."""

import pytest
from django.utils import timezone

from di4c.portal import services
from di4c.portal.models import SearchEntry
from di4c.portal.search.index import reindex_all, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_news(demo, botosani, demo_user):
    editor = demo_user("botosani-editor")
    return services.news_create(
        actor=editor,
        owner=botosani,
        status="published",
        published_at=timezone.now(),
        texts=[
            {
                "language": "ro",
                "title": "Proiectul „Inovații Digitale pentru Orașe”",
                "body": "Municipiul Botoșani participă la digitalizarea instituțiilor publice "
                "și la dezvoltarea serviciilor digitale pentru cetățeni.",
            },
            {
                "language": "en",
                "title": "The Digital Innovation for Cities project",
                "body": "Botoșani takes part in the digitalisation of public institutions.",
            },
        ],
    )


def titles(results):
    return [entry.title for entry in results.page.object_list]


def test_a_romanian_word_finds_its_inflected_forms_with_or_without_accents(seed_news):
    for query in ("digitalizare", "digitalizarea", "Digitalizării", "institutii", "orase"):
        results = search(query, reader_language="ro")
        assert titles(results) == ["Proiectul „Inovații Digitale pentru Orașe”"], query


def test_the_english_word_finds_the_item_and_shows_the_readers_version(seed_news):
    assert titles(search("digitalisation", reader_language="en")) == [
        "The Digital Innovation for Cities project"
    ]
    # Synonyms across languages: the Italian word finds it too, in the reader's language.
    assert titles(search("digitalizzazione", reader_language="ro")) == [
        "Proiectul „Inovații Digitale pentru Orașe”"
    ]


def test_filters_and_drafts(seed_news, botosani, messina):
    assert search("digitalizare", organisation_ids=[messina.pk]).total == 0
    assert search("digitalizare", organisation_ids=[botosani.pk]).total == 1
    assert search("digitalizare", languages=["it"]).total == 0
    assert search("digitalisation", kinds=["practice"]).total == 0
    seed_news.status = "draft"
    seed_news.save()
    assert search("digitalizare").total == 0
    assert not SearchEntry.objects.filter(kind="news", object_id=seed_news.pk).exists()


def test_reindex_all_is_idempotent(seed_news):
    before = search("digitalizare").total
    reindex_all()
    reindex_all()
    assert search("digitalizare").total == before == 1


def test_a_bulk_import_reaches_the_index_after_its_commit(
    demo_plans, django_capture_on_commit_callbacks
):
    """Imports write actions in bulk (no post_save): the index follows once they are stored."""
    from di4c.core.signals import objects_bulk_saved
    from di4c.plans.models import Action, Plan

    plan = Plan.objects.filter(is_public=True).first()
    action = plan.actions.order_by("pk").first()
    Action.objects.filter(pk=action.pk).update(title="Ghișeu unic pentru antreprenori")
    with django_capture_on_commit_callbacks(execute=True):
        objects_bulk_saved.send(sender=Action, ids=[action.pk])
    assert [entry.object_id for entry in search("antreprenori", kinds=["action"]).page] == [
        action.pk
    ]
