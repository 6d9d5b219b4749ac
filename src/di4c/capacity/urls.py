from django.urls import include, path

app_name = "capacity"

# The city's workspace and rounds (urls_rounds.py); answering and trainings (urls_trainings.py).
urlpatterns = [
    path("", include("di4c.capacity.urls_rounds")),
    path("", include("di4c.capacity.urls_trainings")),
]
