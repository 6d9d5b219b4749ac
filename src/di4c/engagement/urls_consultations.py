"""Addresses of the consultation pages (appended to the engagement app's)."""

from django.urls import path

from di4c.engagement.views import consultation_answers as answers
from di4c.engagement.views import consultation_questions as questions
from di4c.engagement.views import consultation_results as results
from di4c.engagement.views import consultations as views

LIST = "organisations/<slug:slug>/consultations/"
ONE = f"{LIST}<int:pk>/"
QUESTION = f"{ONE}questions/<int:question_pk>/"

urlpatterns = [
    path("participate/", views.participate, name="participate"),
    path(LIST, views.consultation_list, name="consultations"),
    path(f"{LIST}new/", views.consultation_new, name="consultation_new"),
    path(ONE, views.consultation_detail, name="consultation"),
    path(f"{ONE}edit/", views.consultation_edit, name="consultation_edit"),
    path(f"{ONE}publish/", views.consultation_publish, name="consultation_publish"),
    path(f"{ONE}unpublish/", views.consultation_unpublish, name="consultation_unpublish"),
    path(f"{ONE}close/", views.consultation_close, name="consultation_close"),
    path(f"{ONE}questions/new/", questions.question_new, name="question_new"),
    path(f"{QUESTION}edit/", questions.question_edit, name="question_edit"),
    path(f"{QUESTION}delete/", questions.question_delete, name="question_delete"),
    path(f"{QUESTION}move/", questions.question_move, name="question_move"),
    path(f"{ONE}answer/", answers.answer, name="consultation_answer"),
    path(f"{ONE}answer/<str:token>/", answers.answer, name="consultation_answer_invited"),
    path(f"{ONE}thanks/", answers.thanks, name="consultation_thanks"),
    path(f"{ONE}results/", results.results, name="consultation_results"),
    path(f"{ONE}moderation/", results.moderation, name="consultation_moderation"),
    path(f"{ONE}moderation/<int:answer_pk>/", results.moderate, name="answer_moderate"),
    path(f"{ONE}invitations/", results.invitations, name="consultation_invitations"),
    path(f"{ONE}export.csv", results.export_csv, name="consultation_export_csv"),
    path(f"{ONE}export.xlsx", results.export_xlsx, name="consultation_export_xlsx"),
]
