from django.core.management.base import BaseCommand

from directory.reminders import send_stale_reminders


class Command(BaseCommand):
    help = ("Relance par courriel les éditeurs (et les administrateurs) des fiches publiées non confirmées depuis "
            "6 mois. Idempotent par période (un mois par défaut) : un planificateur peut la lancer chaque jour.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, dry_run=False, **options):
        report = send_stale_reminders(dry_run=dry_run)
        self.stdout.write(f"{report.stale} fiche(s) à confirmer ; {report.reminded} relancée(s) ; "
                          f"{report.already} déjà relancée(s) cette période ; {report.emails} courriel(s) envoyé(s).")
