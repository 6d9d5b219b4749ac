"""Writing the checked rows: all of them (or only the valid ones) in one transaction."""

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _

from di4c.core.services import require_perm
from di4c.plans.imports.checking import Row
from di4c.plans.models import Plan
from di4c.plans.services import BulkItemError, actions_bulk_save


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
def apply(*, actor, plan: Plan, rows: list[Row], only_valid: bool = False) -> dict:
    """Write the checked rows in one transaction: all of them, or nothing.

    Refuses (ValueError) when a row is bad, unless only_valid is asked. A row equal to its
    action writes nothing. The rows are written together (services.actions_bulk_save: a
    fixed number of queries plus one per batch, whatever the number of rows), with history
    in the actor's name. Should the plan have changed since the check so that a row no
    longer saves, or should the database refuse the rows, raises ValidationError (naming the
    row when it is known), and nothing is written.
    """
    require_perm(actor, "plans.edit_plan", plan)
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
