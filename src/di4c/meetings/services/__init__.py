"""The writes of the meetings app: each use case one transaction, its permission checked first.

Split by entity; everything is re-exported here so callers write `services.meeting_create`.
"""

from di4c.meetings.services.content import (
    agenda_item_add,
    agenda_item_delete,
    agenda_item_update,
    decision_add,
    decision_delete,
    meeting_theme_from_weak_spot,
    task_create,
    task_set_status,
)
from di4c.meetings.services.files import (
    document_add,
    document_version_add,
    photo_add,
    photo_delete,
)
from di4c.meetings.services.meetings import (
    EDITABLE_FIELDS,
    meeting_cancel,
    meeting_create,
    meeting_update,
)
from di4c.meetings.services.participants import (
    attendance_record,
    attendance_record_many,
    calendar_feed_for_network,
    calendar_feed_for_user,
    calendar_feed_reset,
    participant_respond,
    participants_invite,
)
from di4c.meetings.services.rotation import rotation_accept

__all__ = [
    "EDITABLE_FIELDS",
    "agenda_item_add",
    "agenda_item_delete",
    "agenda_item_update",
    "attendance_record",
    "attendance_record_many",
    "calendar_feed_for_network",
    "calendar_feed_for_user",
    "calendar_feed_reset",
    "decision_add",
    "decision_delete",
    "document_add",
    "document_version_add",
    "meeting_cancel",
    "meeting_create",
    "meeting_theme_from_weak_spot",
    "meeting_update",
    "participant_respond",
    "participants_invite",
    "photo_add",
    "photo_delete",
    "rotation_accept",
    "task_create",
    "task_set_status",
]
