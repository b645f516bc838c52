"""What the directory gives to public search: published organisations and services, public fields only.

Contacts, professional notes, e-mails and phone numbers are never read here: what is not in a SearchDoc
cannot leak through a public search. Unpublished records give no document (and so leave the index).
Declared to search in ``DirectoryConfig.ready()``.
"""

from django.utils.translation import gettext_noop as _

from directory import opening, territories, vocabulary
from directory.models import Organisation, Service, Status
from search.documents import SearchDoc
from search.registry import DocumentType

KIND_ORGANISATION = "organisation"
KIND_SERVICE = "service"
# A partner's own record outranks its services at equal text relevance: its page gathers them all.
ORGANISATION_BOOST = 1.5


def _join(*parts) -> str:
    return " ".join(p for p in parts if p)


def public_facet_labels() -> dict[str, str]:
    """Audience labels, with the older codes a record may still carry labelled as what they stand for."""
    labels = vocabulary.public_labels()
    return {**labels, **{alias: labels[code] for alias, code in vocabulary.PUBLIC_ALIASES.items()}}


def category_codes() -> list[str]:
    """The theme facet lists categories only: sub-themes are too many to list (they still filter)."""
    return [code for code, _label in vocabulary.category_choices()]


def territory_labels() -> dict[str, str]:
    """The territory filter's choices on /recherche/: départements, then action territories, by name."""
    return dict(territories.areas().order_by("kind", "name").values_list("code", "name"))


def _age_range(services) -> tuple[int | None, int | None]:
    if not services or any(s.age_min is None for s in services):
        age_min = None
    else:
        age_min = min(s.age_min for s in services)
    if not services or any(s.age_max is None for s in services):
        age_max = None
    else:
        age_max = max(s.age_max for s in services)
    return age_min, age_max


def _place(organisation) -> tuple[str, str]:
    commune = organisation.commune if organisation.commune_id else None
    return (commune.code if commune else ""), (commune.name if commune else "")


def _area(organisation, territories) -> list[str]:
    codes = [t.code for t in territories]
    if not codes and organisation.commune_id:
        codes = [organisation.commune.code]
    return codes


def _organisation_area(organisation, territories, services) -> list[str]:
    """Its territories (else its commune) and its published services' areas: a partner serves a place through
    either (directory.queries.serving_q)."""
    zones = (str(code).strip() for service in services for code in service.zone_eligibilite or [])
    return list(dict.fromkeys([*_area(organisation, territories), *(code for code in zones if code)]))


def organisation_document(organisation: Organisation) -> SearchDoc | None:
    if organisation.status != Status.PUBLISHED:
        return None
    services = [s for s in organisation.services.all() if s.status == Status.PUBLISHED]
    territories = list(organisation.territories.all())
    commune_code, commune_name = _place(organisation)
    theme_labels, public_labels = vocabulary.theme_labels(), public_facet_labels()
    themes = vocabulary.with_parent_themes(code for s in services for code in (s.thematiques or []))
    publics = list(dict.fromkeys(code for s in services for code in (s.publics or [])))
    type_label = vocabulary.type_label(organisation.typologie)
    age_min, age_max = _age_range(services)
    return SearchDoc(
        key=ORGANISATIONS.key(organisation.pk), kind=KIND_ORGANISATION, object_id=organisation.pk,
        title=organisation.name, url=organisation.get_absolute_url(),
        subtitle=_join(type_label, f"· {commune_name}" if commune_name else ""),
        summary=organisation.description,
        themes_text=_join(type_label, " ".join(theme_labels.get(c, "") for c in themes),
                          " ".join(public_labels.get(c, "") for c in publics), commune_name,
                          " ".join(t.name for t in territories)),
        body=_join(organisation.description, " ".join(s.name for s in services),
                   " ".join(s.description for s in services)),
        themes=themes, publics=publics, typologie=organisation.typologie or "",
        area=_organisation_area(organisation, territories, services), commune_code=commune_code,
        commune_name=commune_name, age_min=age_min, age_max=age_max, latitude=organisation.latitude,
        longitude=organisation.longitude,
        suggest=[],
    )


