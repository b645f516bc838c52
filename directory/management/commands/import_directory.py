from django.core.management.base import BaseCommand, CommandError

from directory.importing import KEEP, SKIP, import_file
from directory.models import Organisation


class Command(BaseCommand):
    help = ("Importe des structures et services : JSON data·inclusion v0 ou v1 (.json) ou CSV de l'annuaire (.csv). "
            "Une fiche est identifiée par sa source et son identifiant. Toute erreur est signalée (fiche, champ, "
            "valeurs permises) et rien n'est écrit ; les fiches hors territoire et les horaires en texte libre "
            "sont des avertissements.")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true",
                            help="Vérifie et compte (créations, mises à jour, ignorées, avertissements) sans rien "
                                 "écrire.")
        parser.add_argument("--source", default="import",
                            help="Source des fiches qui n'en donnent pas (CSV sans colonne source) : avec "
                                 "l'identifiant, la clé des mises à jour.")
        parser.add_argument("--status", default=Organisation.Status.PUBLISHED, choices=Organisation.Status.values,
                            help="Statut des nouvelles organisations (published par défaut).")
        parser.add_argument("--clear-empty", action="store_true",
                            help="Une cellule vide efface le champ (par défaut, elle le laisse tel quel ; une "
                                 "colonne absente le laisse toujours tel quel).")
        parser.add_argument("--out-of-area", default=SKIP, choices=[SKIP, KEEP],
                            help="Fiche hors des territoires du site : skip l'ignore (par défaut), keep la garde "
                                 "sans commune ; un avertissement par fiche dans les deux cas.")

    def handle(self, path, dry_run=False, source="import", status="published", clear_empty=False,
               out_of_area=SKIP, **options):
        result = import_file(path, dry_run=dry_run, source=source, status=status, clear_empty=clear_empty,
                             out_of_area=out_of_area)
        for warning in result.warnings:
            self.stderr.write(f"Avertissement : {warning}")
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} erreur(s) : rien n'a été importé.")
        prefix = "Simulation (rien n'est écrit) : " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(
            f"{prefix}{result.created_organisations} organisation(s) créée(s), "
            f"{result.updated_organisations} mise(s) à jour, {result.unchanged_organisations} inchangée(s), "
            f"{result.skipped_organisations} ignorée(s) ; {result.created_services} service(s) créé(s), "
            f"{result.updated_services} mis à jour, {result.unchanged_services} inchangé(s), "
            f"{result.skipped_services} ignoré(s) ; {len(result.warnings)} avertissement(s)."))
