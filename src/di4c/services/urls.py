from django.urls import path, re_path

from di4c.services import views

app_name = "services"
urlpatterns = [
    path("organisations/<slug:slug>/services/", views.catalogue, name="catalogue"),
    path("organisations/<slug:slug>/services/adopt/", views.adopt, name="adopt"),
    path("organisations/<slug:slug>/services/new/", views.service_create, name="create"),
    path("organisations/<slug:slug>/services/import/", views.import_file, name="import"),
    path("organisations/<slug:slug>/services/publish/", views.publish, name="publish"),
    path("organisations/<slug:slug>/services/<int:pk>/", views.service_edit, name="edit"),
    path("organisations/<slug:slug>/services/<int:pk>/year/", views.year_save, name="year"),
    re_path(
        r"^organisations/(?P<slug>[-\w]+)/services/(?P<what>catalogue|index)\.(?P<fmt>csv|xlsx)$",
        views.export,
        name="export",
    ),
    path("networks/<slug:slug>/services/", views.network_services, name="network"),
]
