"""Engagement: the city's stakeholders, its consultations, citizens' ideas and service feedback.

One module per entity family; everything is importable from `di4c.engagement.models`.
"""

from di4c.engagement.models.consultations import (
    Answer,
    Consultation,
    ConsultationInvitation,
    ConsultationMode,
    Moderation,
    Option,
    Question,
    QuestionKind,
    Response,
)
from di4c.engagement.models.feedback import ServiceRating
from di4c.engagement.models.ideas import (
    Comment,
    Flag,
    FlagReason,
    Idea,
    IdeaStatus,
    IdeaStatusChange,
    Support,
)
from di4c.engagement.models.stakeholders import (
    ConsentMethod,
    LocalGroupRole,
    Sector,
    Stakeholder,
    StakeholderKind,
)

__all__ = [
    "Answer",
    "Comment",
    "ConsentMethod",
    "Consultation",
    "ConsultationInvitation",
    "ConsultationMode",
    "Flag",
    "FlagReason",
    "Idea",
    "IdeaStatus",
    "IdeaStatusChange",
    "LocalGroupRole",
    "Moderation",
    "Option",
    "Question",
    "QuestionKind",
    "Response",
    "Sector",
    "ServiceRating",
    "Stakeholder",
    "StakeholderKind",
    "Support",
]
