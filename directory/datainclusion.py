"""The directory's public part as data·inclusion v1 structures and services (and a flat CSV of the same).

Only published organisations and their published services leave through here, with no contact person:
open data never carries professional-only or internal information.

Each record keeps its identity and its history: a record made here is published under this directory's
source name (``source_name()``) and id; a record imported from another producer is re-published under that
producer's source and id, with its own page there (``lien_source``) when the file gave one. ``date_maj`` is
the record's last change (the import sets it to the producer's ``date_maj``; an edit here moves it on), never
the day of the export. A service given somewhere else than its organisation carries its own address.

The export is written as it is read: records come from chunked queries (``iterator``) and leave one at a
time (``json_chunks``, ``csv_chunks``), so memory stays flat whatever the number of records.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from functools import lru_cache

import email_validator
from data_inclusion.schema import v1 as di
from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from directory import vocabulary
from directory.models import Organisation, Service
from directory.validators import phone_e164
from relais import tabular
from relais.links import absolute_url, base_url

SOURCE = "relais"
SUB_THEMES = {member.value for member in di.Thematique}
CHUNK = 2000  # rows per query of the export: memory depends on this, not on the directory's size


def source_name() -> str:
    return getattr(settings, "RELAIS_DATAINCLUSION_SOURCE", SOURCE)


def record_source(organisation: Organisation) -> str:
    """Who produced the organisation's record: its producer when it was imported, this directory otherwise."""
    if organisation.source_id and organisation.source:
        return organisation.source
    return source_name()


def service_source(service: Service, organisation: Organisation) -> str:
    """An imported service is its producer's (by default its structure's); a service added here is this
    directory's."""
    if not service.source_id:
        return source_name()
    return service.source or record_source(organisation)


def structure_id(organisation: Organisation) -> str:
    """Stable: the imported id when the record came from a file, else ours (never the slug, which may change)."""
    if organisation.source_id:
        return organisation.source_id
    return f"{source_name()}--structure-{organisation.pk}"


def own_pk(identifier: str, kind: str) -> int | None:
    """The primary key behind an id this directory minted (``relais--structure-12`` → 12), else None."""
    prefix = f"{source_name()}--{kind}-"
    rest = identifier[len(prefix):] if identifier.startswith(prefix) else ""
    return int(rest) if rest.isdigit() else None


def service_id(service: Service) -> str:
    if service.source_id:
        return service.source_id
    return f"{source_name()}--service-{service.pk}"


def exportable_organisations():
    """Published organisations with their commune, in primary-key order."""
    return Organisation.objects.published().select_related("commune").order_by("pk")


# What ``service_dict`` reads of a service's organisation: the rest is not loaded 100,000 times over (a field
# missing here would cost one query per service: tests/perf/bench_import.py counts them).
SERVICE_NEEDS_OF_ORGANISATION = ("id", "name", "slug", "source", "source_id", "phone", "email", "opening_hours",
                                 "address", "address_complement", "postal_code", "commune", "latitude", "longitude")


def exportable_services():
    """Published services of published organisations, with what their records need, organisation by organisation."""
    unread = [f"organisation__{field.name}" for field in Organisation._meta.concrete_fields
              if field.name not in SERVICE_NEEDS_OF_ORGANISATION]
    return (Service.objects.published().filter(organisation__status=Organisation.Status.PUBLISHED)
            .select_related("organisation__commune", "commune").order_by("organisation_id", "pk")
            .defer("publics_index", "created_at", *unread))


@lru_cache(maxsize=8)
def _page_prefix(base: str, script_prefix: str) -> str:
    return absolute_url(reverse("directory:organisation", kwargs={"slug": "-"}))[:-2]


def page_url(organisation: Organisation) -> str:
    """The organisation's public page, absolute: one ``reverse`` per export, not one per record."""
    from django.urls import get_script_prefix

    return f"{_page_prefix(base_url(), get_script_prefix())}{organisation.slug}/"


# Pure and slow (phonenumbers, email-validator), and the same few values come back on every service of an
# organisation: remembered.
_e164 = lru_cache(maxsize=4096)(phone_e164)


def date_maj(record) -> str:
    """The day of the record's last change, in the site's time zone (an import sets it to its producer's)."""
    return timezone.localdate(record.updated_at).isoformat()


