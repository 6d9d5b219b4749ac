"""WSGI entry for the throughput benchmark: di4c with one extra bare view (bench_urls.py)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "di4c.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
settings.ROOT_URLCONF = "benchmarks.bench_urls"
