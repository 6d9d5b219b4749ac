"""Throughput of the public home and news pages against a bare Django view, served together by
one gunicorn with `di4c serve`'s configuration, loaded by the same generator in one run.

    python benchmarks/portal_throughput.py            # SQLite, demo data in a temp folder
    DATABASE_URL=postgres://... python benchmarks/portal_throughput.py

Prints requests per second per address (anonymous visitors, warm cache) and each page's
ratio to the bare view. The issue asks for at least 40 %.
"""

import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
ADDRESSES = [
    ("bare Django view", "/__bare__/"),
    ("site home", "/"),
    ("network news home", "/networks/di4c/news/"),
    ("city news home", "/organisations/botosani/news/"),
    ("news item", None),  # the newest Botoșani item, found at run time
    ("news archive (year)", "/organisations/botosani/news/2019/"),
]


def _environment(data_dir: str) -> dict:
    env = dict(os.environ)
    env.setdefault("DI4C_DATA_DIR", data_dir)
    env.setdefault("DI4C_DEMO_PASSWORD", "bench-password")
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{env.get('PYTHONPATH', '')}"
    return env


def _hammer(path: str, seconds: float, results) -> None:
    done = errors = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        connection = HTTPConnection("127.0.0.1", PORT, timeout=30)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                done += 1
            else:
                errors += 1
        finally:
            connection.close()
    results.put((done, errors))


def throughput(path: str, seconds: float = SECONDS) -> tuple[float, int]:
    results = multiprocessing.Queue()
    clients = [
        multiprocessing.Process(target=_hammer, args=(path, seconds, results))
        for _ in range(CLIENTS)
    ]
    start = time.perf_counter()
    for client in clients:
        client.start()
    totals = [results.get() for _ in clients]
    for client in clients:
        client.join()
    elapsed = time.perf_counter() - start
    return sum(done for done, _e in totals) / elapsed, sum(errors for _d, errors in totals)


def _get(path: str) -> tuple[int, bytes]:
    connection = HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _newest_item_path(env) -> str:
    code = (
        "import django; django.setup();"
        "from di4c.portal.models import NewsItem;"
        "item = NewsItem.objects.published().filter(organisation__slug='botosani').first();"
        "print(item.get_absolute_url())"
    )
    output = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "di4c.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return output.stdout.strip().splitlines()[-1]


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="di4c-bench-portal-")
    env = _environment(data_dir)
    if not os.environ.get("BENCH_SKIP_DEMO"):
        print("loading the demo …", flush=True)
        subprocess.run(
            [sys.executable, "-m", "di4c.cli", "demo", "--no-serve"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    item_path = _newest_item_path(env)
    addresses = [(label, path or item_path) for label, path in ADDRESSES]
    server = subprocess.Popen(  # the configuration of `di4c serve` (src/di4c/cli.py)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "benchmarks.bench_wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--access-logfile",
            "-",
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(100):
            try:
                if _get("/__bare__/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        for label, path in addresses:  # warm: every worker renders and caches each page
            for _ in range(WORKERS * 3):
                status, _body = _get(path)
                if status != 200:
                    raise SystemExit(f"{label} {path} answered {status}")
        database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
        print(
            f"\n{database}, gunicorn {WORKERS} workers, {CLIENTS} client processes, "
            f"{SECONDS:.0f} s per address, {os.cpu_count()} CPUs"
        )
        print(
            "Each page is measured between two runs of the bare view; its ratio is to their mean,\n"
            "so that a change in the machine's load during the run touches both sides alike.\n"
        )
        print(f"{'address':28} {'path':44} {'req/s':>8} {'bare req/s':>10} {'of bare':>8}")
        bare_path = addresses[0][1]
        bare_before, _errors = throughput(bare_path)
        ratios = []
        for label, path in addresses[1:]:
            rate, errors = throughput(path)
            bare_after, _errors = throughput(bare_path)
            bare_rate = (bare_before + bare_after) / 2
            bare_before = bare_after
            ratios.append(rate / bare_rate)
            failed = f"  ({errors} failed)" if errors else ""
            print(
                f"{label:28} {path[:44]:44} {rate:8.0f} {bare_rate:10.0f} "
                f"{rate / bare_rate:8.0%}{failed}"
            )
        print(f"\nlowest ratio: {min(ratios):.0%} (the issue asks for at least 40 %)")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
