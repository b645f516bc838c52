from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.indicators import compute, exports
from meetings.indicators.forms import parse_month


class Command(BaseCommand):
    help = ("Tableau de reporting mensuel des opérateurs (à retourner pour le 10 de chaque mois) : par organisation, "
            "présences aux comités de suivi, permanences effectuées et professionnels formés du mois, avec les "
            "définitions et les instances des indicateurs.")

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="Mois au format AAAA-MM, par exemple 2026-03.")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--output", help="Fichier à écrire (par défaut : "
                                             "reporting-operateurs-AAAA-MM-tous-territoires.ext ici).")

    def handle(self, *args, month, format, output, **options):
        try:
            year, number = parse_month(month)
        except ValueError as error:
            raise CommandError(str(error))
        report = compute.operator_report(year, number)
        label, slug = exports.report_scope()
        content = exports.report_xlsx(report, label) if format == "xlsx" else exports.report_csv(report, label)
        path = Path(output or exports.report_filename(report, slug, format))
        path.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"{len(report.rows)} organisations écrites dans {path}"))
