"""Field validators with French messages: phone numbers, OSM opening hours, SIRET."""

import opening_hours
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Reading and formatting numbers is the toolkit's (relais.phones); kept importable from here.
from relais.phones import format_phone, parse_phone, phone_e164  # noqa: F401


def validate_phone(value: str) -> None:
    if value and parse_phone(value) is None:
        raise ValidationError(_("Numéro de téléphone non reconnu : « %(value)s »."), params={"value": value},
                              code="phone")


def validate_opening_hours(value: str) -> None:
    if not value:
        return
    try:
        opening_hours.OpeningHours(value)
    except Exception:
        raise ValidationError(
            _("Horaires illisibles : « %(value)s ». Format attendu : « Mo-Fr 09:00-12:00,14:00-17:00; PH off »."),
            params={"value": value}, code="opening_hours")


def validate_siret(value: str) -> None:
    if value and not (len(value) == 14 and value.isdigit()):
        raise ValidationError(_("Un SIRET compte 14 chiffres."), code="siret")


def validate_latitude(value) -> None:
    """Decimal degrees, −90 to 90 (a value outside would be refused by the search index and the map)."""
    if value is not None and not -90 <= value <= 90:
        raise ValidationError(_("La latitude doit être comprise entre -90 et 90 (reçu : %(value)s)."),
                              params={"value": value}, code="latitude")


def validate_longitude(value) -> None:
    """Decimal degrees, −180 to 180."""
    if value is not None and not -180 <= value <= 180:
        raise ValidationError(_("La longitude doit être comprise entre -180 et 180 (reçu : %(value)s)."),
                              params={"value": value}, code="longitude")
