"""Per-person data (RGPD articles 15 and 17): export everything held about one person, or erase it.

A person is found by a directory contact, an account, or a name and e-mail as typed on a sheet. Each app that holds
personal data registers a provider here (``register``), so this module knows no app: the directory (contact record
and its change history), the meetings (invitations, attendance, signatures) and the accounts. Erasure pseudonymises
rows that indicators count (an attendance stays an attendance, under "Personne effacée n° …") and deletes the rest.
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify


@dataclass
class Person:
    """Who to look for. Any of the identifiers may be missing; providers match what they can."""

    name: str = ""
    email: str = ""
    contact_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)

    @property
    def pseudonym(self) -> str:
        """Stable for one person, meaningless to anyone else: counts survive, the name does not."""
        seed = "|".join([slugify(self.name), self.email.lower(), *map(str, self.contact_ids), *map(str, self.user_ids)])
        return f"Personne effacée n° {hashlib.sha256(seed.encode()).hexdigest()[:8]}"


_providers: list = []


def register(provider) -> None:
    """``provider`` has ``label`` (French), ``collect(person) -> list[dict]`` and ``erase(person) -> int``. It may
    also ``expand(person)`` to add identifiers it knows (e.g. the contacts an account is linked to)."""
    if provider not in _providers:
        _providers.append(provider)


def _expanded(person: Person) -> Person:
    for provider in _providers:
        expand = getattr(provider, "expand", None)
        if expand:
            expand(person)
    return person


def export(person: Person) -> dict:
    """Everything held about ``person``, by category, as plain JSON-serialisable data."""
    person = _expanded(person)
    return {provider.label: provider.collect(person) for provider in _providers}


@transaction.atomic
def erase(person: Person) -> dict:
    """Erase or pseudonymise; returns the number of rows touched per category. All or nothing."""
    person = _expanded(person)
    return {provider.label: provider.erase(person) for provider in reversed(_providers)}


def scrub(value, needles: list[str], replacement: str):
    """``value`` (str, list or dict from a JSON field) with every needle replaced, case-insensitively."""
    if isinstance(value, str):
        for needle in filter(None, needles):
            value = re.sub(re.escape(needle), replacement, value, flags=re.IGNORECASE)
        return value
    if isinstance(value, list):
        return [scrub(item, needles, replacement) for item in value]
    if isinstance(value, dict):
        return {key: scrub(item, needles, replacement) for key, item in value.items()}
    return value


class Accounts:
    """The login accounts of a person, and django-axes' record of their login attempts."""

    label = "Comptes et connexions"

    def _users(self, person: Person):
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        query = Q(pk__in=person.user_ids)
        if person.email:
            query |= Q(email__iexact=person.email)
        return get_user_model().objects.filter(query)

    def expand(self, person: Person) -> None:
        for user in self._users(person):
            if user.pk not in person.user_ids:
                person.user_ids.append(user.pk)
            if not person.name:
                person.name = user.get_full_name()

    def collect(self, person: Person) -> list[dict]:
        from axes.models import AccessAttempt, AccessLog

        rows = []
        for user in self._users(person):
            rows.append({
                "identifiant": user.get_username(), "prénom": user.first_name, "nom": user.last_name,
                "courriel": user.email, "actif": user.is_active, "créé le": str(user.date_joined),
                "dernière connexion": str(user.last_login or ""),
                "groupes": list(user.groups.values_list("name", flat=True)),
                "connexions": [{"le": str(log.attempt_time), "adresse": log.ip_address}
                               for log in AccessLog.objects.filter(username=user.get_username())],
                "échecs": [{"le": str(a.attempt_time), "adresse": a.ip_address, "nombre": a.failures_since_start}
                           for a in AccessAttempt.objects.filter(username=user.get_username())],
            })
        return rows

    def erase(self, person: Person) -> int:
        """Accounts are deactivated and anonymised rather than deleted: what they recorded keeps its author row."""
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        touched = 0
        for user in self._users(person):
            username = user.get_username()
            for model in (AccessAttempt, AccessFailureLog, AccessLog):
                touched += model.objects.filter(username=username).delete()[0]
            user.username = f"efface-{user.pk}"
            user.first_name = user.last_name = user.email = ""
            user.is_active = False
            user.set_unusable_password()
            user.save()
            touched += 1
        return touched

