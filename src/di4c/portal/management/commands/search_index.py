"""`di4c search_index rebuild`: the search index made again from every public object (after a
restore, a bulk load without signals, or a change to the stemming rules)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from di4c.portal.forms.search import KIND_LABELS
from di4c.portal.search.index import reindex_all


class Command(BaseCommand):
    help = "Rebuild the portal's search index and print its entries per kind."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild"], help="rebuild: index everything again")

    def handle(self, *args, action, **options):
        with transaction.atomic():
            counts = reindex_all()
        width = max(len(str(label)) for label in KIND_LABELS.values())
        for kind, count in counts.items():
            self.stdout.write(f"{str(KIND_LABELS.get(kind, kind)):<{width}}  {count:>7}")
        self.stdout.write(f"{'':<{width}}  {sum(counts.values()):>7} entries in the index")
