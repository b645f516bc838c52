from django.core.management.base import BaseCommand

from directory.territories import load_territories


class Command(BaseCommand):
    help = "Charge les départements, territoires et communes de référence (idempotent)."

    def handle(self, *args, **options):
        load_territories(lambda message: self.stdout.write(message))
