from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from directory.models import ErrorReport


class Command(BaseCommand):
    help = ("RGPD : efface le courriel facultatif des signalements d'erreur après le délai de conservation, puis "
            "supprime les signalements traités plus anciens. À lancer par un planificateur.")

    def add_arguments(self, parser):
        parser.add_argument("--email-days", type=int, default=90, help="Conservation du courriel (jours).")
        parser.add_argument("--report-days", type=int, default=365, help="Conservation des signalements traités.")

    def handle(self, *args, email_days=90, report_days=365, **options):
        now = timezone.now()
        emails = ErrorReport.objects.filter(created_at__lt=now - timedelta(days=email_days)).exclude(email="")
        cleared = emails.update(email="")
        deleted, _ = ErrorReport.objects.filter(handled=True, created_at__lt=now - timedelta(days=report_days)).delete()
        self.stdout.write(f"{cleared} courriel(s) effacé(s), {deleted} signalement(s) supprimé(s).")
