from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "di4c.core"
    label = "core"
