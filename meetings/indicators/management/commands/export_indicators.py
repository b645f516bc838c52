from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directory import territories
from meetings.indicators import exports
from meetings.indicators.matrix import convention_years


class Command(BaseCommand):
    help = ("Exporte la matrice des indicateurs (indicateur, mode de calcul, cible, résultat, écart) d'une année, "
            "pour un territoire ou tous, en XLSX ou en CSV (UTF-8 avec BOM, séparateur « ; » pour Excel en français).")

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="Année de la convention, par exemple 2026.")
        parser.add_argument("--territory", help="Code du territoire (62, 62-ARR…) ; sans : tous les territoires.")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--output", help="Fichier à écrire (par défaut : indicateurs-ANNÉE-TERRITOIRE.ext ici).")

    def handle(self, *args, year, territory, format, output, **options):
        try:
            year = int(year)
        except ValueError:
            raise CommandError(f"Année invalide « {year} » : attendu un nombre, par exemple 2026.")
        years = convention_years()
        if years and year not in years:
            raise CommandError(f"L'année {year} est hors de la convention ({years[0]}–{years[-1]}).")
        place = None
        if territory:
            place = territories.by_code(territory)
            if place is None:
                raise CommandError(f"Territoire inconnu : « {territory} ».")
        matrices = exports.matrices_for_export(year=year, territory=place)
        content = exports.matrix_xlsx(matrices) if format == "xlsx" else exports.matrix_csv(matrices)
        path = Path(output or exports.matrix_filename(year, place, format))
        path.write_bytes(content)
        rows = sum(len(m.rows) for m in matrices)
        self.stdout.write(self.style.SUCCESS(f"{rows} lignes écrites dans {path}"))
