from django.core.management.base import BaseCommand

from di4c.plans.services import reminders_send


class Command(BaseCommand):
    help = "E-mail the action leads whose progress update is due (run daily, e.g. from cron)."

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"{sent} reminder(s) sent.")
