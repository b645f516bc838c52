from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from relais.demo import accounts, pages

# The demo loader of each app's records, in dependency order: a module with ``load(log)``, idempotent.
APP_LOADERS = [
    "relais.demo.directory",
    "relais.demo.guide",
    "relais.demo.translations",  # after the French guide it translates
    "relais.demo.meetings",
    "relais.demo.indicators",
    "relais.demo.search",
]


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent : relancer ne change rien)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production", action="store_true",
            help="Charge aussi en production : seulement pour vérifier une installation de préproduction sur une "
                 "base jetable (les comptes de démonstration ont un mot de passe public).")

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError("Les données de démonstration ne se chargent pas en production (RELAIS_ENV=production). "
                               "Pour vérifier une préproduction sur une base jetable : --allow-production.")
        if settings.PRODUCTION:
            self.stderr.write(self.style.WARNING(
                "Production : données et comptes de démonstration chargés à la demande (--allow-production). "
                "Base de préproduction uniquement : supprimez-la après la vérification."))

        def log(message):
            self.stdout.write(f"  {message}")

        with transaction.atomic():
            pages.load_site_pages(log)
            users = accounts.load_users(log)
            for dotted in APP_LOADERS:
                import_module(dotted).load(log)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        self.stdout.write(f"Comptes de démonstration (mot de passe : {accounts.demo_password()}) :")
        for username, role in users:
            self.stdout.write(f"  {username:<11} {role}")
        self.stdout.write("Administration : /admin/  ·  Espace professionnel : /espace-pro/")
