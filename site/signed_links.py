"""Links sent by e-mail that act for one account: signed, dated, and refused when opened by another account.

Used by the e-mail change (relais.accounts) and the account–contact link (directory.accounts)."""

from django.core import signing
from django.utils.translation import gettext as _


def make(payload: dict, *, salt: str) -> str:
    return signing.TimestampSigner(salt=salt).sign_object(payload)


def open_for(user, token: str, *, salt: str, max_age: float, expired: str, error: type[Exception]) -> dict:
    """The payload of ``token`` if it is genuine, not older than ``max_age`` seconds and was asked by ``user``
    (its ``u`` key); otherwise ``error`` with a French message (``expired`` for an old link)."""
    try:
        payload = signing.TimestampSigner(salt=salt).unsign_object(token, max_age=max_age)
    except signing.SignatureExpired:
        raise error(expired) from None
    except signing.BadSignature:
        raise error(_("Ce lien n'est pas valide.")) from None
    if payload.get("u") != user.pk:
        raise error(_("Ce lien a été demandé depuis un autre compte. Connectez-vous avec le compte qui l'a "
                      "demandé."))
    return payload