@lru_cache(maxsize=4096)
def exportable_email(value: str) -> str | None:
    """The address if data·inclusion accepts it; placeholders of reserved domains (exemple.invalid…) are dropped
    rather than making a whole record invalid."""
    if not value:
        return None
    try:
        email_validator.validate_email(value, check_deliverability=False)
    except email_validator.EmailNotValidError:
        return None
    return value


def _text(value: str, minimum: int = 5) -> str | None:
    value = (value or "").strip()
    return value if len(value) >= minimum else None


def _address(place, commune) -> dict:
    """The address fields of an organisation, or of a service given at its own address."""
    return {
        "commune": commune.name if commune else None,
        "code_postal": place.postal_code or None,
        "code_insee": commune.code if commune else None,
        "adresse": place.address or None,
        "complement_adresse": place.address_complement or None,
        "longitude": place.longitude,
        "latitude": place.latitude,
    }


def structure_dict(organisation: Organisation) -> dict:
    return {
        "source": record_source(organisation),
        "id": structure_id(organisation),
        "nom": organisation.name[:150],
        "date_maj": date_maj(organisation),
        "description": _text(organisation.description),
        "lien_source": organisation.source_url or page_url(organisation),
        "siret": organisation.siret or None,
        **_address(organisation, organisation.commune),
        "telephone": _e164(organisation.phone) or None,
        "courriel": exportable_email(organisation.email),
        "site_web": organisation.website or None,
        "horaires_accueil": organisation.opening_hours or None,
        "accessibilite_lieu": organisation.accessibility_url or None,
        "reseaux_porteurs": vocabulary.national_networks(organisation.typologie,
                                                         organisation.reseaux_porteurs) or None,
    }


def service_dict(service: Service, organisation: Organisation) -> dict:
    description = _text(service.description) or f"{service.name} — {organisation.name}"
    # Its own address when it has one (``service.commune`` is then read: select_related("commune") in bulk).
    address = (_address(service, service.commune) if service.has_own_address
               else _address(organisation, organisation.commune))
    return {
        "source": service_source(service, organisation),
        "structure_id": structure_id(organisation),
        "id": service_id(service),
        "nom": service.name[:150],
        "description": description[:10000],
        "lien_source": service.source_url or page_url(organisation),
        "date_maj": date_maj(service),
        # v1 lists sub-themes only: a service tagged with a whole category keeps its sub-themes
        "thematiques": sorted(code for code in service.thematiques if code in SUB_THEMES) or None,
        "frais": service.frais or None,
        "frais_precisions": service.frais_precisions or None,
        "publics": sorted(service.publics) or None,
        "publics_precisions": service.publics_precisions or None,
        "conditions_acces": service.conditions_acces or None,
        **address,
        "telephone": _e164(service.phone or organisation.phone) or None,
        "courriel": exportable_email(service.email or organisation.email),
        "modes_accueil": sorted(service.modes_accueil) or None,
        "zone_eligibilite": list(service.zone_eligibilite) or None,
        "contact_nom_prenom": None,
        "lien_mobilisation": service.lien_mobilisation or None,
        "modes_mobilisation": sorted(service.modes_mobilisation) or None,
        "mobilisable_par": sorted(service.mobilisable_par) or None,
        "mobilisation_precisions": service.mobilisation_precisions or None,
        "horaires_accueil": service.opening_hours or organisation.opening_hours or None,
    }


def structures() -> Iterator[dict]:
    for organisation in exportable_organisations().iterator(chunk_size=CHUNK):
        yield structure_dict(organisation)


def services() -> Iterator[dict]:
    for service in exportable_services().iterator(chunk_size=CHUNK):
        yield service_dict(service, service.organisation)


def json_chunks(on_record=None) -> Iterator[str]:
    """The open-data export as JSON text, one record at a time (``on_record(kind, record)`` sees each one, e.g.
    to validate it); ``lien_source`` links to each record on the site (``RELAIS_BASE_URL``) unless it came
    with its producer's."""
    yield '{"schema": "data-inclusion v1", "source": ' + json.dumps(source_name()) + ',\n"structures": ['
    for kind, records in (("structures", structures()), ("services", services())):
        if kind == "services":
            yield '\n],\n"services": ['
        separator = "\n"
        for record in records:
            if on_record is not None:
                on_record(kind, record)
            yield separator + json.dumps(record, ensure_ascii=False)
            separator = ",\n"
    yield "\n]}\n"


