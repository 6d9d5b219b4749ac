"""Training sessions: plan them, enrol people (themselves, or by the city), record who
attended, attach materials."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from di4c.capacity.models import Department, Enrolment, Training, TrainingMaterial
from di4c.core.services import assign_fields, require_perm, validated_save

TRAINING_EDITABLE = (
    "topic",
    "description",
    "trainer",
    "starts_at",
    "duration_hours",
    "place",
    "is_online",
    "online_url",
    "capacity",
)


@transaction.atomic
def training_save(
    *,
    actor,
    organisation,
    data: Mapping,
    competences: Iterable | None = None,
    training: Training | None = None,
) -> Training:
    require_perm(actor, "capacity.manage_capacity", organisation)
    if training is not None and training.organisation_id != organisation.pk:
        raise ValidationError({"training": _("This belongs to another city.")})
    training = training or Training(organisation=organisation, created_by=actor)
    if training.is_cancelled:
        raise ValidationError(_("This training is cancelled."))
    assign_fields(training, data, TRAINING_EDITABLE)
    if training.pk and "capacity" in data:
        enrolled = training.enrolments.count()
        if training.capacity is not None and training.capacity < enrolled:
            raise ValidationError(
                {
                    "capacity": ngettext(
                        "%(count)s person is enrolled: keep at least as many places.",
                        "%(count)s people are enrolled: keep at least as many places.",
                        enrolled,
                    )
                    % {"count": enrolled}
                }
            )
    competences = list(competences) if competences is not None else None
    if competences is not None and not competences:
        raise ValidationError({"competences": _("Choose at least one competence it addresses.")})
    validated_save(training, actor=actor)
    if competences is not None:
        training.competences.set(competences)
    return training


@transaction.atomic
def training_cancel(*, actor, training: Training) -> Training:
    require_perm(actor, "capacity.manage_capacity", training.organisation)
    if training.has_taken_place:
        raise ValidationError(_("This training has taken place; it cannot be cancelled."))
    training.is_cancelled = True
    training.save(update_fields=["is_cancelled"])
    return training


def _check_enrolment_open(training: Training) -> None:
    if training.is_cancelled:
        raise ValidationError(_("This training is cancelled."))
    if training.starts_at <= timezone.now():
        raise ValidationError(_("This training has started: enrolment is closed."))
    if training.enrolments.count() >= training.capacity:
        raise ValidationError(_("This training is full."))


def _department_of(training: Training, department: Department | None) -> Department | None:
    if department is not None and department.organisation_id != training.organisation_id:
        raise ValidationError({"department": _("This department belongs to another city.")})
    return department


def _save_enrolment(enrolment: Enrolment) -> Enrolment:
    enrolment.full_clean(exclude=["training", "user", "department"])
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        raise ValidationError(_("This person is already enrolled in this training.")) from None
    return enrolment


@transaction.atomic
def enrol_self(*, actor, training: Training, department: Department | None = None) -> Enrolment:
    require_perm(actor, "capacity.enrol_self", training.organisation)
    # Locked so that two people taking the last place one after another cannot both get it.
    training = Training.objects.select_for_update().get(pk=training.pk)
    _check_enrolment_open(training)
    return _save_enrolment(
        Enrolment(
            training=training,
            user=actor,
            full_name=(actor.get_full_name() or actor.email)[:150],
            email=actor.email,
            department=_department_of(training, department),
        )
    )


@transaction.atomic
def enrol_person(
    *, actor, training: Training, full_name: str, email: str = "", department=None
) -> Enrolment:
    require_perm(actor, "capacity.manage_capacity", training.organisation)
    training = Training.objects.select_for_update().get(pk=training.pk)
    _check_enrolment_open(training)
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise ValidationError({"full_name": _("Give the person's name.")})
    return _save_enrolment(
        Enrolment(
            training=training,
            full_name=full_name,
            email=(email or "").strip().lower(),
            department=_department_of(training, department),
        )
    )


@transaction.atomic
def enrolment_cancel(*, actor, enrolment: Enrolment) -> None:
    training = enrolment.training
    own = actor is not None and actor.is_authenticated and enrolment.user_id == actor.pk
    # Staff leave before the start; after it, only the organisers change the list.
    if not (own and training.starts_at > timezone.now()):
        if own and not actor.has_perm("capacity.manage_capacity", training.organisation):
            raise ValidationError(_("The training has started: ask the organisers."))
        require_perm(actor, "capacity.manage_capacity", training.organisation)
    enrolment.delete()


@transaction.atomic
def attendance_record(*, actor, training: Training, attended: Iterable[int]) -> int:
    """Mark who attended (the enrolments listed) and who did not (the others)."""
    require_perm(actor, "capacity.manage_capacity", training.organisation)
    if training.is_cancelled:
        raise ValidationError(_("This training is cancelled."))
    if training.starts_at > timezone.now():
        raise ValidationError(_("Attendance is recorded once the training has started."))
    attended = {int(pk) for pk in attended}
    ids = set(training.enrolments.values_list("pk", flat=True))
    strangers = attended - ids
    if strangers:
        raise ValidationError({"attended": _("Some of these people are not enrolled.")})
    training.enrolments.filter(pk__in=attended).update(attended=True)
    training.enrolments.exclude(pk__in=attended).update(attended=False)
    return len(attended)


@transaction.atomic
def material_add(*, actor, training: Training, title: str, upload) -> TrainingMaterial:
    from di4c.meetings.uploads import check_document

    require_perm(actor, "capacity.manage_capacity", training.organisation)
    checked = check_document(upload)  # judged by its content, before anything is written
    title = " ".join((title or "").split()) or checked.name
    material = TrainingMaterial(
        training=training,
        title=title[:200],
        name=checked.name,
        content_type=checked.content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    upload.seek(0)
    material.file.save(f"material{checked.extension}", ContentFile(upload.read()), save=False)
    material.full_clean(exclude=["file"])
    material.save()
    return material


@transaction.atomic
def material_delete(*, actor, material: TrainingMaterial) -> None:
    require_perm(actor, "capacity.manage_capacity", material.training.organisation)
    material.file.delete(save=False)
    material.delete()
