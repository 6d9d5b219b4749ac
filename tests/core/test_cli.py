"""The `di4c` command, run as a user runs it: in a fresh data folder, in its own process."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

DI4C = [sys.executable, "-m", "di4c.cli"]


def _env(tmp_path, **extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update({"DI4C_DATA_DIR": str(tmp_path / "data"), "DI4C_DEMO_PASSWORD": "cli-pass-123"})
    env.update(extra)
    return env


def _run(args, env, timeout=180):
    return subprocess.run(
        [*DI4C, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_demo_no_serve_creates_database_and_prints_accounts(tmp_path):
    env = _env(tmp_path)
    result = _run(["demo", "--no-serve"], env)
    assert result.returncode == 0, result.stderr
    assert "password for all: cli-pass-123" in result.stdout
    for email in ("admin@demo.di4c.eu", "coordinator@demo.di4c.eu", "citizen@demo.di4c.eu"):
        assert email in result.stdout
    database = tmp_path / "data" / "di4c.sqlite3"
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("SELECT count(*) FROM networks_partnership").fetchone()[0] == 9
    again = _run(["demo", "--no-serve"], env)
    assert "created: 0 programmes, 0 networks, 0 organisations" in again.stdout
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM networks_partnership").fetchone()[0] == 9
    assert (tmp_path / "data" / "secret_key").exists()


def test_generated_demo_password_is_printed_and_works(tmp_path):
    env = _env(tmp_path)
    del env["DI4C_DEMO_PASSWORD"]
    result = _run(["demo", "--no-serve"], env)
    password = result.stdout.split("password for all: ")[1].split(")")[0]
    assert len(password) >= 12
    check = _run(
        [
            "manage",
            "shell",
            "--no-imports",
            "-c",
            "from di4c.accounts.models import User;"
            f"print(User.objects.get(email='citizen@demo.di4c.eu').check_password('{password}'))",
        ],
        env,
    )
    assert check.stdout.strip() == "True", check.stderr


def test_manage_passes_through_to_django(tmp_path):
    result = _run(["manage", "check"], _env(tmp_path))
    assert result.returncode == 0
    assert "System check identified no issues" in result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_healthz_and_pages(tmp_path):
    env = _env(tmp_path)
    assert _run(["demo", "--no-serve"], env).returncode == 0
    port = _free_port()
    server = subprocess.Popen(
        [*DI4C, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert json.load(r) == {"status": "ok", "database": "ok"}
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/networks/di4c/") as response:
            assert "Digital Innovation 4 Cities" in response.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/core/di4c.css") as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = _env(
        tmp_path,
        DI4C_ENV="production",
        SECRET_KEY="x" * 20 + "a-long-and-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="di4c.example.org",
    )
    result = _run(["manage", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = _run(["manage", "check"], _env(tmp_path, DI4C_ENV="production"))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_redis_url_puts_cache_and_sessions_in_redis(tmp_path):
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    script = (
        "from django.core.cache import cache; from django.conf import settings;"
        "cache.set('di4c-test', 42); print(cache.get('di4c-test'), settings.SESSION_ENGINE,"
        " settings.CACHES['default']['BACKEND'])"
    )
    result = _run(
        ["manage", "shell", "--no-imports", "-c", script], _env(tmp_path, REDIS_URL=redis_url)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "42",
        "django.contrib.sessions.backends.cache",
        "django_redis.cache.RedisCache",
    ]


def test_seed_scale_command(tmp_path):
    result = _run(
        ["seed-scale", "--networks", "2", "--organisations", "12", "--users", "5"], _env(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2 networks, 12 organisations, ")
    assert result.stdout.strip().endswith("5 users")


def test_frameworks_check_reports_problems_with_lines(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "code: bad\nversion: 1\nname: Bad\nscoring: weighted_mean\nscale: levels\n"
        "levels: [{name: a}, {name: b}, {name: c}, {name: d}, {name: e}]\n"
        "dimensions:\n  - code: AA\n    name: A\n    indicators:\n"
        "      - {code: AA1, weight: x, question: Q, levels: [a, b, c, d, e],"
        " evidence: [a, b, c, d, e]}\n"
    )
    result = _run(["frameworks", "check", str(bad)], _env(tmp_path))
    assert result.returncode == 1
    assert f"{bad}:line 11, indicator AA1: weight 'x' is not a number" in result.stderr
    shipped = _run(["frameworks", "check"], _env(tmp_path))
    assert shipped.returncode == 0, shipped.stderr
    assert "di4c-city v1, 8 dimensions" in shipped.stdout
    loaded = _run(["frameworks", "load"], _env(tmp_path))
    assert "di4c-city v1 installed" in loaded.stdout
