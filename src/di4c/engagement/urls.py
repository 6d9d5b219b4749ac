from django.urls import path

from di4c.engagement.urls_consultations import urlpatterns as consultation_urls
from di4c.engagement.urls_ideas import urlpatterns as idea_urls
from di4c.engagement.views import stakeholders as views

app_name = "engagement"

PREFIX = "organisations/<slug:slug>/stakeholders/"
urlpatterns = [
    path(PREFIX, views.stakeholder_list, name="stakeholders"),
    path(f"{PREFIX}new/", views.stakeholder_new, name="stakeholder_new"),
    path(f"{PREFIX}matrix/", views.matrix, name="matrix"),
    path(f"{PREFIX}ecosystem/", views.ecosystem, name="ecosystem"),
    path(f"{PREFIX}<int:pk>/", views.stakeholder_detail, name="stakeholder"),
    path(f"{PREFIX}<int:pk>/edit/", views.stakeholder_edit, name="stakeholder_edit"),
    path(f"{PREFIX}<int:pk>/export.json", views.stakeholder_export, name="stakeholder_export"),
    path(f"{PREFIX}<int:pk>/erase/", views.stakeholder_erase, name="stakeholder_erase"),
]
urlpatterns += consultation_urls + idea_urls
