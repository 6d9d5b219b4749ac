from django.urls import path, re_path

from di4c.meetings.views import calendars, files, meetings, parts, rotation

app_name = "meetings"

urlpatterns = [
    path("meetings/mine/", parts.my_meetings, name="mine"),
    path("meetings/mine/calendar/", calendars.my_feed, name="my_feed"),
    path("meetings/calendar/<str:token>.ics", calendars.feed, name="feed"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/respond/", meetings.meeting_respond, name="respond"),
    path("meetings/<int:pk>/meeting.ics", meetings.meeting_ics, name="meeting_ics"),
    path("meetings/<int:pk>/theme/", meetings.meeting_theme, name="theme"),
    path("meetings/<int:pk>/agenda/new/", parts.agenda_item_edit, name="agenda_new"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/", parts.agenda_item_edit, name="agenda_item"),
    path("meetings/<int:pk>/participants/", parts.participants, name="participants"),
    path("meetings/<int:pk>/minutes/", parts.minutes, name="minutes"),
    path("meetings/tasks/<int:task_pk>/status/", parts.task_status, name="task_status"),
    path("meetings/<int:pk>/documents/new/", files.document_add, name="document_add"),
    path(
        "meetings/documents/<int:document_pk>/versions/new/",
        files.document_version_add,
        name="version_add",
    ),
    path("meetings/versions/<int:version_pk>/", files.version_download, name="version"),
    path("meetings/<int:pk>/photos/new/", files.photo_add, name="photo_add"),
    re_path(
        r"^meetings/photos/(?P<photo_pk>[0-9]+)/(?P<size>image|thumbnail)\.jpg$",
        files.photo_file,
        name="photo_file",
    ),
    path("meetings/photos/<int:photo_pk>/delete/", files.photo_delete, name="photo_delete"),
    path("networks/<slug:slug>/meetings/", meetings.network_meetings, name="network"),
    path("networks/<slug:slug>/meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("networks/<slug:slug>/meetings/rotation/", rotation.rotation_planner, name="rotation"),
    path("networks/<slug:slug>/meetings/calendar/", calendars.network_feed, name="network_feed"),
]
