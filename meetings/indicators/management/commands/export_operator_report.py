from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.indicators import compute, exports
from meetings.indicators.forms import parse_month


class Command(BaseCommand):
    help = ("Tableau de reporting mensuel des opérateurs (à retourner pour le 10 de chaque mois) : par organisation, "
            "présences aux comités de suivi, permanences effectuées et participations aux formations du mois.")

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="Mois au format AAAA-MM, par exemple 2026-03.")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--output", help="Fichier à écrire (par défaut : reporting-operateurs-AAAA-MM.ext ici).")

    def handle(self, *args, month, format, output, **options):
        try:
            year, number = parse_month(month)
        except ValueError as error:
            raise CommandError(str(error))
        report = compute.operator_report(year, number)
        content = (exports.report_xlsx(report, year, number) if format == "xlsx"
                   else exports.report_csv(report, year, number))
        path = Path(output or f"reporting-operateurs-{year:04d}-{number:02d}.{format}")
        path.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"{len(report)} organisations écrites dans {path}"))
