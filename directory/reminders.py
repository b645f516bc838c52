"""Reminders for records nobody confirmed for six months: one e-mail per editor per period, admins in copy.

Idempotent per period (a calendar month): a StaleReminder row marks each organisation reminded, so a
scheduler may run the command daily without flooding anyone.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Organisation, StaleReminder
from directory.notifications import admin_emails
from directory.permissions import editors_of_many
from relais.links import absolute_url


@dataclass
class ReminderReport:
    stale: int = 0
    reminded: int = 0
    already: int = 0
    emails: int = 0


def current_period(now=None) -> str:
    return (now or timezone.now()).strftime("%Y-%m")


def send_stale_reminders(*, now=None, dry_run=False) -> ReminderReport:
    period = current_period(now)
    stale = list(Organisation.objects.stale(now).order_by("name"))
    done = set(StaleReminder.objects.filter(period=period, organisation__in=stale)
               .values_list("organisation_id", flat=True))
    todo = [org for org in stale if org.pk not in done]
    report = ReminderReport(stale=len(stale), already=len(done), reminded=len(todo))
    if not todo or dry_run:
        return report
    editors = editors_of_many([org.pk for org in todo])
    by_recipient: dict[str, list[Organisation]] = defaultdict(list)
    for org in todo:
        for user in editors.get(org.pk, []):
            if user.email:
                by_recipient[user.email].append(org)
    admins = admin_emails()
    with transaction.atomic():
        for email, organisations in sorted(by_recipient.items()):
            report.emails += send_mail(
                _("[Relais] %d fiche(s) à confirmer dans l'annuaire") % len(organisations),
                _message(organisations), settings.DEFAULT_FROM_EMAIL, [email])
        if admins:
            report.emails += send_mail(
                _("[Relais] %d fiche(s) de l'annuaire non confirmée(s) depuis 6 mois") % len(todo),
                _message(todo), settings.DEFAULT_FROM_EMAIL, admins)
        StaleReminder.objects.bulk_create([
            StaleReminder(organisation=org, period=period,
                          recipients=len(editors.get(org.pk, [])) + len(admins)) for org in todo])
    return report


def _message(organisations) -> str:
    lines = [_("Bonjour,"), "", _("Ces fiches de l'annuaire n'ont pas été confirmées depuis plus de 6 mois. "
                                 "Vérifiez-les puis cliquez sur « Confirmer que la fiche est à jour » :"), ""]
    for org in organisations:
        since = org.last_confirmed_at.strftime("%d/%m/%Y") if org.last_confirmed_at else _("jamais")
        lines.append(f"- {org.name} ({_('dernière confirmation')} : {since}) : {absolute_url(org.get_absolute_url())}")
    return "\n".join(lines)
