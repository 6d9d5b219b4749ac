from django.urls import path, re_path

from di4c.maturity import views

app_name = "maturity"
urlpatterns = [
    path(
        "maturity/frameworks/<slug:code>/v<int:version>/", views.framework_detail, name="framework"
    ),
    path(
        "organisations/<slug:slug>/maturity/", views.organisation_assessments, name="organisation"
    ),
    path("organisations/<slug:slug>/maturity/start/", views.assessment_start, name="start"),
    path("networks/<slug:slug>/maturity/", views.network_maturity, name="network"),
    path("maturity/assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("maturity/assessments/<int:pk>/answer/", views.assessment_answer, name="answer"),
    path(
        "maturity/assessments/<int:pk>/answers/<str:code>/",
        views.answer_save,
        name="answer_save",
    ),
    path("maturity/assessments/<int:pk>/submit/", views.assessment_submit, name="submit"),
    path("maturity/assessments/<int:pk>/review/", views.assessment_review, name="review"),
    path("maturity/assessments/<int:pk>/publish/", views.assessment_publish, name="publish"),
    path("maturity/assessments/<int:pk>/target/", views.target_set, name="target"),
    path("maturity/evidence/<int:pk>/", views.evidence_download, name="evidence"),
    re_path(
        r"^maturity/assessments/(?P<pk>\d+)/export\.(?P<fmt>xlsx|csv)$",
        views.assessment_export,
        name="export",
    ),
]
