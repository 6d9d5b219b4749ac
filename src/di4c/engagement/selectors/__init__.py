"""The reads of the engagement app (one module per entity family)."""

from di4c.engagement.selectors.consultations import (
    consultation_results,
    consultation_with_questions,
    consultations_of,
    open_consultations,
    text_answers_to_moderate,
)
from di4c.engagement.selectors.feedback import rating_comments, rating_summary
from di4c.engagement.selectors.ideas import idea_page, ideas_of, moderation_queue, status_counts
from di4c.engagement.selectors.stakeholders import (
    SCALE,
    ecosystem,
    personal_data_export,
    power_interest_matrix,
    quadrant,
    sector_counts,
    stakeholders_of,
)

__all__ = [
    "SCALE",
    "consultation_results",
    "consultation_with_questions",
    "consultations_of",
    "ecosystem",
    "idea_page",
    "ideas_of",
    "moderation_queue",
    "open_consultations",
    "personal_data_export",
    "power_interest_matrix",
    "quadrant",
    "rating_comments",
    "rating_summary",
    "sector_counts",
    "stakeholders_of",
    "status_counts",
    "text_answers_to_moderate",
]
