"""Load test: many people answer the same consultation at the same moment.

    python benchmarks/consultation_load.py                 # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/di4c_load python benchmarks/consultation_load.py

It prepares a database (the demo network, one consultation by invitation with a question of
each kind people tick or type, one single-use link per person), serves it with `di4c serve`
(gunicorn, as in production), has every person open the form first, then fires all the
submissions at once from as many threads. It prints the responses stored, the errors and the
throughput, and fails (exit 1) if any response is lost or any request errs.

Settings: LOAD_PEOPLE (200), LOAD_WORKERS (gunicorn workers, 4), LOAD_PORT (8765).
The PostgreSQL database named in DATABASE_URL is created if missing and emptied first.
"""

import datetime as dt
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie

PEOPLE = int(os.environ.get("LOAD_PEOPLE", "200"))
WORKERS = int(os.environ.get("LOAD_WORKERS", "4"))
PORT = int(os.environ.get("LOAD_PORT", "8765"))
PASSWORD = "load-test-password"

DATA_DIR = tempfile.mkdtemp(prefix="di4c-load-")
os.environ["DI4C_DATA_DIR"] = DATA_DIR
os.environ["DJANGO_SETTINGS_MODULE"] = "di4c.settings"
os.environ["DI4C_DEMO_PASSWORD"] = PASSWORD
os.environ.setdefault("SITE_URL", f"http://127.0.0.1:{PORT}")


def _prepare_postgres(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def prepare() -> tuple[str, list[str], dict, int]:
    """Build the database; return the consultation's answer path, the links and the answers."""
    if os.environ.get("DATABASE_URL"):
        _prepare_postgres(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from di4c.accounts.models import User
    from di4c.core.demo import load_demo
    from di4c.engagement import services
    from di4c.networks.models import Organisation

    load_demo(PASSWORD, plans=False, meetings=False, engagement=False)
    editor = User.objects.get(email="botosani-editor@demo.di4c.eu")
    city = Organisation.objects.get(slug="botosani")
    now = timezone.now()
    consultation = services.consultation_create(
        actor=editor,
        organisation=city,
        data={
            "title": "Ce servicii digitale vă doriți?",
            "mode": "invitation",
            "opens_at": now - dt.timedelta(hours=1),
            "closes_at": now + dt.timedelta(days=1),
        },
    )
    single = services.question_add(
        actor=editor,
        consultation=consultation,
        data={"kind": "single", "text": "Ce serviciu folosiți cel mai des?"},
        options=["Plata taxelor", "Certificate", "Parcări"],
    )
    multiple = services.question_add(
        actor=editor,
        consultation=consultation,
        data={"kind": "multiple", "text": "Pe ce canale?", "required": False},
        options=["Web", "Mobil", "Ghișeu"],
    )
    scale = services.question_add(
        actor=editor, consultation=consultation, data={"kind": "scale", "text": "Cât de mulțumit?"}
    )
    text = services.question_add(
        actor=editor,
        consultation=consultation,
        data={"kind": "short_text", "text": "Ce ați schimba?", "required": False},
    )
    services.consultation_publish(actor=editor, consultation=consultation)
    links = services.invitations_create(actor=editor, consultation=consultation, count=PEOPLE)
    option = {q.pk: [o.pk for o in q.options.order_by("position")] for q in (single, multiple)}
    answers = {
        f"q{single.pk}": str(option[single.pk][0]),
        f"q{multiple.pk}": [str(option[multiple.pk][0]), str(option[multiple.pk][2])],
        f"q{scale.pk}": "4",
        f"q{text.pk}": "Programări online la ghișeu",
    }
    base = consultation.get_absolute_url()
    return base, [token for _invitation, token in links], answers, consultation.pk


def serve() -> subprocess.Popen:
    log = open(os.path.join(DATA_DIR, "gunicorn.log"), "w")  # noqa: SIM115 - lives with the server
    server = subprocess.Popen(
        [sys.executable, "-m", "di4c.cli", "serve", "--port", str(PORT), "--workers", str(WORKERS)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start: see " + log.name)


def _request(method, path, *, body=None, cookies="", timeout=120):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    headers = {"Cookie": cookies} if cookies else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{PORT}{path}"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.getheader("Location", ""), response.read(), response


class Person:
    def __init__(self, path: str):
        self.path = path
        self.cookies = ""
        self.token = ""
        self.status = None
        self.location = ""
        self.error = ""
        self.seconds = 0.0

    def open_form(self):
        status, _location, html, response = _request("GET", self.path)
        if status != 200:
            raise SystemExit(f"the form did not open: {status} {self.path}")
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        self.cookies = "; ".join(f"{key}={morsel.value}" for key, morsel in jar.items())
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        self.token = match.group(1).decode()

    def submit(self, answers: dict, start: threading.Barrier):
        fields = [("csrfmiddlewaretoken", self.token), ("website", "")]
        for name, value in answers.items():
            for item in value if isinstance(value, list) else [value]:
                fields.append((name, item))
        body = urllib.parse.urlencode(fields)
        start.wait()
        began = time.perf_counter()
        try:
            self.status, self.location, _body, _response = _request(
                "POST", self.path, body=body, cookies=self.cookies
            )
        except Exception as error:  # noqa: BLE001 - any failure is counted and shown
            self.error = repr(error)
        self.seconds = time.perf_counter() - began


def main() -> int:
    from_engine = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    base, tokens, answers, consultation_pk = prepare()
    server = serve()
    try:
        people = [Person(f"{base}answer/{token}/") for token in tokens]
        for person in people:
            person.open_form()
        start = threading.Barrier(len(people) + 1)
        threads = [
            threading.Thread(target=person.submit, args=(answers, start)) for person in people
        ]
        for thread in threads:
            thread.start()
        start.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)

    from django.db import connection

    connection.close()
    from di4c.engagement.models import Answer, ConsultationInvitation, Response

    stored = Response.objects.filter(consultation_id=consultation_pk).count()
    used = ConsultationInvitation.objects.filter(
        consultation_id=consultation_pk, used_at__isnull=False
    ).count()
    answer_rows = Answer.objects.filter(response__consultation_id=consultation_pk).count()
    ok = [p for p in people if p.status == 302 and "thanks" in p.location]
    failed = [p for p in people if p not in ok]
    times = sorted(p.seconds for p in people)
    print(f"consultation load test on {from_engine}, gunicorn with {WORKERS} workers")
    print(f"people submitting at once      {len(people)}")
    print(f"responses stored               {stored}")
    print(f"single-use links used          {used}")
    print(f"answer rows stored             {answer_rows} (expected {stored * 5})")
    print(f"requests answered with success {len(ok)}")
    print(f"errors                         {len(failed)}")
    for person in failed[:5]:
        print(f"  {person.status} {person.location} {person.error}")
    print(f"wall time for all submissions  {elapsed:.2f} s")
    print(f"throughput                     {len(people) / elapsed:.1f} responses/s")
    print(
        f"slowest submission             {times[-1]:.2f} s, median {times[len(times) // 2]:.2f} s"
    )
    shutil.rmtree(DATA_DIR, ignore_errors=True)
    lost = stored != len(people) or used != len(people) or answer_rows != stored * 5
    return 1 if failed or lost else 0


if __name__ == "__main__":
    sys.exit(main())