def export_payload() -> dict:
    """The whole export as one dict, in memory: for tests and small directories (files and pages stream)."""
    return {"schema": "data-inclusion v1", "source": source_name(), "structures": list(structures()),
            "services": list(services())}


def record_errors(kind: str, record: dict) -> str | None:
    """The data·inclusion models' verdict on one exported record (None when valid)."""
    model = di.Structure if kind == "structures" else di.Service
    try:
        model.model_validate(record)
    except Exception as exc:  # pydantic.ValidationError
        return f"{kind} {record.get('id')}: {exc}"
    return None


def validate_payload(payload: dict) -> list[str]:
    """Error messages of the payload against the data·inclusion models (empty when valid)."""
    errors = (record_errors(kind, item) for kind in ("structures", "services") for item in payload.get(kind, []))
    return [error for error in errors if error]


# --- Flat CSV: one row per service (or per organisation without service) ----------------------------

CSV_COLUMNS = [
    "source", "structure_id", "nom", "typologie", "siret", "adresse", "complement_adresse", "code_postal", "code_insee",
    "latitude", "longitude", "telephone", "courriel", "site_web", "horaires_accueil", "description",
    "accessibilite", "territoires", "date_maj",
    "service_id", "service_nom", "service_description", "thematiques", "publics", "age_min", "age_max", "frais",
    "frais_precisions", "modes_accueil", "modes_mobilisation", "mobilisable_par", "zone_eligibilite",
    "service_horaires", "service_date_maj",
]
LIST_SEPARATOR = "|"


def csv_chunks() -> Iterator[str]:
    """Comma-separated, one row per service, written as read; cells typed as formulas come out inert
    (relais.tabular)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=",", lineterminator="\n")

    def line(cells) -> str:
        writer.writerow([tabular.guard(cell) for cell in cells])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line(CSV_COLUMNS)
    for row in _csv_rows():
        yield line(row.get(name, "") for name in CSV_COLUMNS)


def export_csv() -> str:
    return "".join(csv_chunks())


def _csv_rows():
    services = Service.objects.published().order_by("pk")
    organisations = exportable_organisations().prefetch_related(
        "territories", Prefetch("services", queryset=services, to_attr="exported_services"))
    for organisation in organisations.iterator(chunk_size=CHUNK):
        base = {
            # with the id, the record's identity: its producer's, or ours for records made here
            "source": record_source(organisation),
            "structure_id": structure_id(organisation), "nom": organisation.name,
            "typologie": LIST_SEPARATOR.join(dict.fromkeys(
                [organisation.typologie, *organisation.reseaux_porteurs] if organisation.typologie else [])),
            "siret": organisation.siret, "adresse": organisation.address,
            "complement_adresse": organisation.address_complement, "code_postal": organisation.postal_code,
            "code_insee": organisation.commune.code if organisation.commune else "",
            "latitude": organisation.latitude if organisation.latitude is not None else "",
            "longitude": organisation.longitude if organisation.longitude is not None else "",
            "telephone": organisation.phone, "courriel": organisation.email, "site_web": organisation.website,
            "horaires_accueil": organisation.opening_hours, "description": organisation.description,
            "accessibilite": organisation.accessibility,
            "territoires": LIST_SEPARATOR.join(sorted(t.code for t in organisation.territories.all())),
            "date_maj": date_maj(organisation),
        }
        if not organisation.exported_services:
            yield base
        for service in organisation.exported_services:
            yield {
                **base, "service_id": service_id(service), "service_nom": service.name,
                "service_description": service.description,
                "thematiques": LIST_SEPARATOR.join(service.thematiques),
                "publics": LIST_SEPARATOR.join(service.publics),
                "age_min": "" if service.age_min is None else service.age_min,
                "age_max": "" if service.age_max is None else service.age_max,
                "frais": service.frais, "frais_precisions": service.frais_precisions,
                "modes_accueil": LIST_SEPARATOR.join(service.modes_accueil),
                "modes_mobilisation": LIST_SEPARATOR.join(service.modes_mobilisation),
                "mobilisable_par": LIST_SEPARATOR.join(service.mobilisable_par),
                "zone_eligibilite": LIST_SEPARATOR.join(service.zone_eligibilite),
                "service_horaires": service.opening_hours, "service_date_maj": date_maj(service),
            }
