"""Civil servants' digital skills: the framework (loaded from versioned YAML), the city's
departments, staff roles and target profiles, self-assessment rounds (kept as anonymous
tallies, never as one person's answers), and trainings with enrolment and attendance."""

from di4c.capacity.models.framework import (
    BANDS,
    LEVEL_MAX,
    LEVEL_MIN,
    AreaKind,
    Competence,
    SkillArea,
    SkillsFramework,
    band_of,
)
from di4c.capacity.models.organisation import Department, StaffRole, TargetLevel
from di4c.capacity.models.rounds import (
    MIN_GROUP_SIZE,
    Access,
    LevelTally,
    RespondentTally,
    Round,
    RoundLink,
    RoundParticipation,
    RoundStatus,
)
from di4c.capacity.models.trainings import Enrolment, Training, TrainingMaterial

__all__ = [
    "BANDS",
    "LEVEL_MAX",
    "LEVEL_MIN",
    "MIN_GROUP_SIZE",
    "Access",
    "AreaKind",
    "Competence",
    "Department",
    "Enrolment",
    "LevelTally",
    "RespondentTally",
    "Round",
    "RoundLink",
    "RoundParticipation",
    "RoundStatus",
    "SkillArea",
    "SkillsFramework",
    "StaffRole",
    "TargetLevel",
    "Training",
    "TrainingMaterial",
    "band_of",
]
