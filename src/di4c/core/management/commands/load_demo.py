from django.core.management.base import BaseCommand

from di4c.core.demo import demo_password, load_demo


class Command(BaseCommand):
    help = "Load the DI4C demo network and one account per role (idempotent)."

    def handle(self, *args, **options):
        password = demo_password()
        accounts, created = load_demo(password)
        summary = ", ".join(f"{count} {name}" for name, count in created.items())
        self.stdout.write(f"Demo data loaded (created: {summary}).")
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {password}):")
        width = max(len(account.email) for account in accounts)
        for account in accounts:
            self.stdout.write(f"  {account.email.ljust(width)}  {account.role} – {account.scope}")
