"""The link between a login account and the directory contact that is that person (ContactAccount).

Who may set it:
- the département's pilot, or the editor of the contact's organisation (``directory.change_organisation``
  through relais.permissions), with the "Compte lié" action of the contact in the admin;
- the person themself: from their professional space they ask for the contact that carries their work
  address; a signed link goes to that contact's address and links the contact when it is opened while
  logged in as the account that asked, before it expires, and only if the contact has not changed since.

An e-mail address typed into an account never links anything: account addresses are not verified proofs
of identity, a contact's address is only used as a mailbox to send the signed link to.
"""

import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directory import history
from directory.models import ChangeRecord, Contact, ContactAccount
from directory.permissions import can_edit_organisation
from relais import signed_links
from relais.links import absolute_url

LINK_SALT = "directory.contact-account-link"
LINK_MAX_AGE = timedelta(days=2)
HISTORY_FIELD = "compte lié"


class LinkError(Exception):
    """A signed link that links nothing; the message says why, in French, for the person who opened it."""


def contacts_of(user):
    """The directory contacts linked to ``user`` (none for anonymous or inactive accounts)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Contact.objects.none()
    return Contact.objects.filter(account__user=user)


def can_link(user, contact: Contact) -> bool:
    """The pilot (global permission) or an editor of the contact's organisation."""
    return can_edit_organisation(user, contact.organisation)


@transaction.atomic
def link(contact: Contact, user, *, by=None, method=ContactAccount.Method.ADMIN) -> ContactAccount:
    """Tie ``contact`` to ``user`` (replacing a previous account), recorded in the directory history."""
    previous = ContactAccount.objects.select_related("user").filter(contact=contact).first()
    old = previous.user.get_username() if previous else None
    account, _created = ContactAccount.objects.update_or_create(
        contact=contact, defaults={"user": user, "method": method, "confirmed_at": timezone.now(),
                                   "confirmed_by": by if getattr(by, "is_authenticated", False) else None})
    if old != user.get_username():
        history.record(contact, ChangeRecord.Action.EDIT, {HISTORY_FIELD: [old, user.get_username()]}, user=by)
    return account


@transaction.atomic
def unlink(contact: Contact, *, by=None) -> bool:
    previous = ContactAccount.objects.select_related("user").filter(contact=contact).first()
    if previous is None:
        return False
    name = previous.user.get_username()
    previous.delete()
    history.record(contact, ChangeRecord.Action.EDIT, {HISTORY_FIELD: [name, None]}, user=by)
    return True


def make_link_token(user, contact: Contact) -> str:
    """Signed: this account, this contact, its current address, and the moment of asking."""
    payload = {"u": user.pk, "c": contact.pk, "e": contact.email.strip().lower(), "t": time.time()}
    return signed_links.make(payload, salt=LINK_SALT)


def confirm_link(user, token: str) -> Contact:
    """Link the contact named in ``token`` to ``user``; LinkError (French message) when it may not."""
    payload = signed_links.open_for(user, token, salt=LINK_SALT, max_age=LINK_MAX_AGE.total_seconds(),
                                    expired=_("Ce lien a expiré. Demandez-en un nouveau depuis votre compte."),
                                    error=LinkError)
    contact = Contact.objects.select_related("organisation").filter(pk=payload.get("c")).first()
    if contact is None:
        raise LinkError(_("Cette fiche contact n'existe plus."))
    existing = ContactAccount.objects.filter(contact=contact).first()
    if existing is not None and existing.user_id == user.pk:
        return contact
    if contact.email.strip().lower() != payload.get("e"):
        raise LinkError(_("Le courriel de cette fiche contact a changé depuis la demande. Demandez un nouveau "
                          "lien."))
    issued = datetime.fromtimestamp(float(payload.get("t", 0)), tz=UTC)
    if ChangeRecord.objects.filter(model="contact", object_id=contact.pk, at__gt=issued).exists():
        raise LinkError(_("Cette fiche contact a été modifiée depuis la demande : ce lien ne sert plus. Demandez "
                          "un nouveau lien."))
    if existing is not None:
        raise LinkError(_("Cette fiche contact est déjà liée à un autre compte. Adressez-vous à l'éditeur de "
                          "votre organisation ou au Département."))
    link(contact, user, by=user, method=ContactAccount.Method.EMAIL)
    return contact


def request_link(user, email: str) -> int:
    """Send a signed link to each unlinked contact whose address is ``email``; the count of messages sent.

    The caller shows the same answer whatever the count, so that nobody learns which addresses are in the
    directory.
    """
    email = (email or "").strip()
    if not email:
        return 0
    contacts = (Contact.objects.select_related("organisation").filter(email__iexact=email, account__isnull=True)
                .order_by("pk"))
    sent = 0
    for contact in contacts:
        url = absolute_url(reverse("relais:contact-link-confirm", args=[make_link_token(user, contact)]))
        context = {"contact": contact, "account": user, "url": url,
                   "days": LINK_MAX_AGE.days, "site_name": settings.WAGTAIL_SITE_NAME}
        sent += send_mail(_("Relier votre fiche de l'annuaire à votre compte"),
                          render_to_string("directory/email/contact_link.txt", context),
                          settings.DEFAULT_FROM_EMAIL, [contact.email])
    return sent


def find_account(username: str):
    """The active account with this login name, for the admin's "Compte lié" action (None otherwise)."""
    return get_user_model().objects.filter(username__iexact=(username or "").strip(), is_active=True).first()
