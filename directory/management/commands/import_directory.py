from django.core.management.base import BaseCommand, CommandError

from directory.importing import import_file
from directory.models import Organisation


class Command(BaseCommand):
    help = ("Importe des structures et services : JSON data·inclusion (.json) ou CSV de l'annuaire (.csv). "
            "Tout ou rien : la moindre erreur est signalée (ligne et champ) et rien n'est écrit.")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="Vérifie et compte sans rien écrire.")
        parser.add_argument("--source", default="import",
                            help="Nom de la source pour un CSV (les JSON portent la leur) : clé des mises à jour.")
        parser.add_argument("--status", default=Organisation.Status.PUBLISHED, choices=Organisation.Status.values,
                            help="Statut des nouvelles organisations (published par défaut).")

    def handle(self, path, dry_run=False, source="import", status="published", **options):
        result = import_file(path, dry_run=dry_run, source=source, status=status)
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} erreur(s) : rien n'a été importé.")
        prefix = "Simulation (rien n'est écrit) : " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(
            f"{prefix}{result.created_organisations} organisation(s) créée(s), "
            f"{result.updated_organisations} mise(s) à jour ; {result.created_services} service(s) créé(s), "
            f"{result.updated_services} mis à jour."))
