from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from guide.forms import retention_days
from guide.models import Feedback


class Command(BaseCommand):
    help = ("Efface le contact facultatif laissé par les jeunes dans leurs avis et idées, après le délai de "
            "conservation (RELAIS_FEEDBACK_CONTACT_RETENTION_DAYS, 90 jours par défaut). Le message reste.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Délai en jours (remplace le réglage).")
        parser.add_argument("--dry-run", action="store_true", help="Compter sans effacer.")

    def handle(self, *args, days=None, dry_run=False, **options):
        days = retention_days() if days is None else days
        if days < 0:
            raise CommandError("Le délai doit être un nombre de jours positif ou nul.")
        cutoff = timezone.now() - timedelta(days=days)
        stale = Feedback.objects.filter(created_at__lt=cutoff).exclude(contact="")
        count = stale.count() if dry_run else stale.update(contact="")
        verb = "à effacer" if dry_run else "effacé(s)"
        self.stdout.write(f"{count} contact(s) de plus de {days} jours {verb}.")