def service_document(service: Service) -> SearchDoc | None:
    organisation = service.organisation
    if service.status != Status.PUBLISHED or organisation.status != Status.PUBLISHED:
        return None
    territories = list(organisation.territories.all())
    commune_code, commune_name = _place(organisation)
    theme_labels, public_labels = vocabulary.theme_labels(), public_facet_labels()
    themes = vocabulary.with_parent_themes(service.thematiques or [])
    type_label = vocabulary.type_label(organisation.typologie)
    area = list(service.zone_eligibilite or []) or _area(organisation, territories)
    return SearchDoc(
        key=SERVICES.key(service.pk), kind=KIND_SERVICE, object_id=service.pk,
        title=service.name, url=f"{organisation.get_absolute_url()}#service-{service.pk}",
        subtitle=_join(organisation.name, f"· {commune_name}" if commune_name else ""),
        summary=service.description or organisation.description,
        themes_text=_join(" ".join(theme_labels.get(c, "") for c in themes),
                          " ".join(public_labels.get(c, "") for c in service.publics or []),
                          organisation.name, type_label, commune_name, " ".join(t.name for t in territories)),
        body=_join(service.description, service.publics_precisions, service.conditions_acces),
        themes=themes, publics=list(service.publics or []), typologie=organisation.typologie or "",
        area=area, commune_code=commune_code, commune_name=commune_name,
        age_min=service.age_min, age_max=service.age_max,
        latitude=organisation.latitude, longitude=organisation.longitude,
    )


def _published_organisations():
    return (Organisation.objects.published().select_related("commune")
            .prefetch_related("territories", "services"))


def _published_services():
    return (Service.objects.published().filter(organisation__status=Status.PUBLISHED)
            .select_related("organisation__commune").prefetch_related("organisation__territories"))


def _organisation_keys(organisation: Organisation) -> list[str]:
    """An organisation's document and its services' (they show its name, place and territories)."""
    keys = [ORGANISATIONS.key(organisation.pk)]
    if organisation.pk:
        keys += [SERVICES.key(pk) for pk in organisation.services.values_list("pk", flat=True)]
    return keys


def _service_keys(service: Service) -> list[str]:
    """A service's document and its organisation's (which gathers its services' themes and text)."""
    return [SERVICES.key(service.pk), ORGANISATIONS.key(service.organisation_id)]


def _status(status: opening.Status) -> str:
    """The one-line opening status at the moment of reading, the organisation's closure included
    (directory.opening); nothing when the hours are missing or unreadable: a result says only what is known."""
    return "" if status.kind in (opening.UNKNOWN, opening.NONE) else status.text


def _address(organisation: Organisation) -> str:
    commune = organisation.commune.name if organisation.commune_id else ""
    return ", ".join(part for part in (organisation.address, " ".join(
        p for p in (organisation.postal_code, commune) if p)) if part)


def _public_details(organisation: Organisation, phone: str, status: opening.Status) -> dict[str, str]:
    """What a result shows to act on it: public fields only (never a contact person's details)."""
    return {"phone": phone, "address": _address(organisation), "status": _status(status)}


# What a result's details read, and nothing else (descriptions are long and never shown here).
DETAIL_FIELDS = ("phone", "address", "postal_code", "opening_hours", "closed_from", "closed_until", "closure_note",
                 "commune__name")


def organisation_details(ids: list[int]) -> dict[int, dict[str, str]]:
    rows = Organisation.objects.published().filter(pk__in=ids).select_related("commune").only(*DETAIL_FIELDS)
    return {org.pk: _public_details(org, org.phone, opening.for_organisation(org)) for org in rows}


def service_details(ids: list[int]) -> dict[int, dict[str, str]]:
    """A service's own phone and hours when it has them, else its organisation's."""
    rows = Service.objects.filter(pk__in=ids).select_related("organisation__commune").only(
        "phone", "opening_hours", "organisation_id", *(f"organisation__{name}" for name in DETAIL_FIELDS))
    return {service.pk: _public_details(service.organisation, service.phone or service.organisation.phone,
                                        opening.for_service(service))
            for service in rows}


ORGANISATIONS = DocumentType(
    kind=KIND_ORGANISATION, label=_("Partenaire"), models=(Organisation,), queryset=_published_organisations,
    build=organisation_document, keys_for=_organisation_keys,
    keys_deleted=lambda organisation: [ORGANISATIONS.key(organisation.pk)], m2m=("territories",),
    boost=ORGANISATION_BOOST, details=organisation_details)
SERVICES = DocumentType(
    kind=KIND_SERVICE, label=_("Service d'un partenaire"), models=(Service,), queryset=_published_services,
    build=service_document, keys_for=_service_keys, details=service_details)
