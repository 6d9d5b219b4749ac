from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from di4c.networks import selectors as network_selectors


def home(request):
    return render(
        request, "core/home.html", {"programmes": network_selectors.programmes_with_networks()}
    )


@never_cache
def healthz(request):
    """200 when the database answers, 503 otherwise: for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure to reach the database is "unhealthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not Found"}, status=404)
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Forbidden"}, status=403)
    return render(request, "403.html", status=403)


def server_error(request):
    return render(request, "500.html", status=500)
