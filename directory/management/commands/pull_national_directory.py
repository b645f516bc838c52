from django.core.management.base import BaseCommand, CommandError

from directory import national


class Command(BaseCommand):
    help = ("Reprend la part du département du jeu national data·inclusion (structures.json et services.json "
            "publiés sur data.gouv.fr, lus sur le disque) : fiches du département seulement, provenance de chaque "
            "fiche, doublons présumés des fiches de l'annuaire (même SIRET, puis nom et adresse proches) à examiner "
            "dans l'administration. Une seconde exécution sur les mêmes fichiers ne change rien.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH",
                            help="structures.json, services.json, ou le dossier qui les contient.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Compte (créations, mises à jour, doublons présumés) sans rien écrire.")
        parser.add_argument("--departement", action="append", dest="departements", metavar="CODE",
                            help="Ne garder que ce département (répétable) ; par défaut, ceux dont le site a chargé "
                                 "les territoires.")

    def handle(self, paths, dry_run=False, departements=None, verbosity=1, **options):
        try:
            result = national.pull(paths, dry_run=dry_run, departements=departements)
        except national.DatasetError as exc:
            raise CommandError(str(exc)) from None
        if verbosity >= 2:
            for error in result.invalid:
                self.stderr.write(f"Écartée : {error}")
            for warning in result.imported.warnings:
                self.stderr.write(f"Avertissement : {warning}")
            for match in result.matches:
                self.stderr.write(f"Doublon présumé : {match.key[1]} (source {match.key[0]}) ≟ « "
                                  f"{match.organisation.name} » ({match.detail})")
        self.stdout.write(self.style.SUCCESS(result.line(dry_run)))
