from django.urls import path

from di4c.plans import feeds, views

app_name = "plans"
urlpatterns = [
    path("organisations/<slug:slug>/plans/", views.organisation_plans, name="organisation"),
    path("organisations/<slug:slug>/plans/from-gap/", views.from_gap, name="from_gap"),
    path("organisations/<slug:slug>/plans/from-service/", views.from_service, name="from_service"),
    path("plans/", views.public_plans, name="public_list"),
    path("networks/<slug:slug>/plans/", views.network_plans, name="network"),
    path("plans/<int:pk>/", views.plan_detail, name="detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="edit"),
    path("plans/<int:pk>/baseline/", views.baseline_refresh, name="baseline"),
    path("plans/<int:pk>/status/", views.plan_transition, name="transition"),
    path("plans/<int:pk>/publish/", views.plan_publish, name="publish"),
    path("plans/<int:pk>/contributors/", views.contributors, name="contributors"),
    path("plans/<int:pk>/comments/", views.comment_add, name="comment"),
    path("plans/<int:pk>/history/", views.history, name="history"),
    path("plans/<int:pk>/snapshots/<int:snapshot_pk>/", views.snapshot, name="snapshot"),
    path("plans/<int:pk>/objectives/new/", views.objective_form, name="objective_new"),
    path("plans/<int:pk>/objectives/<int:objective_pk>/", views.objective_form, name="objective"),
    path(
        "plans/<int:pk>/objectives/<int:objective_pk>/indicators/new/",
        views.indicator_form,
        name="indicator_new",
    ),
    path(
        "plans/<int:pk>/objectives/<int:objective_pk>/indicators/<int:indicator_pk>/",
        views.indicator_form,
        name="indicator",
    ),
    path("plans/<int:pk>/indicators/", views.indicators, name="indicators"),
    path(
        "plans/<int:pk>/indicators/<int:indicator_pk>/measurements/",
        views.measurement_add,
        name="measurement_add",
    ),
    path(
        "plans/<int:pk>/measurements/<int:measurement_pk>/delete/",
        views.measurement_delete,
        name="measurement_delete",
    ),
    path("plans/<int:pk>/actions/", views.action_table, name="actions"),
    path("plans/<int:pk>/actions/new/", views.action_form, name="action_new"),
    path("plans/<int:pk>/actions/<int:action_pk>/", views.action_form, name="action"),
    path("plans/<int:pk>/import/", views.import_actions, name="import"),
    path("plans/<int:pk>/timeline/", views.timeline, name="timeline"),
    path("plans/<int:pk>/budget/", views.budget, name="budget"),
    path("plans/<int:pk>/risks/", views.risks, name="risks"),
    path("plans/<int:pk>/plan.docx", views.document, {"kind": "docx"}, name="docx"),
    path("plans/<int:pk>/plan.pdf", views.document, {"kind": "pdf"}, name="pdf"),
    path("plans/<int:pk>/actions.xlsx", views.document, {"kind": "actions"}, name="actions_xlsx"),
    path("plans/<int:pk>/budget.xlsx", views.document, {"kind": "budget"}, name="budget_xlsx"),
    path("plans/<int:pk>/public/", views.public_plan, name="public"),
    path("plans/<int:pk>/feed.atom", feeds.PlanStatusFeed(), name="feed"),
]
