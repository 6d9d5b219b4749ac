"""Addresses of the city's capacity workspace (dashboard, framework, setup) and of its
self-assessment rounds (included by the capacity app's urls)."""

from django.urls import path

from di4c.capacity.views import round_results, rounds, workspace

CITY = "organisations/<slug:slug>/capacity/"
SETUP = f"{CITY}setup/"
ROUND = "capacity/rounds/<int:pk>/"

urlpatterns = [
    path(CITY, workspace.dashboard, name="dashboard"),
    path(f"{CITY}framework/", workspace.framework, name="framework"),
    path(SETUP, workspace.setup, name="setup"),
    path(f"{SETUP}departments/new/", workspace.department_form, name="department_new"),
    path(f"{SETUP}departments/<int:pk>/", workspace.department_form, name="department_edit"),
    path(
        f"{SETUP}departments/<int:pk>/delete/",
        workspace.department_delete,
        name="department_delete",
    ),
    path(f"{SETUP}roles/new/", workspace.role_form, name="role_new"),
    path(f"{SETUP}roles/suggested/", workspace.roles_suggested, name="roles_suggested"),
    path(f"{SETUP}roles/<int:pk>/", workspace.role_form, name="role_edit"),
    path(f"{SETUP}roles/<int:pk>/delete/", workspace.role_delete, name="role_delete"),
    path(f"{SETUP}targets/", workspace.targets, name="targets"),
    path(f"{CITY}rounds/", rounds.round_list, name="rounds"),
    path(f"{CITY}rounds/new/", rounds.round_new, name="round_new"),
    path(ROUND, rounds.round_detail, name="round"),
    path(f"{ROUND}edit/", rounds.round_edit, name="round_edit"),
    path(f"{ROUND}open/", rounds.round_open, name="round_open"),
    path(f"{ROUND}close/", rounds.round_close, name="round_close"),
    path(f"{ROUND}links/", rounds.round_links, name="round_links"),
    path(f"{ROUND}results/", round_results.results, name="round_results"),
    path(f"{ROUND}needs/", round_results.needs, name="round_needs"),
    path(f"{ROUND}needs/action/", round_results.need_action, name="need_action"),
    path(f"{ROUND}comparison/", round_results.comparison, name="round_comparison"),
    path(f"{ROUND}export.xlsx", round_results.export, name="round_export"),
]
