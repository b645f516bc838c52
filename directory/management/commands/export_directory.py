import os

from django.core.management.base import BaseCommand, CommandError

from directory import datainclusion


class Command(BaseCommand):
    help = ("Exporte la partie publique de l'annuaire (organisations et services publiés, sans contact nominatif) "
            "au format data·inclusion v1 (JSON) ou en CSV. Les fiches sont écrites au fil de la lecture : la "
            "mémoire utilisée ne dépend pas de la taille de l'annuaire.")

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["datainclusion", "csv"], default="datainclusion")
        parser.add_argument("--output", "-o", help="Fichier de sortie (sortie standard par défaut).")
        parser.add_argument("--validate", action="store_true",
                            help="Vérifie chaque fiche avec les modèles data-inclusion-schema ; en cas d'erreur, "
                                 "le fichier de sortie n'est pas écrit.")

    def handle(self, *args, **options):
        errors = []

        def check(kind, record):
            error = datainclusion.record_errors(kind, record)
            if error:
                errors.append(error)

        validate = options["validate"] and options["format"] == "datainclusion"
        output = options["output"]
        if validate and not output:  # what reaches the standard output cannot be taken back: check first
            for _chunk in datainclusion.json_chunks(on_record=check):
                pass
            self._fail_on(errors)
        chunks = (datainclusion.csv_chunks() if options["format"] == "csv"
                  else datainclusion.json_chunks(on_record=check if validate and output else None))
        if not output:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            return
        partial = f"{output}.partiel"  # renamed once complete (and valid): never a half-written file in its place
        try:
            with open(partial, "w", encoding="utf-8") as handle:
                for chunk in chunks:
                    handle.write(chunk)
            self._fail_on(errors)
            os.replace(partial, output)
        finally:
            if os.path.exists(partial):
                os.remove(partial)
        self.stderr.write(f"Export écrit dans {output}.")

    def _fail_on(self, errors):
        if errors:
            for error in errors:
                self.stderr.write(error)
            raise CommandError(f"{len(errors)} enregistrement(s) non conforme(s).")
