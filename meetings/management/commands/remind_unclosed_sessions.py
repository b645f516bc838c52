from django.core.management.base import BaseCommand

from meetings.convocations import remind_unclosed_sessions


class Command(BaseCommand):
    help = ("Écrit aux secrétariats des instances dont des séances passées ont un émargement encore ouvert "
            "(« à clôturer ») : les indicateurs ne les comptent pas tant qu'elles ne sont pas closes. "
            "Idempotent : une séance n'est signalée qu'une fois, même si la commande tourne plusieurs fois.")

    def handle(self, *args, **options):
        done = remind_unclosed_sessions()
        for meeting, sent in done:
            self.stdout.write(f"  {meeting} : {sent} secrétaire(s) prévenu·e(s)")
        self.stdout.write(self.style.SUCCESS(f"{len(done)} séance(s) à clôturer signalée(s)."))
