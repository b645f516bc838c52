from django.core.management.base import BaseCommand, CommandError

from directory import cog
from directory.territories import load_territories


class Command(BaseCommand):
    help = ("Charge ou met à jour, depuis le Code officiel géographique de l'INSEE (paquet npm "
            "@etalab/decoupage-administratif), les communes, intercommunalités (EPCI) et départements ; "
            "les territoires d'action sociale depuis une table commune → territoire (CSV). Idempotent ; une "
            "mise à jour annuelle du COG reporte les liens des communes fusionnées sur la commune qui les absorbe.")

    def add_arguments(self, parser):
        parser.add_argument("--departement", "--departements", dest="departements", nargs="+", metavar="CODE",
                            help="codes des départements (ex. 59 62 2A) ; par défaut ceux déjà chargés, sinon "
                                 "ceux de la table des territoires")
        parser.add_argument("--source", metavar="DOSSIER",
                            help="dossier data du paquet @etalab/decoupage-administratif (par défaut "
                                 "RELAIS_COG_PATH, sinon node_modules du projet ou du dossier courant)")
        parser.add_argument("--territoires", metavar="CSV",
                            help="table commune → territoire d'action sociale (colonnes commune, territoire, "
                                 f"nom) ; par défaut {cog.DEFAULT_TABLE.name} ; « » pour aucune")

    def handle(self, *args, **options):
        shown = {"label": None}

        def progress(label, done, total):
            if shown["label"] not in (None, label):
                self.stdout.write("")
            shown["label"] = label
            width = 30
            filled = width * done // total if total else width
            self.stdout.write(f"\r{label:<18} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
            self.stdout.flush()

        def log(message):
            if shown["label"] is not None:
                self.stdout.write("")
                shown["label"] = None
            self.stdout.write(message)

        try:
            load_territories(log, departements=options["departements"], source=options["source"],
                             table=options["territoires"], progress=progress if options["verbosity"] else None)
        except cog.COGMissing as error:
            raise CommandError(str(error)) from error
