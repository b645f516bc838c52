import json

from django.core.management.base import BaseCommand, CommandError

from directory import datainclusion


class Command(BaseCommand):
    help = ("Exporte la partie publique de l'annuaire (organisations et services publiés, sans contact nominatif) "
            "au format data·inclusion v1 (JSON) ou en CSV.")

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["datainclusion", "csv"], default="datainclusion")
        parser.add_argument("--output", "-o", help="Fichier de sortie (sortie standard par défaut).")
        parser.add_argument("--validate", action="store_true",
                            help="Vérifie l'export avec les modèles data-inclusion-schema avant de l'écrire.")

    def handle(self, *args, **options):
        if options["format"] == "csv":
            text = datainclusion.export_csv()
        else:
            payload = datainclusion.export_payload()
            if options["validate"]:
                errors = datainclusion.validate_payload(payload)
                if errors:
                    for error in errors:
                        self.stderr.write(error)
                    raise CommandError(f"{len(errors)} enregistrement(s) non conforme(s).")
            text = json.dumps(payload, ensure_ascii=False, indent=1)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"Export écrit dans {options['output']}.")
        else:
            self.stdout.write(text)
