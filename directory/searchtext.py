"""The accent-free, lower-case text that /annuaire/'s free-text filter matches, one column per organisation.

Kept in step by signals (organisation, service saves and deletions); bulk loaders call ``refresh``.
"""

import unicodedata

from django.db.models.signals import post_delete, post_save

from directory import vocabulary
from directory.models import Organisation, Service


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def text_of(organisation, services) -> str:
    parts = [organisation.name, organisation.description, vocabulary.type_labels().get(organisation.typologie, ""),
             organisation.commune.name if organisation.commune_id else ""]
    for service in services:
        parts += [service.name, service.description, *service.theme_labels]
    return normalise(" ".join(parts))


def refresh(organisation_ids) -> None:
    organisations = Organisation.objects.filter(pk__in=list(organisation_ids)).select_related("commune")
    published = {}
    for service in Service.objects.published().filter(organisation_id__in=list(organisation_ids)):
        published.setdefault(service.organisation_id, []).append(service)
    for organisation in organisations:
        text = text_of(organisation, published.get(organisation.pk, []))
        if text != organisation.search_text:
            Organisation.objects.filter(pk=organisation.pk).update(search_text=text)


def _organisation_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields and set(update_fields) <= {"search_text", "last_confirmed_at", "last_confirmed_by",
                                                          "updated_at", "notice"}):
        return
    refresh([instance.pk])


def _service_changed(sender, instance, raw=False, **kwargs):
    if not raw and instance.organisation_id and Organisation.objects.filter(pk=instance.organisation_id).exists():
        refresh([instance.organisation_id])


def connect() -> None:
    post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="directory.searchtext.org")
    post_save.connect(_service_changed, sender=Service, dispatch_uid="directory.searchtext.service")
    post_delete.connect(_service_changed, sender=Service, dispatch_uid="directory.searchtext.service_delete")
