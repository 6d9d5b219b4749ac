from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from di4c.maturity.frameworks import FrameworkFileError, builtin_files, check_text, load_text


class Command(BaseCommand):
    help = "Check or install maturity framework files (YAML)."
    # The capacity app's skills frameworks reuse this command with their own functions.
    check_text = staticmethod(check_text)
    load_text = staticmethod(load_text)
    builtin_files = staticmethod(builtin_files)

    def describe(self, clean: dict) -> str:
        count = sum(len(d["indicators"]) for d in clean["dimensions"])
        return f"{len(clean['dimensions'])} dimensions, {count} indicators"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="validate files and report every problem")
        check.add_argument("files", nargs="*", help="default: the frameworks di4c ships")
        load = sub.add_parser("load", help="install new framework versions")
        load.add_argument("files", nargs="*", help="default: the frameworks di4c ships")

    def handle(self, *args, action, files, **options):
        paths = [Path(name) for name in files] or self.builtin_files()
        failed = False
        for path in paths:
            try:
                text = path.read_text(encoding="utf-8")
                if action == "check":
                    clean = self.check_text(text)
                    self.stdout.write(
                        f"{path}: OK ({clean['code']} v{clean['version']}, {self.describe(clean)})"
                    )
                else:
                    framework, created = self.load_text(text)
                    state = "installed" if created else "already installed"
                    self.stdout.write(f"{path}: {framework.code} v{framework.version} {state}")
            except FileNotFoundError:
                failed = True
                self.stderr.write(f"{path}: no such file")
            except FrameworkFileError as error:
                failed = True
                self.stderr.write(f"{path}: {len(error.problems)} problem(s)")
                for problem in error.problems:
                    self.stderr.write(f"  {path}:{problem}")
        if failed:
            raise CommandError(
                "Some framework files have problems; nothing was installed from them."
            )
