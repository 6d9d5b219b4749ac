from django.urls import path

from di4c.networks import views

app_name = "networks"
urlpatterns = [
    path("programmes/<slug:slug>/", views.programme_detail, name="programme"),
    path("networks/<slug:slug>/", views.network_detail, name="network"),
    path("networks/<slug:slug>/edit/", views.network_edit, name="network_edit"),
    path("networks/<slug:slug>/history/", views.network_history, name="network_history"),
    path("networks/<slug:slug>/members/", views.network_members, name="network_members"),
    path("networks/<slug:slug>/partners/add/", views.partnership_add, name="partnership_add"),
    path(
        "networks/<slug:slug>/partners/<int:pk>/edit/",
        views.partnership_edit,
        name="partnership_edit",
    ),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<slug:slug>/history/",
        views.organisation_history,
        name="organisation_history",
    ),
    path(
        "organisations/<slug:slug>/members/",
        views.organisation_members,
        name="organisation_members",
    ),
]
