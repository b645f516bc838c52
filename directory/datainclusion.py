"""The directory's public part as data·inclusion v1 structures and services (and a flat CSV of the same).

Only published organisations and their published services leave through here, with no contact person:
open data never carries professional-only or internal information.
"""

from __future__ import annotations

import email_validator
from data_inclusion.schema import v1 as di
from django.conf import settings
from django.db.models import Prefetch

from directory import vocabulary
from directory.models import Organisation, Service
from directory.validators import phone_e164
from relais import tabular
from relais.links import absolute_url

SOURCE = "relais"
SUB_THEMES = {member.value for member in di.Thematique}


def source_name() -> str:
    return getattr(settings, "RELAIS_DATAINCLUSION_SOURCE", SOURCE)


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
    """Published organisations with their published services and commune, in three queries."""
    return (Organisation.objects.published().select_related("commune").order_by("pk")
            .prefetch_related(Prefetch("services", queryset=Service.objects.published().order_by("pk"),
                                       to_attr="exported_services")))


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


def _address(organisation: Organisation) -> dict:
    commune = organisation.commune
    return {
        "commune": commune.name if commune else None,
        "code_postal": organisation.postal_code or None,
        "code_insee": commune.code if commune else None,
        "adresse": organisation.address or None,
        "complement_adresse": organisation.address_complement or None,
        "longitude": organisation.longitude,
        "latitude": organisation.latitude,
    }


def structure_dict(organisation: Organisation) -> dict:
    typologie = organisation.typologie
    national = typologie and not typologie.startswith(vocabulary.LOCAL_TYPE_PREFIX)
    return {
        "source": source_name(),
        "id": structure_id(organisation),
        "nom": organisation.name[:150],
        "date_maj": organisation.updated_at.date().isoformat(),
        "description": _text(organisation.description),
        "lien_source": absolute_url(organisation.get_absolute_url()),
        "siret": organisation.siret or None,
        **_address(organisation),
        "telephone": phone_e164(organisation.phone) or None,
        "courriel": exportable_email(organisation.email),
        "site_web": organisation.website or None,
        "horaires_accueil": organisation.opening_hours or None,
        "accessibilite_lieu": organisation.accessibility_url or None,
        "reseaux_porteurs": [typologie] if national else None,
    }


def service_dict(service: Service, organisation: Organisation) -> dict:
    description = _text(service.description) or f"{service.name} — {organisation.name}"
    return {
        "source": source_name(),
        "structure_id": structure_id(organisation),
        "id": service_id(service),
        "nom": service.name[:150],
        "description": description[:10000],
        "lien_source": absolute_url(organisation.get_absolute_url()),
        "date_maj": service.updated_at.date().isoformat(),
        # v1 lists sub-themes only: a service tagged with a whole category keeps its sub-themes
        "thematiques": sorted(code for code in service.thematiques if code in SUB_THEMES) or None,
        "frais": service.frais or None,
        "frais_precisions": service.frais_precisions or None,
        "publics": sorted(service.publics) or None,
        "publics_precisions": service.publics_precisions or None,
        "conditions_acces": service.conditions_acces or None,
        **{key: value for key, value in _address(organisation).items() if key != "complement_adresse"},
        "complement_adresse": organisation.address_complement or None,
        "telephone": phone_e164(service.phone or organisation.phone) or None,
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


def export_payload() -> dict:
    """The open-data export; ``lien_source`` links to each record on the site (``RELAIS_BASE_URL``)."""
    structures, services = [], []
    for organisation in exportable_organisations():
        structures.append(structure_dict(organisation))
        services.extend(service_dict(s, organisation) for s in organisation.exported_services)
    return {"schema": "data-inclusion v1", "source": source_name(), "structures": structures, "services": services}


def validate_payload(payload: dict) -> list[str]:
    """Error messages of the payload against the data·inclusion models (empty when valid)."""
    errors = []
    for kind, model in (("structures", di.Structure), ("services", di.Service)):
        for index, item in enumerate(payload.get(kind, []), start=1):
            try:
                model.model_validate(item)
            except Exception as exc:  # pydantic.ValidationError
                errors.append(f"{kind}[{index}] {item.get('id')}: {exc}")
    return errors


# --- Flat CSV: one row per service (or per organisation without service) ----------------------------

CSV_COLUMNS = [
    "source", "structure_id", "nom", "typologie", "siret", "adresse", "complement_adresse", "code_postal", "code_insee",
    "latitude", "longitude", "telephone", "courriel", "site_web", "horaires_accueil", "description",
    "accessibilite", "territoires",
    "service_id", "service_nom", "service_description", "thematiques", "publics", "age_min", "age_max", "frais",
    "frais_precisions", "modes_accueil", "modes_mobilisation", "mobilisable_par", "zone_eligibilite",
    "service_horaires",
]
LIST_SEPARATOR = "|"


def export_csv() -> str:
    """Comma-separated, one row per service; cells typed as formulas come out inert (relais.tabular)."""
    return tabular.csv_text(_csv_rows(), fieldnames=CSV_COLUMNS, delimiter=",", lineterminator="\n")


def _csv_rows():
    organisations = exportable_organisations().prefetch_related("territories")
    for organisation in organisations:
        base = {
            # with the id, the record's identity: its producer's, or ours for records made here
            "source": organisation.source if organisation.source_id else source_name(),
            "structure_id": structure_id(organisation), "nom": organisation.name, "typologie": organisation.typologie,
            "siret": organisation.siret, "adresse": organisation.address,
            "complement_adresse": organisation.address_complement, "code_postal": organisation.postal_code,
            "code_insee": organisation.commune.code if organisation.commune else "",
            "latitude": organisation.latitude if organisation.latitude is not None else "",
            "longitude": organisation.longitude if organisation.longitude is not None else "",
            "telephone": organisation.phone, "courriel": organisation.email, "site_web": organisation.website,
            "horaires_accueil": organisation.opening_hours, "description": organisation.description,
            "accessibilite": organisation.accessibility,
            "territoires": LIST_SEPARATOR.join(sorted(t.code for t in organisation.territories.all())),
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
                "service_horaires": service.opening_hours,
            }
