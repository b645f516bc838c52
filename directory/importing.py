"""Import of structures and services from data·inclusion JSON or the directory's CSV.

Two passes: every row is checked first (schema, vocabularies, INSEE codes, phones, opening hours) and every
problem is reported with its row and field; only a file without any error is written, in one transaction.
Records are keyed by (source, source id), so importing the same file again updates instead of duplicating.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from data_inclusion.schema import v1 as di
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction

from directory import vocabulary
from directory.datainclusion import CSV_COLUMNS, LIST_SEPARATOR, own_pk
from directory.history import ChangeRecord, acting_as
from directory.models import Organisation, Service, Territory
from directory.validators import parse_phone, validate_opening_hours, validate_siret
from relais import tabular


@dataclass
class RowError:
    row: str
    field: str
    message: str

    def __str__(self):
        return f"{self.row}, champ « {self.field} » : {self.message}"


@dataclass
class Plan:
    """What a valid file would write: organisations and services as field dicts, keyed by source id."""

    structures: dict = field(default_factory=dict)   # source_id → {"fields": {...}, "territories": [codes]}
    services: dict = field(default_factory=dict)     # source_id → {"structure": source_id, "fields": {...}}
    errors: list = field(default_factory=list)


@dataclass
class ImportResult:
    created_organisations: int = 0
    updated_organisations: int = 0
    created_services: int = 0
    updated_services: int = 0
    errors: list = field(default_factory=list)


class Checker:
    """Field checks shared by both formats; each adds a RowError instead of raising."""

    def __init__(self, plan: Plan, communes: dict[str, int], territories: dict[str, int]):
        self.plan, self.communes, self.territories = plan, communes, territories

    def error(self, row, name, message):
        self.plan.errors.append(RowError(row, name, message))

    def commune(self, row, name, code):
        if not code:
            return None
        if code not in self.communes:
            self.error(row, name, f"code INSEE inconnu « {code} »")
            return None
        return self.communes[code]

    def phone(self, row, name, value):
        if value and parse_phone(value) is None:
            self.error(row, name, f"numéro de téléphone non reconnu « {value} »")
            return ""
        return value or ""

    def _validated(self, row, name, value, validator, message):
        """``value`` when ``validator`` accepts it (empty is accepted), else "" with a row/field error."""
        if not value:
            return ""
        try:
            validator(value)
        except ValidationError:
            self.error(row, name, f"{message} « {value} »")
            return ""
        return value

    def hours(self, row, name, value):
        return self._validated(row, name, value, validate_opening_hours,
                               "horaires illisibles (format OpenStreetMap attendu)")

    def email(self, row, name, value):
        return self._validated(row, name, value, EmailValidator(), "courriel invalide")

    def url(self, row, name, value):
        return self._validated(row, name, value, URLValidator(), "adresse web invalide")

    def codes(self, row, name, values, valid, normalise=lambda code: code):
        bad = [code for code in values if not valid(code)]
        if bad:
            self.error(row, name, "code(s) inconnu(s) : " + ", ".join(bad))
        return [normalise(code) for code in values if valid(code)]

    def integer(self, row, name, value, low=0, high=130):
        if value in (None, ""):
            return None
        try:
            number = int(str(value).strip())
        except ValueError:
            self.error(row, name, f"nombre entier attendu, reçu « {value} »")
            return None
        if not low <= number <= high:
            self.error(row, name, f"valeur hors limites ({low}–{high}) : {number}")
            return None
        return number

    def number(self, row, name, value):
        if value in (None, ""):
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            self.error(row, name, f"nombre attendu, reçu « {value} »")
            return None

    def coordinate(self, row, name, value, limit):
        """A latitude (limit 90) or longitude (limit 180) in decimal degrees."""
        number = self.number(row, name, value)
        if number is not None and not -limit <= number <= limit:
            self.error(row, name, f"{name} hors limites (−{limit} à {limit}) : {value}")
            return None
        return number


def _split(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()]


def _typologie(checker, row, name, codes):
    codes = _split(codes)
    if not codes:
        return ""
    bad = [code for code in codes if not vocabulary.is_valid_type(code)]
    if bad:
        checker.error(row, name, "type(s) de structure inconnu(s) : " + ", ".join(bad))
        return ""
    return codes[0]


def _service_fields(checker, row, data, *, csv_prefix=False) -> dict:
    key = (lambda name: f"service_{name}") if csv_prefix else (lambda name: name)
    return {
        "thematiques": checker.codes(row, "thematiques", _split(data.get("thematiques")), vocabulary.is_valid_theme),
        "publics": checker.codes(row, "publics", _split(data.get("publics")), vocabulary.is_valid_public,
                                 vocabulary.normalise_public),
        "age_min": checker.integer(row, "age_min", data.get("age_min")),
        "age_max": checker.integer(row, "age_max", data.get("age_max")),
        "frais": (checker.codes(row, "frais", _split(data.get("frais")), lambda c: c in dict(
            vocabulary.frais_choices())) or [""])[0],
        "frais_precisions": (data.get("frais_precisions") or "")[:300],
        "modes_accueil": checker.codes(row, "modes_accueil", _split(data.get("modes_accueil")),
                                       lambda c: c in dict(vocabulary.mode_accueil_choices())),
        "modes_mobilisation": checker.codes(row, "modes_mobilisation", _split(data.get("modes_mobilisation")),
                                            lambda c: c in dict(vocabulary.mode_mobilisation_choices())),
        "mobilisable_par": checker.codes(row, "mobilisable_par", _split(data.get("mobilisable_par")),
                                         lambda c: c in dict(vocabulary.mobilisable_par_choices())),
        "zone_eligibilite": _split(data.get("zone_eligibilite")),
        "opening_hours": checker.hours(row, key("horaires") if csv_prefix else "horaires_accueil",
                                       data.get(key("horaires") if csv_prefix else "horaires_accueil")),
    }


def _schema_errors(checker, row, model, item):
    try:
        model.model_validate(item)
    except Exception as exc:  # pydantic.ValidationError
        for problem in getattr(exc, "errors", lambda: [])():
            name = ".".join(str(part) for part in problem.get("loc", ())) or "?"
            checker.error(row, name, problem.get("msg", "valeur invalide"))
        return False
    return True


def plan_json(payload, checker: Checker, default_source: str) -> None:
    if isinstance(payload, list):
        payload = {"structures": payload}
    if not isinstance(payload, dict):
        checker.error("fichier", "racine", "un objet {\"structures\": [...], \"services\": [...]} est attendu")
        return
    for index, item in enumerate(payload.get("structures") or [], start=1):
        row = f"structures[{index}]"
        if not isinstance(item, dict):
            checker.error(row, "-", "objet attendu")
            continue
        _schema_errors(checker, row, di.Structure, item)
        source_id = str(item.get("id") or "")
        if source_id in checker.plan.structures:
            checker.error(row, "id", f"identifiant en double « {source_id} »")
        checker.plan.structures[source_id] = {"row": row, "source": item.get("source") or default_source, "fields": {
            "name": (item.get("nom") or "")[:150],
            "description": item.get("description") or "",
            "siret": item.get("siret") or "",
            "typologie": _typologie(checker, row, "reseaux_porteurs", item.get("reseaux_porteurs")),
            "address": (item.get("adresse") or "")[:255],
            "address_complement": (item.get("complement_adresse") or "")[:255],
            "postal_code": item.get("code_postal") or "",
            "commune_id": checker.commune(row, "code_insee", item.get("code_insee")),
            "latitude": checker.coordinate(row, "latitude", item.get("latitude"), 90),
            "longitude": checker.coordinate(row, "longitude", item.get("longitude"), 180),
            "phone": checker.phone(row, "telephone", item.get("telephone")),
            "email": checker.email(row, "courriel", item.get("courriel")),
            "website": checker.url(row, "site_web", item.get("site_web")),
            "opening_hours": checker.hours(row, "horaires_accueil", item.get("horaires_accueil")),
            "accessibility_url": checker.url(row, "accessibilite_lieu", item.get("accessibilite_lieu")),
        }, "territories": []}
    for index, item in enumerate(payload.get("services") or [], start=1):
        row = f"services[{index}]"
        if not isinstance(item, dict):
            checker.error(row, "-", "objet attendu")
            continue
        _schema_errors(checker, row, di.Service, item)
        structure = str(item.get("structure_id") or "")
        if structure not in checker.plan.structures and not Organisation.objects.filter(source_id=structure).exists():
            checker.error(row, "structure_id", f"structure inconnue « {structure} »")
        fields = _service_fields(checker, row, item)
        fields.update({
            "name": (item.get("nom") or "")[:150], "description": item.get("description") or "",
            "publics_precisions": (item.get("publics_precisions") or "")[:500],
            "conditions_acces": item.get("conditions_acces") or "",
            "mobilisation_precisions": item.get("mobilisation_precisions") or "",
            "lien_mobilisation": checker.url(row, "lien_mobilisation", item.get("lien_mobilisation")),
            "phone": checker.phone(row, "telephone", item.get("telephone")),
            "email": checker.email(row, "courriel", item.get("courriel")),
        })
        checker.plan.services[str(item.get("id") or "")] = {"row": row, "structure": structure, "fields": fields}


def plan_csv(text: str, checker: Checker, default_source: str) -> None:
    reader = csv.DictReader(text.splitlines())
    missing = [name for name in ("structure_id", "nom") if name not in (reader.fieldnames or [])]
    if missing:
        checker.error("ligne 1", ", ".join(missing), "colonne(s) obligatoire(s) absente(s) de l'en-tête")
        return
    unknown = [name for name in reader.fieldnames if name not in CSV_COLUMNS]
    if unknown:
        checker.error("ligne 1", ", ".join(unknown), "colonne(s) inconnue(s)")
    for line, data in enumerate(reader, start=2):
        row = f"ligne {line}"
        if None in data:
            checker.error(row, "-", "plus de valeurs que de colonnes")
            continue
        # Our own export guards cells against spreadsheet formulas ("'+33…"): read them back unguarded.
        data = {name: tabular.unguard(value) if isinstance(value, str) else value for name, value in data.items()}
        source_id = (data.get("structure_id") or "").strip()
        if not source_id:
            checker.error(row, "structure_id", "valeur obligatoire")
            continue
        name = (data.get("nom") or "").strip()
        if not name:
            checker.error(row, "nom", "valeur obligatoire")
        siret = (data.get("siret") or "").strip()
        try:
            validate_siret(siret)
        except ValidationError:
            checker.error(row, "siret", f"un SIRET compte 14 chiffres, reçu « {siret} »")
        territories = _split(data.get("territoires"))
        for code in territories:
            if code not in checker.territories:
                checker.error(row, "territoires", f"territoire inconnu « {code} »")
        if source_id not in checker.plan.structures:
            checker.plan.structures[source_id] = {"row": row, "source": default_source, "fields": {
                "name": name[:150], "description": data.get("description") or "", "siret": siret,
                "typologie": _typologie(checker, row, "typologie", data.get("typologie")),
                "address": (data.get("adresse") or "")[:255],
                "address_complement": (data.get("complement_adresse") or "")[:255],
                "postal_code": (data.get("code_postal") or "")[:5],
                "commune_id": checker.commune(row, "code_insee", (data.get("code_insee") or "").strip()),
                "latitude": checker.coordinate(row, "latitude", data.get("latitude"), 90),
                "longitude": checker.coordinate(row, "longitude", data.get("longitude"), 180),
                "phone": checker.phone(row, "telephone", data.get("telephone")),
                "email": checker.email(row, "courriel", data.get("courriel")),
                "website": checker.url(row, "site_web", data.get("site_web")),
                "opening_hours": checker.hours(row, "horaires_accueil", data.get("horaires_accueil")),
                "accessibility": data.get("accessibilite") or "",
            }, "territories": [checker.territories[c] for c in territories if c in checker.territories]}
        service_id = (data.get("service_id") or "").strip()
        if not service_id and not data.get("service_nom"):
            continue
        if not service_id:
            checker.error(row, "service_id", "valeur obligatoire quand service_nom est rempli")
            continue
        if not (data.get("service_nom") or "").strip():
            checker.error(row, "service_nom", "valeur obligatoire quand service_id est rempli")
        fields = _service_fields(checker, row, data, csv_prefix=True)
        fields.update({"name": (data.get("service_nom") or "")[:150],
                       "description": data.get("service_description") or ""})
        if service_id in checker.plan.services:
            checker.error(row, "service_id", f"identifiant en double « {service_id} »")
        checker.plan.services[service_id] = {"row": row, "structure": source_id, "fields": fields}


def build_plan(path: Path, default_source: str) -> Plan:
    plan = Plan()
    checker = Checker(plan, dict(Territory.objects.filter(kind=Territory.Kind.COMMUNE).values_list("code", "id")),
                      dict(Territory.objects.values_list("code", "id")))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        plan.errors.append(RowError("fichier", "-", f"lecture impossible : {exc}"))
        return plan
    if path.suffix.lower() == ".json":
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            plan.errors.append(RowError(f"ligne {exc.lineno}", "-", f"JSON mal formé : {exc.msg}"))
            return plan
        plan_json(payload, checker, default_source)
    elif path.suffix.lower() == ".csv":
        try:
            plan_csv(text, checker, default_source)
        except csv.Error as exc:
            plan.errors.append(RowError("fichier", "-", f"CSV mal formé : {exc}"))
    else:
        plan.errors.append(RowError("fichier", "-", "extension attendue : .json (data·inclusion) ou .csv"))
    for service_id, spec in plan.services.items():
        fields = spec["fields"]
        if fields["age_min"] is not None and fields["age_max"] is not None and fields["age_min"] > fields["age_max"]:
            plan.errors.append(RowError(spec["row"], "age_max", "inférieur à age_min"))
        if not service_id:
            plan.errors.append(RowError(spec["row"], "id", "valeur obligatoire"))
    return plan


def import_file(path, *, dry_run=False, source="import", status=Organisation.Status.PUBLISHED) -> ImportResult:
    plan = build_plan(Path(path), source)
    result = ImportResult(errors=plan.errors)
    if plan.errors:
        return result
    # Keyed by the source id alone: data·inclusion ids already carry their producer ("dora--42"), and an
    # export of this directory re-imported elsewhere keeps matching its own records.
    existing = {o.source_id: o for o in Organisation.objects.filter(source_id__in=list(plan.structures))}
    own = {own_pk(key, "structure"): key for key in plan.structures if own_pk(key, "structure")}
    for organisation in Organisation.objects.filter(pk__in=list(own), source_id=""):
        existing[own[organisation.pk]] = organisation
    from search.indexing import deferred_updates

    # The index updates the import owes are recorded in the outbox in the same transaction as the rows: an
    # import stopped right after its commit still has them queued (search_index --sync indexes them).
    with transaction.atomic(), acting_as(None, action=ChangeRecord.Action.IMPORT), deferred_updates():
        organisations = {}
        for source_id, spec in plan.structures.items():
            organisation = existing.get(source_id)
            if organisation is None:
                result.created_organisations += 1
                if dry_run:
                    continue
                organisation = Organisation(source=spec["source"], source_id=source_id, status=status)
            else:
                result.updated_organisations += 1
                if dry_run:
                    continue
            for name, value in spec["fields"].items():
                setattr(organisation, name, value)
            organisation.save()
            if spec["territories"]:
                organisation.territories.set(spec["territories"])
            organisations[source_id] = organisation
        for service_id, spec in plan.services.items():
            organisation = organisations.get(spec["structure"]) or existing.get(spec["structure"]) or \
                Organisation.objects.filter(source_id=spec["structure"]).first()
            service = None
            if organisation is not None:
                own_service = own_pk(service_id, "service")
                match = {"pk": own_service, "source_id": ""} if own_service else {"source_id": service_id}
                service = Service.objects.filter(organisation=organisation, **match).first()
            if service is None:
                result.created_services += 1
                if dry_run:
                    continue
                service = Service(organisation=organisation, source_id=service_id)
            else:
                result.updated_services += 1
                if dry_run:
                    continue
            for name, value in spec["fields"].items():
                setattr(service, name, value)
            service.save()
        if dry_run:
            transaction.set_rollback(True)
    return result
