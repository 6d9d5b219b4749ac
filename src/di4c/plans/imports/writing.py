"""Writing the checked rows: all of them (or only the valid ones) in one transaction."""

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from di4c.core.services import require_perm
from di4c.plans.imports.checking import Row
from di4c.plans.models import Plan
from di4c.plans.services import BulkItemError, actions_bulk_save


class ImportConflict(ValidationError):
    """An action the preview matched was changed, deleted or added since: nothing is written."""


def previewed_versions(rows: list[Row]) -> dict[str, list[int] | None]:
    """What the preview matched, to keep with the file's rows (JSON-serialisable): for each
    code the file gives, [id, version] of the action with that code, or None (no action)."""
    versions: dict[str, list[int] | None] = {}
    for row in rows:
        if row.file_code:
            versions[row.file_code] = [row.action.pk, row.action.version] if row.action else None
    return versions


def _conflicts(rows: list[Row], previewed: dict) -> list[Row]:
    """The rows whose code matches another action, or another version, than at the preview."""
    conflicts = []
    for row in rows:
        if not row.file_code:
            continue  # a new action, whose code is the next free one
        now = [row.action.pk, row.action.version] if row.action else None
        seen = previewed.get(row.file_code)
        if (list(seen) if seen else None) != now:
            conflicts.append(row)
    return conflicts


def _unchanged(row: Row) -> bool:
    action = row.action
    if action is None or row.fundings is not None:
        return False
    for name, value in row.values.items():
        if name == "objective":
            if action.objective_id != value.pk:
                return False
            continue
        current = getattr(action, name)
        if isinstance(current, str):
            current = current.replace("\r\n", "\n").strip()  # as the cells are read
        if current != value:
            return False
    return True


@transaction.atomic
def apply(
    *,
    actor,
    plan: Plan,
    rows: list[Row],
    only_valid: bool = False,
    previewed: dict | None = None,
) -> dict:
    """Write the checked rows in one transaction: all of them, or nothing.

    `previewed` (previewed_versions of the rows the user saw, when they were checked again
    since) refuses the import (ImportConflict, naming the rows) should any row's code now
    match another action, or another version of it, than at the preview: someone's edit
    made after the preview is never overwritten unseen. Refuses (ValueError) when a row is
    bad, unless only_valid is asked. A row equal to its action writes nothing. The rows are
    written together (services.actions_bulk_save: a fixed number of queries plus one per
    batch, whatever the number of rows), with history in the actor's name. Should the plan
    have changed since the check so that a row no longer saves, or should the database
    refuse the rows, raises ValidationError (naming the row when it is known), and nothing
    is written.
    """
    require_perm(actor, "plans.edit_plan", plan)
    conflicts = _conflicts(rows, previewed) if previewed is not None else []
    if conflicts:
        names = ", ".join(f"{row.number} ({row.file_code})" for row in conflicts)
        raise ImportConflict(
            ngettext(
                "Row %(rows)s was changed by someone else after the preview: upload the file "
                "again to see the changes. Nothing has been imported.",
                "Rows %(rows)s were changed by someone else after the preview: upload the file "
                "again to see the changes. Nothing has been imported.",
                len(conflicts),
            )
            % {"rows": names}
        )
    bad = [row for row in rows if not row.ok]
    if bad and not only_valid:
        raise ValueError("The file has bad rows; fix them or import only the valid rows.")
    counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": len(bad)}
    to_write = []
    for row in rows:
        if not row.ok:
            continue
        if _unchanged(row):
            counts["unchanged"] += 1
        else:
            to_write.append(row)
    if not to_write:
        return counts
    try:
        results = actions_bulk_save(
            actor=actor,
            plan=plan,
            items=[(row.action, row.values, row.fundings) for row in to_write],
        )
    except BulkItemError as error:
        messages = (
            [f"{name}: {' '.join(texts)}" for name, texts in error.message_dict.items()]
            if hasattr(error, "error_dict")
            else error.messages
        )
        raise ValidationError(
            _("Row %(number)s: %(errors)s Nothing has been imported.")
            % {"number": to_write[error.index].number, "errors": " ".join(messages)}
        ) from error
    except (IntegrityError, DataError) as error:
        # The last guard: the database's constraints (e.g. a code someone took meanwhile).
        raise ValidationError(
            _(
                "The database refused the import (%(reason)s). Nothing has been imported; "
                "upload the file again to check it against the plan as it is now."
            )
            % {"reason": str(error).strip().splitlines()[0] if str(error).strip() else ""}
        ) from error
    for result in results:
        counts[result] += 1
    return counts
