"""di4c's URLs plus one bare Django view: the yardstick the portal throughput is compared with
(benchmarks/portal_throughput.py). Never part of the application."""

from django.http import HttpResponse
from django.urls import path

from di4c.urls import *  # noqa: F403 - the application's URLs, unchanged
from di4c.urls import urlpatterns as application_urlpatterns


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("__bare__/", bare), *application_urlpatterns]
