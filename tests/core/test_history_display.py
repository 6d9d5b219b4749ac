"""The "History of changes" page shows what a reader understands: choice labels, yes/no, the
related object's text and dates in the reader's language, without bookkeeping fields."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from di4c.core.selectors import history_with_diffs
from di4c.plans import services
from di4c.plans.models import Action
from tests.plans.conftest import build_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(demo_user):
    return demo_user("botosani-editor")


@pytest.fixture
def plan(demo, botosani, editor):
    return build_plan(editor, botosani, demo)


def _history(client, plan, language: str = "en") -> str:
    response = client.get(f"/plans/{plan.pk}/history/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode().replace("\N{NO-BREAK SPACE}", " ")


def _edit_action(plan, actor, code: str, **data) -> Action:
    action = plan.actions.get(code=code)
    return services.action_save(
        actor=actor, plan=plan, action=action, base_version=action.version, data=data
    )


def test_plan_history_shows_labels_objects_and_no_bookkeeping(plan, editor, client_as, demo_user):
    specific = plan.objectives.get(code="SO1.1")
    _edit_action(plan, editor, "A1", status="delayed", objective=specific, progress=0)
    coordinator = demo_user("botosani-coordinator")
    services.plan_publish(actor=coordinator, plan=plan, public=True)

    page = _history(client_as("botosani-editor"), plan)

    assert "<strong>Status</strong>: On track → Delayed" in page
    assert "on_track" not in page
    assert "SO2 Skilled civil servants → SO1.1 Services online" in page
    assert f"→ {specific.pk}<" not in page
    assert "<strong>Published</strong>: no → yes" in page
    assert "<strong>Progress (%)</strong>: 10 → 0" in page  # a zero is not an empty value
    assert "Version" not in page
    assert "Last progress update" not in page
    assert "Reminded at" not in page


def test_plan_history_in_the_readers_language(plan, editor, client_as):
    _edit_action(plan, editor, "A1", status="delayed")

    page = _history(client_as("botosani-editor"), plan, "ro")

    assert "<strong>Stare</strong>: În grafic → Întârziată" in page
    assert "On track" not in page


def test_a_change_of_line_endings_only_is_not_shown(plan, editor):
    _edit_action(plan, editor, "A1", description="First line\nSecond line")
    _edit_action(plan, editor, "A1", description="First line\r\nSecond line")
    _edit_action(plan, editor, "A1", ends_on=dt.date(2025, 3, 1))

    rows = history_with_diffs((lambda record: record.code, Action.history.filter(plan_id=plan.pk)))
    changes = [
        (str(change["field"]), change["old"], change["new"])
        for row in rows
        for change in row["changes"]
    ]
    # Newest first: the date, then nothing for the line endings, then the new description.
    assert changes == [
        ("end (month)", "1 February 2024", "1 March 2025"),
        ("description", None, "First line\nSecond line"),
    ]


def test_plan_history_keeps_a_constant_number_of_queries(plan, editor, client_as):
    client = client_as("botosani-editor")
    specific = plan.objectives.get(code="SO1.1")
    _edit_action(plan, editor, "A1", status="delayed", objective=specific)
    url = f"/plans/{plan.pk}/history/"
    client.get(url)  # the session and caches warmed up

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = count()
    second = plan.objectives.get(code="SO2")
    for code in ("A2", "A3"):
        _edit_action(plan, editor, code, status="delayed", objective=second)
        _edit_action(plan, editor, code, status="done", objective=specific)
    assert count() == before
