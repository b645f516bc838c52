"""Changing an account's e-mail address only once the new address is confirmed.

Wagtail's account settings do not edit the address (``WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False``): the
professional space asks for the new address and the password, sends a signed link to the new address, and
the change happens only when that link is opened while logged in as the same account. The link names the
address it replaces, so once used (or once the address changed another way) it changes nothing more.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from relais import signed_links
from relais.links import absolute_url

EMAIL_SALT = "relais.account-email-change"
EMAIL_MAX_AGE_SECONDS = 2 * 24 * 3600


class EmailChangeError(Exception):
    """A confirmation link that changes nothing; the message says why, in French."""


def _fingerprint(email: str) -> str:
    return salted_hmac(EMAIL_SALT, (email or "").strip().lower(), algorithm="sha256").hexdigest()[:24]


def make_email_token(user, new_email: str) -> str:
    payload = {"u": user.pk, "e": new_email.strip(), "o": _fingerprint(user.email)}
    return signed_links.make(payload, salt=EMAIL_SALT)


def confirm_email_change(user, token: str) -> str:
    """Apply the change named in ``token`` to ``user``; the new address, or EmailChangeError."""
    payload = signed_links.open_for(user, token, salt=EMAIL_SALT, max_age=EMAIL_MAX_AGE_SECONDS,
                                    expired=_("Ce lien a expiré. Demandez de nouveau le changement de courriel."),
                                    error=EmailChangeError)
    new_email = payload.get("e", "")
    if user.email.strip().lower() == new_email.lower():
        return user.email
    if payload.get("o") != _fingerprint(user.email):
        raise EmailChangeError(_("Le courriel de ce compte a changé depuis la demande : ce lien ne sert plus."))
    old_email = user.email
    user.email = new_email
    user.save(update_fields=["email"])
    if old_email:
        send_mail(_("Le courriel de votre compte a changé"),
                  render_to_string("relais/email/email_changed.txt",
                                   {"account": user, "new_email": new_email, "site_name": settings.WAGTAIL_SITE_NAME}),
                  settings.DEFAULT_FROM_EMAIL, [old_email])
    return new_email


def request_email_change(user, new_email: str) -> None:
    """Send the confirmation link to the new address (the current one is not changed yet)."""
    url = absolute_url(reverse("relais:email-confirm", args=[make_email_token(user, new_email)]))
    context = {"account": user, "url": url, "new_email": new_email, "site_name": settings.WAGTAIL_SITE_NAME,
               "days": EMAIL_MAX_AGE_SECONDS // 86400}
    send_mail(_("Confirmez le nouveau courriel de votre compte"),
              render_to_string("relais/email/email_change.txt", context), settings.DEFAULT_FROM_EMAIL, [new_email])

