import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from meetings.indicators.forms import parse_month
from meetings.indicators.operator_table import month_label, send_reminders


class Command(BaseCommand):
    help = ("Relance par courriel les opérateurs qui n'ont pas transmis le tableau de suivi du mois précédent : "
            "à partir du 5, puis une seconde fois après le 10 (date limite). Idempotent : un planificateur peut la "
            "lancer chaque jour.")

    def add_arguments(self, parser):
        parser.add_argument("--mois", dest="month", help="AAAA-MM (par défaut : le mois précédent).")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, month=None, dry_run=False, **options):
        chosen = None
        if month:
            try:
                year, number = parse_month(month)
            except ValueError as error:
                raise CommandError(str(error)) from None
            chosen = dt.date(year, number, 1)
        report = send_reminders(month=chosen, dry_run=dry_run)
        if report.stage is None:
            self.stdout.write(f"{month_label(report.month)} : pas encore de relance (à partir du 5 du mois suivant).")
            return
        self.stdout.write(f"{month_label(report.month)} : {report.missing} tableau(x) non transmis ; "
                          f"{report.reminded} opérateur(s) relancé(s) ; {report.already} déjà relancé(s) à cette "
                          "étape.")
