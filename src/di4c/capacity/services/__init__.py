"""The capacity app's writes, one module per entity; import them from here."""

from di4c.capacity.services.rounds import (
    link_for,
    links_create,
    round_close,
    round_competences,
    round_open,
    round_save,
    self_assessment_submit,
)
from di4c.capacity.services.setup import (
    department_delete,
    department_save,
    role_delete,
    role_save,
    roles_from_framework,
    targets_save,
)
from di4c.capacity.services.trainings import (
    attendance_record,
    enrol_person,
    enrol_self,
    enrolment_cancel,
    material_add,
    material_delete,
    training_cancel,
    training_save,
)

__all__ = [
    "attendance_record",
    "department_delete",
    "department_save",
    "enrol_person",
    "enrol_self",
    "enrolment_cancel",
    "link_for",
    "links_create",
    "material_add",
    "material_delete",
    "role_delete",
    "role_save",
    "roles_from_framework",
    "round_close",
    "round_competences",
    "round_open",
    "round_save",
    "self_assessment_submit",
    "targets_save",
    "training_cancel",
    "training_save",
]
