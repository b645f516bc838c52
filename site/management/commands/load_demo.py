from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from relais import demo

# Each app's demo loader, in dependency order: a module with ``load(log)``, idempotent.
APP_LOADERS = [
    "directory.demo",
    "guide.demo",
    "meetings.demo",
    "meetings.indicators.demo",
    "search.demo",
]


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent : relancer ne change rien)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Les données de démonstration ne se chargent pas en production (RELAIS_ENV=production).")

        def log(message):
            self.stdout.write(f"  {message}")

        with transaction.atomic():
            demo.load_site_pages(log)
            accounts = demo.load_users(log)
            for dotted in APP_LOADERS:
                import_module(dotted).load(log)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        self.stdout.write(f"Comptes de démonstration (mot de passe : {demo.demo_password()}) :")
        for username, role in accounts:
            self.stdout.write(f"  {username:<11} {role}")
        self.stdout.write("Administration : /admin/  ·  Espace professionnel : /espace-pro/")
