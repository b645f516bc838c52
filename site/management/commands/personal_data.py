"""personal_data export|erase --name … --email … --contact ID: the admin page's two actions, for scripts."""

import json

from django.core.management.base import BaseCommand, CommandError

from relais import personal_data


class Command(BaseCommand):
    help = "Exporte (JSON) ou efface les données d'une personne (RGPD)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("--name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--contact", type=int, action="append", default=[])
        parser.add_argument("--yes", action="store_true", help="confirme l'effacement")

    def handle(self, *args, action, name, email, contact, yes, **options):
        if not (name or email or contact):
            raise CommandError("Indiquez --name, --email ou --contact.")
        person = personal_data.Person(name=name.strip(), email=email.strip(), contact_ids=contact)
        if action == "export":
            self.stdout.write(json.dumps(personal_data.export(person), ensure_ascii=False, indent=2, default=str))
            return
        if not yes:
            raise CommandError("L'effacement est définitif : ajoutez --yes pour confirmer.")
        touched = personal_data.erase(person)
        self.stdout.write(f"{sum(touched.values())} enregistrements effacés ou pseudonymisés ({person.pseudonym}).")
