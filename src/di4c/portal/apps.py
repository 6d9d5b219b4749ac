from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "di4c.portal"
    verbose_name = _("Public portal")

    def ready(self):
        # Search index and page cache follow every save of what they show.
        from di4c.portal import signals  # noqa: F401
