from django.core.management.base import BaseCommand, CommandError

from meetings.convocations import send_due_reminders


class Command(BaseCommand):
    help = ("Envoie le rappel des séances convoquées qui commencent dans le délai de rappel de leur instance. "
            "Idempotent : une séance n'est rappelée qu'une fois, même si la commande tourne plusieurs fois.")

    def add_arguments(self, parser):
        parser.add_argument("--heures", type=int, default=None, dest="hours",
                            help="Délai de rappel en heures pour toutes les instances (sinon celui de chacune).")

    def handle(self, *args, hours=None, **options):
        if hours is not None and hours <= 0:
            raise CommandError("--heures doit être un nombre d'heures positif.")
        done = send_due_reminders(hours=hours)
        for meeting, sent in done:
            self.stdout.write(f"  {meeting} : {sent} rappel(s) envoyé(s)")
        self.stdout.write(self.style.SUCCESS(f"{len(done)} séance(s) rappelée(s)."))
