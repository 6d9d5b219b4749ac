"""Addresses of the self-assessment answer pages and of the training pages (included by
capacity/urls.py under the "capacity" namespace)."""

from django.urls import path

from di4c.capacity.views import answer, training_materials, training_people, trainings

CITY_TRAININGS = "organisations/<slug:slug>/capacity/trainings/"
TRAINING = "capacity/trainings/<int:pk>/"
ENROLMENT = f"{TRAINING}enrolments/<int:enrolment_pk>/"
MATERIAL = f"{TRAINING}materials/<int:material_pk>/"

urlpatterns = [
    # Answering a round: anonymous through a single-use link, or signed in.
    path("skills/<str:token>/", answer.answer_link, name="answer_link"),
    path("skills/<str:token>/thanks/", answer.answer_link_thanks, name="answer_link_thanks"),
    path("capacity/rounds/<int:pk>/answer/", answer.answer_round, name="answer_round"),
    path(
        "capacity/rounds/<int:pk>/answer/thanks/",
        answer.answer_round_thanks,
        name="answer_round_thanks",
    ),
    # Trainings.
    path(CITY_TRAININGS, trainings.training_list, name="trainings"),
    path(f"{CITY_TRAININGS}new/", trainings.training_new, name="training_new"),
    path(TRAINING, trainings.training_page, name="training"),
    path(f"{TRAINING}edit/", trainings.training_edit, name="training_edit"),
    path(f"{TRAINING}cancel/", trainings.training_cancel, name="training_cancel"),
    path(f"{TRAINING}enrol/", training_people.training_enrol, name="training_enrol"),
    path(f"{TRAINING}unenrol/", training_people.training_unenrol, name="training_unenrol"),
    path(f"{TRAINING}enrolments/new/", training_people.enrolment_add, name="enrolment_add"),
    path(f"{ENROLMENT}remove/", training_people.enrolment_remove, name="enrolment_remove"),
    path(f"{TRAINING}attendance/", training_people.training_attendance, name="attendance"),
    path(f"{TRAINING}materials/new/", training_materials.material_add, name="material_add"),
    path(MATERIAL, training_materials.material_download, name="material"),
    path(f"{MATERIAL}delete/", training_materials.material_delete, name="material_delete"),
]
