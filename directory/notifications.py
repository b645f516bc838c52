"""E-mails of the directory: error reports and stale-record reminders, to editors and département admins."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from directory.permissions import editors_of
from relais.links import absolute_url
from relais.roles import DEPARTEMENT_ADMIN


def admin_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True, groups__name=DEPARTEMENT_ADMIN).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def recipients_for(organisation, editors=None) -> list[str]:
    editors = editors_of(organisation) if editors is None else editors
    emails = {user.email for user in editors if user.email}
    return sorted(emails | set(admin_emails()))


def notify_error_report(report) -> int:
    organisation = report.organisation
    recipients = recipients_for(organisation)
    if not recipients:
        return 0
    body = _("Un visiteur signale une erreur sur la fiche « %(name)s » :\n\n%(message)s\n\n"
             "Courriel de réponse : %(email)s\nFiche : %(url)s\n") % {
        "name": organisation.name, "message": report.message, "email": report.email or _("non indiqué"),
        "url": absolute_url(organisation.get_absolute_url())}
    return send_mail(_("[Relais] Erreur signalée : %s") % organisation.name, body, settings.DEFAULT_FROM_EMAIL,
                     recipients)
