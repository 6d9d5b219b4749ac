from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from di4c.api.api import api
from di4c.core import views as core_views
from di4c.portal.cache import public_page

urlpatterns = [
    path("", public_page(core_views.home), name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("di4c.accounts.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("di4c.maturity.urls")),
    path("", include("di4c.services.urls")),
    path("", include("di4c.plans.urls")),
    path("", include("di4c.meetings.urls")),
    path("", include("di4c.engagement.urls")),
    path("", include("di4c.capacity.urls")),
    path("", include("di4c.portal.urls")),
    path("", include("di4c.networks.urls")),
]

handler404 = "di4c.core.views.page_not_found"
handler403 = "di4c.core.views.permission_denied"
handler500 = "di4c.core.views.server_error"
