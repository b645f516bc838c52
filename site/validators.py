"""Text that reaches the database: one validator for single-line names, one check for lookup keys.

A name is copied into exports, e-mails, calendar files and the live attendance sheet. Control characters
(NUL, which PostgreSQL refuses outright; tabs and line breaks, which break CSV rows and calendar lines) and
the bidirectional overrides that make a name display as something else ("Trojan source") have no place in
one. Leading and trailing blanks are stripped by the forms; what remains is refused with a French message.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls (NUL, tab, CR, LF…), DEL, C1 controls, bidi embeddings/overrides and isolates. The plain
# left-to-right and right-to-left marks (U+200E/U+200F) stay: translated names legitimately use them.
FORBIDDEN_IN_NAMES = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MAX_KEY = 2**63 - 1


def validate_single_line(value) -> None:
    """Refuse control characters and bidi overrides in a one-line name (French message)."""
    if isinstance(value, str) and FORBIDDEN_IN_NAMES.search(value):
        raise ValidationError(
            _("Ce champ ne peut contenir ni caractère de contrôle (tabulation, retour à la ligne, caractère nul) "
              "ni caractère d'inversion du sens du texte."), code="control_characters")


def is_possible_key(model_field, value) -> bool:
    """Whether ``value`` could be stored in ``model_field`` at all: an integer in range for integer keys,
    a text without NUL for text keys. Checked before a lookup, so the database never sees the impossible."""
    from django.db import models

    text = str(value)
    if "\x00" in text:
        return False
    if isinstance(model_field, models.IntegerField):
        try:
            number = int(text)
        except ValueError:
            return False
        return -MAX_KEY - 1 <= number <= MAX_KEY
    return True
