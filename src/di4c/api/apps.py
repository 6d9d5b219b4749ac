from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "di4c.api"
    label = "api"
