"""The idea and service feedback pages (appended to the engagement app's urls)."""

from django.urls import path

from di4c.engagement.views import feedback, idea_actions, ideas

IDEAS = "organisations/<slug:slug>/ideas/"
IDEA = f"{IDEAS}<int:pk>/"
SERVICES = "organisations/<slug:slug>/services/"

urlpatterns = [
    path(IDEAS, ideas.idea_list, name="ideas"),
    path(f"{IDEAS}new/", ideas.idea_new, name="idea_new"),
    path(f"{IDEAS}moderation/", idea_actions.idea_moderation, name="idea_moderation"),
    path(f"{IDEAS}reports/<int:pk>/dismiss/", idea_actions.flag_dismiss, name="idea_flag_dismiss"),
    path(IDEA, ideas.idea_detail, name="idea"),
    path(f"{IDEA}edit/", ideas.idea_edit, name="idea_edit"),
    path(f"{IDEA}support/", idea_actions.idea_support, name="idea_support"),
    path(f"{IDEA}comments/", idea_actions.idea_comment, name="idea_comment"),
    path(f"{IDEA}report/", idea_actions.idea_flag, name="idea_flag"),
    path(f"{IDEA}answer/", idea_actions.idea_answer, name="idea_answer"),
    path(f"{IDEA}hide/", idea_actions.idea_hide, name="idea_hide"),
    path(f"{IDEA}show/", idea_actions.idea_show, name="idea_show"),
    path(f"{SERVICES}feedback/", feedback.feedback_services, name="feedback_services"),
    path(f"{SERVICES}<int:pk>/feedback/", feedback.service_feedback, name="service_feedback"),
    path(
        f"{SERVICES}<int:pk>/feedback/<int:rating_pk>/publish/",
        feedback.rating_publish,
        name="rating_publish",
    ),
]
