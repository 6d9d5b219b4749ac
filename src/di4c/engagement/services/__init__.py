"""The writes of the engagement app: each use case one transaction, its permission first."""

from di4c.engagement.services.consultations import (
    answer_moderate,
    consultation_close_now,
    consultation_create,
    consultation_publish,
    consultation_unpublish,
    consultation_update,
    invitations_create,
    question_add,
    question_delete,
    question_move,
    question_update,
)
from di4c.engagement.services.feedback import rating_comment_publish, service_rate
from di4c.engagement.services.ideas import (
    comment_post,
    content_hide,
    content_show,
    flag_create,
    flag_dismiss,
    idea_answer,
    idea_edit,
    idea_post,
    idea_support,
    idea_unsupport,
)
from di4c.engagement.services.responses import response_submit
from di4c.engagement.services.stakeholders import (
    PERSONAL_FIELDS,
    STAKEHOLDER_FIELDS,
    stakeholder_create,
    stakeholder_erase,
    stakeholder_update,
)

__all__ = [
    "PERSONAL_FIELDS",
    "STAKEHOLDER_FIELDS",
    "answer_moderate",
    "comment_post",
    "consultation_close_now",
    "consultation_create",
    "consultation_publish",
    "consultation_unpublish",
    "consultation_update",
    "content_hide",
    "content_show",
    "flag_create",
    "flag_dismiss",
    "idea_answer",
    "idea_edit",
    "idea_post",
    "idea_support",
    "idea_unsupport",
    "invitations_create",
    "question_add",
    "question_delete",
    "question_move",
    "question_update",
    "rating_comment_publish",
    "response_submit",
    "service_rate",
    "stakeholder_create",
    "stakeholder_erase",
    "stakeholder_update",
]
