from django.core.management.base import BaseCommand

from di4c.core.scale import seed_scale


class Command(BaseCommand):
    help = "Add programme-scale load data (30 networks, 300 organisations, 5,000 people)."

    def add_arguments(self, parser):
        parser.add_argument("--networks", type=int, default=30)
        parser.add_argument("--organisations", type=int, default=300)
        parser.add_argument("--users", type=int, default=5000)

    def handle(self, *args, **options):
        totals = seed_scale(
            networks=options["networks"],
            organisations=options["organisations"],
            users=options["users"],
        )
        self.stdout.write(", ".join(f"{count} {name}" for name, count in totals.items()))
