"""The `di4c` command: `di4c demo`, `di4c serve`, `di4c manage ...`."""

import argparse
import os
import sys


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "di4c.settings")
    import django

    django.setup()


def _manage(*args: str, **options) -> None:
    from django.core.management import call_command

    call_command(*args, **options)


def _serve(host: str, port: int, workers: int) -> None:
    from django.conf import settings

    # gunicorn replaces this process: Ctrl+C and signals reach the server directly.
    os.environ["DI4C_DATA_DIR"] = str(settings.DATA_DIR)
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    print(f"di4c is served on http://{bind}/  (Ctrl+C stops it)", flush=True)
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "di4c.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        # Large exports (an XLSX of 100,000 consultation responses) take longer than
        # gunicorn's default 30 s.
        "--timeout",
        "120",
        "--graceful-timeout",
        "5",
    ]
    os.execv(sys.executable, argv)  # noqa: S606 - argv is built here, no shell


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="di4c", description="Digital Innovation for Cities: the platform's command."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="create the database, load the demo and serve it")
    serve = commands.add_parser("serve", help="serve an existing database")
    for sub in (demo, serve):
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=8000)
        sub.add_argument("--workers", type=int, default=2)
    demo.add_argument("--no-serve", action="store_true", help="load the demo, do not serve")
    scale = commands.add_parser(
        "seed-scale", help="add programme-scale load data (for benchmarks, not for production)"
    )
    scale.add_argument("--networks", type=int, default=30)
    scale.add_argument("--organisations", type=int, default=300)
    scale.add_argument("--users", type=int, default=5000)
    frameworks = commands.add_parser(
        "frameworks", help="check or load maturity frameworks (--skills: skills frameworks)"
    )
    frameworks.add_argument("action", choices=["check", "load"])
    frameworks.add_argument("files", nargs="*")
    frameworks.add_argument(
        "--skills", action="store_true", help="the staff digital-skills frameworks"
    )
    search_index = commands.add_parser(
        "search_index", aliases=["search-index"], help="rebuild the portal's search index"
    )
    search_index.add_argument("action", choices=["rebuild"])
    manage = commands.add_parser("manage", help="run a Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER)

    options = parser.parse_args(argv)
    _setup_django()

    if options.command == "manage":
        from django.core.management import execute_from_command_line

        execute_from_command_line(["di4c manage", *options.args])
        return 0
    if options.command == "frameworks":
        from django.core.management import CommandError

        if options.action == "load":
            _manage("migrate", "--noinput", verbosity=0)
        try:
            command = "skills_frameworks" if options.skills else "frameworks"
            _manage(command, options.action, *options.files)
        except CommandError as error:
            print(error, file=sys.stderr)
            return 1
        return 0
    if options.command in ("search_index", "search-index"):
        _manage("migrate", "--noinput", verbosity=0)
        _manage("search_index", options.action)
        return 0
    if options.command == "seed-scale":
        _manage("migrate", "--noinput", verbosity=0)
        _manage(
            "seed_scale",
            networks=options.networks,
            organisations=options.organisations,
            users=options.users,
        )
        return 0
    if options.command == "demo":
        _manage("migrate", "--noinput", verbosity=0)
        _manage("load_demo")
        if options.no_serve:
            return 0
    if options.command == "serve":
        _manage("migrate", "--noinput", verbosity=0)
    _serve(options.host, options.port, options.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
