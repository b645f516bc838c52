"""Import of structures and services from data·inclusion JSON (v0 or v1 shape) or the directory's CSV.

Two passes: every record is checked first (schema, vocabularies, INSEE codes, phones) and every problem is
one French line naming the record, the field and what is allowed; a file with an error writes nothing, and
a valid file is written in one transaction. Not errors, but warnings with their record: a record outside the
site's territories (skipped, or kept without a commune with ``out_of_area="keep"``), opening hours in free
text (kept and shown as text), a v0 code narrowed to v1; a field the directory cannot keep is reported once.

Identity is (source, source id): a record from one source never overwrites another's. A key absent from a
record (a column absent from a CSV) leaves the field as it is; an empty value clears it only with
``clear_empty``. Served territories come from the services' ``zone_eligibilite`` and the structure's commune
(directory.territories). Unchanged records are not saved, so a second run changes nothing.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import ijson
from data_inclusion.schema import v1 as di
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone

from directory import datainclusion_v0 as v0
from directory import search as documents
from directory import territories, vocabulary
from directory.datainclusion import CSV_COLUMNS, LIST_SEPARATOR, own_pk
from directory.history import ChangeRecord, acting_as
from directory.models import Organisation, Service, Territory
from directory.validators import parse_phone, validate_opening_hours
from relais import tabular
from relais.slugs import unique_slugs
from search.indexing import refresh_after_commit

SKIP, KEEP = "skip", "keep"  # what happens to a record outside the site's territories
_INSEE = re.compile(r"^(?:\d{2}|2[AB])\d{3}$", re.IGNORECASE)
_TIME_ONLY = re.compile(r"^\d{1,2}:\d{2}")
_ZONE = re.compile(r"^(?:\w{2,3}|\w{5}|\d{9}|france)$", re.IGNORECASE)


@dataclass
class RowError:
    """One line of the report: the record, the field, what is wrong or what was done."""

    row: str
    field: str
    message: str

    def __str__(self):
        return f"{self.row}, champ « {self.field} » : {self.message}"


@dataclass
class FileIndex:
    """What planning one chunk of a streamed file needs from the rest of it, read by a first light pass: the
    structures' keys and addresses (a service names its structure and may repeat its address), their services'
    areas (a structure serves them) and the positions of repeated ids. Never the records themselves."""

    kind: str = ""  # a file holding one list: "structures" or "services"
    addresses: dict = field(default_factory=dict)  # structure key → its address fields as read
    by_id: dict = field(default_factory=dict)  # structure id → its keys
    zones: dict = field(default_factory=dict)  # structure key → the area codes of its services
    repeated_structures: set = field(default_factory=set)  # positions (1-based) of a structure id seen before
    repeated_services: set = field(default_factory=set)
    first_lines: set = field(default_factory=set)  # a CSV file: the line that names each structure first


@dataclass
class Plan:
    """What a valid file would write. Structures keyed by (source, source id), services by service id."""

    structures: dict = field(default_factory=dict)
    services: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    once: Counter = field(default_factory=Counter)  # (kind, field, message) → records concerned
    index: FileIndex | None = None  # a streamed file: what the chunk needs from the rest of it


    def once_lines(self) -> list[str]:
        return [f"{kind}, champ « {name} » : {message} ({count} fiche(s))"
                for (kind, name, message), count in self.once.items()]


@dataclass
class ImportResult:
    created_organisations: int = 0
    updated_organisations: int = 0
    unchanged_organisations: int = 0
    skipped_organisations: int = 0
    created_services: int = 0
    updated_services: int = 0
    unchanged_services: int = 0
    skipped_services: int = 0
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    organisations: dict = field(default_factory=dict)  # (source, source id) → Organisation, once written


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == {}


def _split(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()]


def _allowed(choices) -> str:
    """What is allowed, in a few words: the values when they are few, else where to find them."""
    values = [code for code, _label in choices]
    return "valeurs permises : " + ", ".join(values) if len(values) <= 6 else ""


class Checker:
    """Field checks shared by both formats; each adds one RowError (one per record and field) instead of raising."""

    def __init__(self, plan: Plan, communes: dict[str, int], known: dict[str, int]):
        self.plan, self.communes, self.known = plan, communes, known
        self._reported: set[tuple[str, str]] = set()

    def error(self, row, name, message):
        if (row, name) not in self._reported:
            self._reported.add((row, name))
            self.plan.errors.append(RowError(row, name, message))

    def warn(self, row, name, message):
        self.plan.warnings.append(RowError(row, name, message))

    def reported(self, row, name) -> bool:
        return (row, name) in self._reported

    # --- converters: (row, name, raw value) → stored value ---
    def text(self, row, name, value, limit=None):
        text = str(value).strip()
        return text[:limit] if limit else text

    def name(self, row, name, value):
        text = str(value).strip()
        if len(text) < 3:
            self.error(row, name, "au moins 3 caractères")
        return text[:150]

    def siret(self, row, name, value):
        siret = str(value).replace(" ", "")
        if not (len(siret) == 14 and siret.isdigit()):
            self.error(row, name, f"un SIRET compte 14 chiffres, reçu « {value} »")
        return siret

    def phone(self, row, name, value):
        value = str(value).strip()
        if parse_phone(value) is None:
            self.error(row, name, f"numéro de téléphone non reconnu « {value} »")
        return value

    def _validated(self, row, name, value, validator, message):
        value = str(value).strip()
        try:
            validator(value)
        except ValidationError:
            self.error(row, name, f"{message} « {value} »")
        return value

    def email(self, row, name, value):
        return self._validated(row, name, value, EmailValidator(), "courriel invalide")

    def url(self, row, name, value):
        return self._validated(row, name, value, URLValidator(), "adresse web invalide (https://… attendu)")

    def hours(self, row, name, value):
        """OSM opening hours; free text ("lundi au vendredi 9h-17h", allowed by the schema) is kept and shown as
        text, never read as an opening status, with a note for the editor."""
        value = str(value).strip()
        try:
            validate_opening_hours(value)
        except ValidationError:
            self.warn(row, name, f"horaires en texte libre « {value[:80]} » gardés tels quels (affichés comme "
                                 "texte, sans « ouvert maintenant ») : à saisir au format OpenStreetMap")
            return value[:500]
        rules = [rule.strip() for rule in value.split(";") if rule.strip()]
        overriding = next((rule for rule in rules[1:] if _TIME_ONLY.match(rule)), None)
        if overriding:
            # "Mo-Fr 08:30-12:00; 13:30-17:00" reads "every day 13:30-17:00" in OSM: a wrong "ouvert" on Sunday.
            self.warn(row, name, f"la règle « {overriding[:40]} » sans jours vaut pour tous les jours et remplace "
                                 "les précédentes : écrire les plages d'un même jour séparées par une virgule")
        return value[:500]

    def codes(self, row, name, value, valid, what, normalise=lambda code: code):
        codes = _split(value)
        bad = [code for code in codes if not valid(code)]
        if bad:
            self.error(row, name, f"code(s) inconnu(s) : {', '.join(bad)} ({what})")
        return list(dict.fromkeys(normalise(code) for code in codes if valid(code)))

    def choice(self, row, name, value, choices):
        codes = self.codes(row, name, value, lambda c: c in dict(choices), _allowed(choices))
        return codes[0] if codes else ""

    def themes(self, row, name, value):
        return self.codes(row, name, value, vocabulary.is_valid_theme, "thématiques data·inclusion v1")

    def publics(self, row, name, value):
        return self.codes(row, name, value, vocabulary.is_valid_public, "publics data·inclusion v1",
                          vocabulary.normalise_public)

    def frais(self, row, name, value):
        return self.choice(row, name, value, vocabulary.frais_choices())

    def modes_accueil(self, row, name, value):
        return self.codes(row, name, value, lambda c: c in dict(vocabulary.mode_accueil_choices()),
                          _allowed(vocabulary.mode_accueil_choices()))

    def modes_mobilisation(self, row, name, value):
        return self.codes(row, name, value, lambda c: c in dict(vocabulary.mode_mobilisation_choices()),
                          _allowed(vocabulary.mode_mobilisation_choices()))

    def mobilisable_par(self, row, name, value):
        return self.codes(row, name, value, lambda c: c in dict(vocabulary.mobilisable_par_choices()),
                          _allowed(vocabulary.mobilisable_par_choices()))

    def zone(self, row, name, value):
        return self.codes(row, name, value, lambda c: bool(_ZONE.match(c)),
                          "codes COG : commune, département, EPCI ou « france »")

    def typologie(self, row, name, value):
        codes = _split(value)
        bad = [code for code in codes if not vocabulary.is_valid_type(code)]
        if bad:
            self.error(row, name, f"type(s) de structure inconnu(s) : {', '.join(bad)} "
                                  "(réseaux porteurs data·inclusion v1)")
        good = [code for code in codes if vocabulary.is_valid_type(code)]
        return good[0] if good else ""

    def networks(self, row, name, value):
        """The networks after the first (the type, ``typologie``): every one is kept."""
        return list(dict.fromkeys(code for code in _split(value) if vocabulary.is_valid_type(code)))[1:]

    def integer(self, row, name, value, low=0, high=130):
        try:
            number = int(str(value).strip())
        except ValueError:
            self.error(row, name, f"nombre entier attendu, reçu « {value} »")
            return None
        if not low <= number <= high:
            self.error(row, name, f"valeur hors limites ({low}–{high}) : {number}")
            return None
        return number

    def coordinate(self, row, name, value, limit):
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.error(row, name, f"nombre attendu, reçu « {value} »")
            return None
        if not -limit <= number <= limit:
            self.error(row, name, f"{name} hors limites (−{limit} à {limit}) : {value}")
            return None
        return number

    def latitude(self, row, name, value):
        return self.coordinate(row, name, value, 90)

    def longitude(self, row, name, value):
        return self.coordinate(row, name, value, 180)

    def commune(self, row, name, value):
        """The commune's id; a well-formed code of a commune this site does not hold is out of area (None)."""
        code = str(value).strip().upper()
        if not _INSEE.match(code):
            self.error(row, name, f"code INSEE de commune attendu (5 caractères), reçu « {value} »")
            return None
        return self.communes.get(code)


# (source key, model field, converter) of each shape; a key absent from a record leaves its field untouched.
JSON_STRUCTURE = [
    ("nom", "name", "name"), ("description", "description", "text"), ("siret", "siret", "siret"),
    ("reseaux_porteurs", "typologie", "typologie"), ("reseaux_porteurs", "reseaux_porteurs", "networks"),
    ("lien_source", "source_url", "url"), ("adresse", "address", "text255"),
    ("complement_adresse", "address_complement", "text255"), ("code_postal", "postal_code", "text5"),
    ("code_insee", "commune_id", "commune"), ("latitude", "latitude", "latitude"),
    ("longitude", "longitude", "longitude"), ("telephone", "phone", "phone"), ("courriel", "email", "email"),
    ("site_web", "website", "url"), ("horaires_accueil", "opening_hours", "hours"),
    ("accessibilite_lieu", "accessibility_url", "url"),
]
JSON_SERVICE = [
    ("nom", "name", "name"), ("description", "description", "text"), ("thematiques", "thematiques", "themes"),
    ("publics", "publics", "publics"), ("publics_precisions", "publics_precisions", "text500"),
    ("frais", "frais", "frais"), ("frais_precisions", "frais_precisions", "text300"),
    ("conditions_acces", "conditions_acces", "text"), ("modes_accueil", "modes_accueil", "modes_accueil"),
    ("modes_mobilisation", "modes_mobilisation", "modes_mobilisation"),
    ("mobilisable_par", "mobilisable_par", "mobilisable_par"),
    ("mobilisation_precisions", "mobilisation_precisions", "text"), ("lien_mobilisation", "lien_mobilisation", "url"),
    ("zone_eligibilite", "zone_eligibilite", "zone"), ("horaires_accueil", "opening_hours", "hours"),
    ("telephone", "phone", "phone"), ("courriel", "email", "email"), ("lien_source", "source_url", "url"),
    # where the service is given, when not at its structure's address (_inherit_address)
    ("adresse", "address", "text255"), ("complement_adresse", "address_complement", "text255"),
    ("code_postal", "postal_code", "text5"), ("code_insee", "commune_id", "commune"),
    ("latitude", "latitude", "latitude"), ("longitude", "longitude", "longitude"),
]
SERVICE_ADDRESS = ("address", "address_complement", "postal_code", "commune_id", "latitude", "longitude")
CSV_STRUCTURE = [
    ("nom", "name", "name"), ("typologie", "typologie", "typologie"), ("typologie", "reseaux_porteurs", "networks"),
    ("siret", "siret", "siret"),
    ("adresse", "address", "text255"), ("complement_adresse", "address_complement", "text255"),
    ("code_postal", "postal_code", "text5"), ("code_insee", "commune_id", "commune"),
    ("latitude", "latitude", "latitude"), ("longitude", "longitude", "longitude"), ("telephone", "phone", "phone"),
    ("courriel", "email", "email"), ("site_web", "website", "url"), ("horaires_accueil", "opening_hours", "hours"),
    ("description", "description", "text"), ("accessibilite", "accessibility", "text"),
]
CSV_SERVICE = [
    ("service_nom", "name", "name"), ("service_description", "description", "text"),
    ("thematiques", "thematiques", "themes"), ("publics", "publics", "publics"), ("age_min", "age_min", "integer"),
    ("age_max", "age_max", "integer"), ("frais", "frais", "frais"), ("frais_precisions", "frais_precisions", "text300"),
    ("modes_accueil", "modes_accueil", "modes_accueil"), ("modes_mobilisation", "modes_mobilisation",
                                                          "modes_mobilisation"),
    ("mobilisable_par", "mobilisable_par", "mobilisable_par"), ("zone_eligibilite", "zone_eligibilite", "zone"),
    ("service_horaires", "opening_hours", "hours"),
]
# v1 keys read for identity or derived elsewhere, and those the directory has no field for (reported once).
JSON_USED = {"source", "id", "structure_id", "commune", "date_maj"}
NOT_KEPT = {"type", "contact_nom_prenom", "volume_horaire_hebdomadaire", "nombre_semaines"}


def _day(value) -> dt.date | None:
    """A record's ``date_maj`` (AAAA-MM-JJ, or a timestamp from v0): the day its producer last changed it."""
    try:
        return dt.date.fromisoformat(str(value).strip()[:10]) if not _empty(value) else None
    except ValueError:
        return None


def _convert(checker: Checker, row: str, name: str, kind: str, raw):
    if kind.startswith("text") and kind != "text":
        return checker.text(row, name, raw, int(kind[4:]))
    return getattr(checker, kind)(row, name, raw)


def _empty_value(model, name: str):
    model_field = model._meta.get_field(name.removesuffix("_id"))
    if model_field.null:
        return None
    return [] if model_field.get_internal_type() == "JSONField" else ""


def _read_fields(checker, row, data, mapping, model, clear_empty) -> tuple[dict, set]:
    """The fields a record sets: present and non-empty keys, and empty ones only with ``clear_empty``."""
    fields, present = {}, set()
    for key, name, kind in mapping:
        if key not in data:
            continue
        present.add(key)
        if _empty(data[key]):
            if clear_empty:
                fields[name] = _empty_value(model, name)
            continue
        fields[name] = _convert(checker, row, key, kind, data[key])
    return fields, present


_PYDANTIC = {
    "missing": "valeur obligatoire", "string_too_short": "texte trop court", "string_too_long": "texte trop long",
    "date_from_datetime_parsing": "date AAAA-MM-JJ attendue", "date_parsing": "date AAAA-MM-JJ attendue",
    "date_from_datetime_inexact": "date AAAA-MM-JJ attendue", "url_parsing": "adresse web invalide",
    "string_pattern_mismatch": "format invalide", "enum": "code inconnu", "bool_parsing": "vrai ou faux attendu",
    "float_parsing": "nombre attendu", "int_parsing": "nombre entier attendu", "string_type": "texte attendu",
    "list_type": "liste attendue", "set_type": "liste attendue", "too_short": "liste vide",
}


def _schema_errors(checker, row, model, item, handled: set[str]) -> None:
    """The national schema's verdict on what the directory does not check itself, one French line per field
    (never pydantic's English message)."""
    try:
        model.model_validate(item)
    except Exception as exc:  # pydantic.ValidationError
        for problem in getattr(exc, "errors", lambda: [])():
            name = str((problem.get("loc") or ("?",))[0])
            if name in handled or checker.reported(row, name):
                continue
            kind = problem.get("type", "")
            message = _PYDANTIC.get(kind)
            if message is None and kind == "value_error":
                message = "valeur refusée par le schéma data·inclusion"
            checker.error(row, name, message or "valeur refusée par le schéma data·inclusion")


def _row(kind: str, index: int, identifier) -> str:
    return f"{kind}[{index}] ({identifier})" if identifier else f"{kind}[{index}]"


def _report_unkept(plan: Plan, kind: str, item: dict, mapping) -> None:
    read = {key for key, _name, _kind in mapping} | JSON_USED
    for key, value in item.items():
        if key in read or _empty(value):
            continue
        message = ("non conservé par l'annuaire" if key in NOT_KEPT else "champ inconnu du schéma v1, ignoré")
        plan.once[(kind, key, message)] += 1


def _as_v1(plan, checker, row, item: dict, kind: str, schema, columns, to_v1) -> dict:
    """The record as v1 data: a v0 record mapped (what the mapping drops carried as warnings), a v1 record
    checked against the schema; the fields the directory does not keep are reported once either way."""
    if v0.is_v0(item, kind):
        mapped = to_v1(item)
        _carry_v0(plan, f"{kind}s", mapped)
        data = mapped.data
    else:
        data = item
        _schema_errors(checker, row, schema, item, handled={key for key, _n, _k in columns})
    _report_unkept(plan, f"{kind}s", data, columns)
    return data


def _payload_kind(items: list) -> str:
    """A list as the national dataset publishes it: services when each has a ``structure_id``."""
    return "services" if items and all(isinstance(item, dict) and "structure_id" in item for item in items) else (
        "structures")


def plan_json(payload, checker: Checker, default_source: str, clear_empty: bool) -> None:
    if isinstance(payload, list):  # a structures file, or a services file, as the national dataset publishes them
        payload = {_payload_kind(payload): payload}
    if not isinstance(payload, dict):
        checker.error("fichier", "racine", "un objet {\"structures\": [...], \"services\": [...]} est attendu")
        return
    for index, item in enumerate(payload.get("structures") or [], start=1):
        plan_structure(checker, index, item, default_source, clear_empty)
    for index, item in enumerate(payload.get("services") or [], start=1):
        plan_service(checker, index, item, default_source, clear_empty)


def plan_structure(checker: Checker, index: int, item, default_source: str, clear_empty: bool) -> None:
    """One data·inclusion structure (``structures[index]``) into the plan."""
    plan = checker.plan
    if not isinstance(item, dict):
        checker.error(f"structures[{index}]", "-", "objet attendu")
        return
    row = _row("structures", index, item.get("id"))
    data = _as_v1(plan, checker, row, item, "structure", di.Structure, JSON_STRUCTURE, v0.structure_to_v1)
    source_id = str(data.get("id") or "").strip()
    if not source_id:
        checker.error(row, "id", "valeur obligatoire")
        return
    if _empty(data.get("nom")):
        checker.error(row, "nom", "valeur obligatoire")
    source = str(data.get("source") or default_source).strip()
    key = (source, source_id)
    if key in plan.structures or (plan.index is not None and index in plan.index.repeated_structures):
        checker.error(row, "id", f"identifiant en double « {source_id} »")
        return
    fields, present = _read_fields(checker, row, data, JSON_STRUCTURE, Organisation, clear_empty)
    plan.structures[key] = {"row": row, "fields": fields, "territories": None,
                            "foreign_commune": _foreign(checker, data, present), "date_maj": _day(data.get("date_maj"))}


def plan_service(checker: Checker, index: int, item, default_source: str, clear_empty: bool) -> None:
    """One data·inclusion service (``services[index]``) into the plan."""
    plan = checker.plan
    if not isinstance(item, dict):
        checker.error(f"services[{index}]", "-", "objet attendu")
        return
    row = _row("services", index, item.get("id"))
    data = _as_v1(plan, checker, row, item, "service", di.Service, JSON_SERVICE,
                  lambda record: v0.service_to_v1(record, vocabulary.is_valid_theme))
    service_id = str(data.get("id") or "").strip()
    structure_id = str(data.get("structure_id") or "").strip()
    if not service_id:
        checker.error(row, "id", "valeur obligatoire")
        return
    if not structure_id:
        checker.error(row, "structure_id", "valeur obligatoire")
        return
    if _empty(data.get("nom")):
        checker.error(row, "nom", "valeur obligatoire")
    source = str(data.get("source") or default_source).strip()
    fields, _present = _read_fields(checker, row, data, JSON_SERVICE, Service, clear_empty)
    structure = _structure_key(plan, source, structure_id)
    if plan.index is not None:
        address = plan.index.addresses.get(structure)
        _inherit_address({"fields": address} if address is not None else None, fields)
        if index in plan.index.repeated_services:
            checker.error(row, "id", f"identifiant en double « {service_id} »")
            return
    else:
        _inherit_address(plan.structures.get(structure), fields)
    _add_service(checker, row, structure, service_id, fields, _day(data.get("date_maj")), source)


def _carry_v0(plan: Plan, kind: str, mapped) -> None:
    for name in mapped.dropped:
        plan.once[(kind, name, "champ v0 sans équivalent v1 : non repris")] += 1
    for name, message in mapped.notes:
        plan.once[(kind, name, message)] += 1


def _foreign(checker: Checker, data: dict, present: set) -> str:
    """The INSEE code of a commune the site does not hold ("" when known, absent or malformed)."""
    if "code_insee" not in present or _empty(data.get("code_insee")):
        return ""
    code = str(data["code_insee"]).strip().upper()
    return code if _INSEE.match(code) and code not in checker.communes else ""


def _structure_key(plan: Plan, source: str, structure_id: str) -> tuple[str, str]:
    """The structure a service belongs to: of its own source, else the one structure of the file with that id (a
    service added by this directory to a structure it re-publishes names the structure's producer's id)."""
    key = (source, structure_id)
    if plan.index is not None:
        if key in plan.index.addresses:
            return key
        others = plan.index.by_id.get(structure_id, ())
        return others[0] if len(others) == 1 else key
    if key in plan.structures:
        return key
    others = [other for other in plan.structures if other[1] == structure_id]
    return others[0] if len(others) == 1 else key


def _inherit_address(structure: dict | None, fields: dict) -> None:
    """A service address that is its structure's is not the service's own: it follows the structure's."""
    if structure is None or not any(name in fields for name in SERVICE_ADDRESS):
        return
    if all(fields.get(name) == structure["fields"].get(name) for name in SERVICE_ADDRESS if name in fields):
        fields.update({name: _empty_value(Service, name) for name in SERVICE_ADDRESS})


def _add_service(checker, row, structure_key, service_id, fields, date_maj=None, source="") -> None:
    key = (structure_key, service_id)
    if key in checker.plan.services:
        checker.error(row, "id", f"identifiant en double « {service_id} »")
        return
    low, high = fields.get("age_min"), fields.get("age_max")
    if low is not None and high is not None and low > high:
        checker.error(row, "age_max", "inférieur à age_min")
    checker.plan.services[key] = {"row": row, "structure": structure_key, "service_id": service_id,
                                  "fields": fields, "date_maj": date_maj, "source": source}


def _csv_header(reader, checker: Checker) -> bool:
    """The header's checks (one French line each); False when a required column is missing."""
    columns = reader.fieldnames or []
    missing = [name for name in ("structure_id", "nom") if name not in columns]
    if missing:
        checker.error("ligne 1", ", ".join(missing), "colonne(s) obligatoire(s) absente(s) de l'en-tête")
        return False
    unknown = [name for name in columns if name not in CSV_COLUMNS]
    if unknown:
        checker.error("ligne 1", ", ".join(unknown), "colonne(s) inconnue(s) (colonnes de export_directory --format "
                                                     "csv)")
    return True


def _csv_rows(reader, checker: Checker | None, default_source: str):
    """(line, row label, cells, structure key (source, id)) of each data row; rows without a structure id are
    reported (when ``checker`` is given) and left out. Our own export guards cells against spreadsheet
    formulas ("'+33…"): they are read back unguarded."""
    for line, data in enumerate(reader, start=2):
        if None in data:
            if checker is not None:
                checker.error(f"ligne {line}", "-", "plus de valeurs que de colonnes")
            continue
        data = {name: tabular.unguard(value) if isinstance(value, str) else value for name, value in data.items()}
        source_id = (data.get("structure_id") or "").strip()
        row = f"ligne {line} ({source_id})" if source_id else f"ligne {line}"
        if not source_id:
            if checker is not None:
                checker.error(row, "structure_id", "valeur obligatoire")
            continue
        yield line, row, data, ((data.get("source") or "").strip() or default_source, source_id)


def plan_csv_structure(checker: Checker, row: str, data: dict, key: tuple, clear_empty: bool) -> None:
    """The structure of a CSV row that names it first (its later rows only add services)."""
    if not (data.get("nom") or "").strip():
        checker.error(row, "nom", "valeur obligatoire")
    fields, present = _read_fields(checker, row, data, CSV_STRUCTURE, Organisation, clear_empty)
    spec = {"row": row, "fields": fields, "territories": None,
            "foreign_commune": _foreign(checker, data, present), "date_maj": _day(data.get("date_maj"))}
    if "territoires" in data and (clear_empty or not _empty(data["territoires"])):
        codes = _split(data["territoires"])
        for code in codes:
            if code not in checker.known:
                checker.error(row, "territoires", f"territoire inconnu « {code} » (codes de l'annuaire)")
        spec["territories"] = sorted({checker.known[c] for c in codes if c in checker.known})
        spec["explicit_territories"] = True
    checker.plan.structures[key] = spec


def plan_csv_service(checker: Checker, row: str, data: dict, key: tuple, clear_empty: bool,
                     repeated: bool = False) -> None:
    """The service of a CSV row, if it has one (``repeated``: its id was seen earlier in a streamed file)."""
    service_id = (data.get("service_id") or "").strip()
    if not service_id and not (data.get("service_nom") or "").strip():
        return
    if not service_id:
        checker.error(row, "service_id", "valeur obligatoire quand service_nom est rempli")
        return
    if not (data.get("service_nom") or "").strip():
        checker.error(row, "service_nom", "valeur obligatoire quand service_id est rempli")
    fields, _present = _read_fields(checker, row, data, CSV_SERVICE, Service, clear_empty)
    if repeated:
        checker.error(row, "id", f"identifiant en double « {service_id} »")
        return
    _add_service(checker, row, key, service_id, fields, _day(data.get("service_date_maj")))


def plan_csv(text, checker: Checker, default_source: str, clear_empty: bool) -> None:
    """``text``: the file's text, or its lines (an open file, read row by row); planned whole (``import_csv``
    streams a file instead)."""
    reader = csv.DictReader(text.splitlines() if isinstance(text, str) else text)
    if not _csv_header(reader, checker):
        return
    for _line, row, data, key in _csv_rows(reader, checker, default_source):
        if key not in checker.plan.structures:
            plan_csv_structure(checker, row, data, key, clear_empty)
        plan_csv_service(checker, row, data, key, clear_empty)


def _serve(plan: Plan, checker: Checker, out_of_area: str) -> None:
    """Each structure's served territories (its services' zones and its commune) and the out-of-area verdict."""
    zones: dict[tuple, list[str]] = {}
    if plan.index is not None:
        zones = {key: sorted(plan.index.zones.get(key, ())) for key in plan.structures}
    for spec in plan.services.values() if plan.index is None else ():
        zones.setdefault(spec["structure"], []).extend(spec["fields"].get("zone_eligibilite") or [])
    resolved = territories.ids_for_cog_codes({code for codes in zones.values() for code in codes})
    for key, spec in plan.structures.items():
        codes = zones.get(key, [])
        ids = {pk for code in codes for pk in resolved.get(code, [])}
        commune = spec["fields"].get("commune_id")
        if commune:
            ids.add(commune)
        if not spec.get("explicit_territories") and ids:
            spec["territories"] = sorted(ids)
        if ids or spec.get("explicit_territories") or not (spec["foreign_commune"] or codes):
            continue
        where = f"commune {spec['foreign_commune']}" if spec["foreign_commune"] else "zone " + ", ".join(codes)
        name = "code_insee" if spec["foreign_commune"] else "zone_eligibilite"
        if out_of_area == KEEP:
            spec["out_of_area"] = KEEP
            checker.warn(spec["row"], name, f"hors des territoires du site ({where}) : fiche gardée sans commune "
                                            "ni territoire desservi")
        else:
            spec["out_of_area"] = SKIP
            checker.warn(spec["row"], name, f"hors des territoires du site ({where}) : fiche ignorée "
                                            "(--out-of-area keep pour la garder)")


def _checker() -> Checker:
    return Checker(Plan(), dict(Territory.objects.filter(kind=Territory.Kind.COMMUNE).values_list("code", "id")),
                   dict(Territory.objects.values_list("code", "id")))


def plan_payload(payload, default_source: str, *, clear_empty=False, out_of_area=SKIP) -> Plan:
    """The plan of data·inclusion records already read (``{"structures": [...], "services": [...]}`` or one list
    of either): the national pull (directory.national) reads its files itself, then plans through here."""
    checker = _checker()
    plan_json(payload, checker, default_source, clear_empty)
    _serve(checker.plan, checker, out_of_area)
    return checker.plan


def build_plan(path: Path, default_source: str, *, clear_empty=False, out_of_area=SKIP) -> Plan:
    checker = _checker()
    plan = checker.plan
    if path.suffix.lower() == ".csv":  # read row by row (planned whole: a structure's rows may lie apart)
        problem = _utf8_problem(path)
        if problem is not None:
            plan.errors.append(problem)
            return plan
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                plan_csv(handle, checker, default_source, clear_empty)
        except csv.Error:
            plan.errors.append(RowError("fichier", "-", "CSV mal formé (guillemets ou séparateurs)"))
        _serve(plan, checker, out_of_area)
        return plan
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        plan.errors.append(RowError("fichier", "-", f"encodage UTF-8 attendu (octet {exc.start} illisible)"))
        return plan
    except OSError:
        plan.errors.append(RowError("fichier", "-", f"lecture impossible : « {path} » absent ou illisible"))
        return plan
    if path.suffix.lower() == ".json":
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            plan.errors.append(RowError(f"ligne {exc.lineno}", "-", f"JSON mal formé (colonne {exc.colno})"))
            return plan
        plan_json(payload, checker, default_source, clear_empty)
    else:
        plan.errors.append(RowError("fichier", "-", "extension attendue : .json (data·inclusion) ou .csv"))
    _serve(plan, checker, out_of_area)
    return plan


def existing_records(plan: Plan) -> dict[tuple, Organisation]:
    """The directory's records for the file's (source, source id) keys, and its own records named by the ids it
    minted (``relais--structure-12``), in two queries."""
    keys = set(plan.structures) | {spec["structure"] for spec in plan.services.values()}
    found = {}
    if keys:
        candidates = Organisation.objects.filter(source__in={s for s, _i in keys}, source_id__in={i for _s, i in keys})
        found = {(o.source, o.source_id): o for o in candidates if (o.source, o.source_id) in keys}
    own = {own_pk(source_id, "structure"): (source, source_id) for source, source_id in keys
           if own_pk(source_id, "structure") and (source, source_id) not in found}
    for organisation in Organisation.objects.filter(pk__in=list(own), source_id=""):
        found[own[organisation.pk]] = organisation
    return found


def _chunks(values, size=2000):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _served_by(organisations) -> dict[int, set[int]]:
    """{organisation id: ids of the territories it serves}, one query per 2,000 organisations."""
    through = Organisation.territories.through
    out: dict[int, set[int]] = {}
    for chunk in _chunks(o.pk for o in organisations):
        for org_id, territory_id in through.objects.filter(organisation_id__in=chunk).values_list(
                "organisation_id", "territory_id"):
            out.setdefault(org_id, set()).add(territory_id)
    return out


def _services_of(organisations) -> dict[tuple, Service]:
    """The services of these organisations by (organisation id, source id), and by (organisation id, "pk", pk)
    for those made here (their exported id is ``relais--service-<pk>``)."""
    out: dict[tuple, Service] = {}
    for chunk in _chunks(o.pk for o in organisations):
        for service in Service.objects.filter(organisation_id__in=chunk):
            key = (service.organisation_id, service.source_id) if service.source_id else (
                service.organisation_id, "pk", service.pk)
            out[key] = service
    return out


def _changes(obj, fields: dict) -> list[str]:
    return [name for name, value in fields.items() if getattr(obj, name) != value]


def _stamp(stamps: dict, obj, day, touched: bool) -> None:
    """Note ``obj`` for its producer's ``date_maj``: when this import wrote it, or when the producer's is newer."""
    if day is not None and obj.pk is not None and (touched or day > timezone.localdate(obj.updated_at)):
        stamps.setdefault(day, []).append(obj.pk)


def _write_stamps(model, stamps: dict) -> None:
    """``updated_at`` (the exported ``date_maj``) set to the producer's day, at noon so that it stays that day in
    any time zone of France: one query per day and 2,000 records."""
    for day, pks in stamps.items():
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
        for chunk in _chunks(pks):
            model.objects.filter(pk__in=chunk).update(updated_at=moment)


BATCH = 500  # records written per bulk query


class _Writer:
    """The writes of one import, in bulk: records created with ``bulk_create`` and changed with ``bulk_update``,
    ``BATCH`` at a time, with their history (``directory.history``) and served territories. Bulk writes send no
    save signals: the search documents they touch are handed to ``search.indexing.refresh_after_commit`` (the
    import's ``deferred_updates`` block records them in the outbox and queues them once, after the commit), and
    ``directory.signals.records_imported`` tells the other apps once at the end. Wagtail's reference index (what
    the admin's usage counts read) is fed by a background task queued after the commit
    (``tasks.index_references``), for every record written."""

    def __init__(self):
        self.stamps = {Organisation: {}, Service: {}}
        self.organisations: list[tuple] = []  # (organisation, spec, changed field names or None if new, served)
        self.services: list[tuple] = []  # (service, spec, changed field names or None if new)
        self.organisations_written = self.services_written = 0
        self.written = {Organisation: [], Service: []}  # pks whose references Wagtail's index is owed

    def organisation(self, organisation, spec, changed=None, served=None, service_pks=()) -> None:
        """A new organisation (``changed`` None) or one whose ``changed`` fields or territories move."""
        self.organisations.append((organisation, spec, changed, served or set()))
        if service_pks:
            refresh_after_commit([documents.SERVICES.key(pk) for pk in service_pks])
        if len(self.organisations) >= BATCH:
            self.flush_organisations()

    def service(self, service, spec, changed=None) -> None:
        self.services.append((service, spec, changed))
        if len(self.services) >= BATCH:
            self.flush_services()

    def flush_organisations(self) -> None:
        from directory import history

        batch, self.organisations = self.organisations, []
        if not batch:
            return
        created = [o for o, _spec, changed, _served in batch if changed is None]
        changed = [(o, spec, names) for o, spec, names, _served in batch if names]
        before = {o.pk: history.snapshot(o) for o, _spec, _names in changed}
        for organisation, spec, names in changed:
            for name in names:
                setattr(organisation, name, spec["fields"][name])
        # what Organisation.save() does: a unique slug, the commune's centre when no coordinates are given
        for organisation, slug in zip(created, unique_slugs(Organisation, [o.name for o in created], max_length=150,
                                                            fallback="fiche"), strict=True):
            organisation.slug = slug
        located = [o for o in created + [o for o, _s, _n in changed]
                   if o.commune_id and (o.latitude is None or o.longitude is None)]
        centres = {pk: (lat, lon) for pk, lat, lon in Territory.objects.filter(
            pk__in={o.commune_id for o in located}).values_list("pk", "latitude", "longitude")} if located else {}
        for organisation in located:
            latitude, longitude = centres.get(organisation.commune_id, (None, None))
            organisation.latitude = organisation.latitude if organisation.latitude is not None else latitude
            organisation.longitude = organisation.longitude if organisation.longitude is not None else longitude
        entries = []
        if created:
            Organisation.objects.bulk_create(created, batch_size=BATCH)
            entries += [history.entry(o, ChangeRecord.Action.CREATE, history.created_changes(o)) for o in created]
        if changed:
            now = timezone.now()
            fields = {"updated_at", "latitude", "longitude"}
            for organisation, _spec, names in changed:
                organisation.updated_at = now
                fields.update(names)
            Organisation.objects.bulk_update([o for o, _s, _n in changed], sorted(fields), batch_size=BATCH)
            for organisation, _spec, _names in changed:
                old = before[organisation.pk]
                changes = {k: [old.get(k), v] for k, v in history.snapshot(organisation).items() if old.get(k) != v}
                if changes:
                    entries.append(history.entry(organisation, ChangeRecord.Action.EDIT, changes))
        # served territories: rows removed then added, as ``territories.set()`` does, each move in the history
        moves = [(o, set(spec["territories"]), served) for o, spec, _names, served in batch
                 if spec["territories"] is not None and set(spec["territories"]) != served]
        names = dict(Territory.objects.filter(pk__in={pk for _o, wanted, served in moves for pk in wanted ^ served})
                     .values_list("pk", "name")) if moves else {}
        through = Organisation.territories.through
        for organisation, wanted, served in moves:
            if served - wanted:
                through.objects.filter(organisation_id=organisation.pk, territory_id__in=served - wanted).delete()
                entries.append(history.entry(organisation, ChangeRecord.Action.EDIT, history.territories_change(
                    False, [names[pk] for pk in served - wanted])))
        through.objects.bulk_create([through(organisation_id=o.pk, territory_id=pk) for o, wanted, served in moves
                                     for pk in sorted(wanted - served)], batch_size=2000)
        entries += [history.entry(o, ChangeRecord.Action.EDIT, history.territories_change(
            True, [names[pk] for pk in wanted - served])) for o, wanted, served in moves if wanted - served]
        history.record_many(entries)
        for organisation, spec, names, _served in batch:
            if names is None:
                _stamp(self.stamps[Organisation], organisation, spec.get("date_maj"), True)
        refresh_after_commit([documents.ORGANISATIONS.key(organisation.pk) for organisation, *_rest in batch])
        self.written[Organisation] += [o.pk for o in created] + [o.pk for o, _spec, _names in changed]
        self.organisations_written += len(batch)

    def flush_services(self) -> None:
        from directory import history
        from directory.models import write_codes

        self.flush_organisations()  # the organisations of new services have their keys
        batch, self.services = self.services, []
        if not batch:
            return
        created = [s for s, _spec, changed in batch if changed is None]
        changed = [(s, spec, names) for s, spec, names in batch if names]
        entries = []
        for service in created:
            service.organisation = service.organisation  # its id, now that the organisation is written
        if created:
            Service.objects.bulk_create(created, batch_size=BATCH)  # with their code rows (ServiceCode)
            entries += [history.entry(s, ChangeRecord.Action.CREATE, history.created_changes(s)) for s in created]
        if changed:
            now = timezone.now()
            before = {s.pk: history.snapshot(s) for s, _spec, _names in changed}
            fields = {"publics_index", "updated_at"}
            for service, spec, names in changed:
                for name in names:
                    setattr(service, name, spec["fields"][name])
                service.refresh_indexes()
                service.updated_at = now
                fields.update(names)
            Service.objects.bulk_update([s for s, _spec, _names in changed], sorted(fields), batch_size=BATCH)
            write_codes([s for s, _spec, names in changed if {"thematiques", "zone_eligibilite"} & set(names)],
                        replace=True)
            for service, _spec, _names in changed:
                old = before[service.pk]
                changes = {k: [old.get(k), v] for k, v in history.snapshot(service).items() if old.get(k) != v}
                if changes:
                    entries.append(history.entry(service, ChangeRecord.Action.EDIT, changes))
        history.record_many(entries)
        for service, spec, names in batch:
            if names is None:
                _stamp(self.stamps[Service], service, spec.get("date_maj"), True)
        refresh_after_commit([key for service, _spec, _names in batch for key in (
            documents.SERVICES.key(service.pk), documents.ORGANISATIONS.key(service.organisation_id))])
        self.written[Service] += [s.pk for s in created] + [s.pk for s, _spec, _names in changed]
        self.services_written += len(batch)

    def finish(self) -> None:
        from directory import tasks
        from directory.signals import records_imported

        self.flush_services()
        for model, pks in self.written.items():
            if pks:
                label = model._meta.label
                transaction.on_commit(lambda label=label, pks=pks: tasks.index_references.enqueue(label, pks))
        if self.organisations_written or self.services_written:
            records_imported.send(sender=Organisation, organisations=self.organisations_written,
                                  services=self.services_written)


def apply_plan(plan: Plan, *, dry_run=False, status=Organisation.Status.PUBLISHED, attached=None) -> ImportResult:
    """Write a plan without errors in one transaction (nothing with ``dry_run``). ``attached``: {(source, source
    id): Organisation} for keys that name another record than their own (a national record merged into a local
    one): their services go to that record. A structure's spec may carry its own ``status`` for creation.
    ``result.organisations`` gives each written or unchanged structure's organisation by key."""
    result = ImportResult(errors=plan.errors, warnings=[*map(str, plan.warnings), *plan.once_lines()])
    existing = {**existing_records(plan), **(attached or {})}
    orphans = _orphans(plan, existing, result)
    if plan.errors:
        return result
    from search.indexing import deferred_updates

    # The index updates the import owes are recorded in the outbox in the same transaction as the rows: an
    # import stopped right after its commit still has them queued (search_index --sync indexes them).
    with transaction.atomic(), acting_as(None, action=ChangeRecord.Action.IMPORT), deferred_updates():
        writer = _Writer()
        result.organisations = _apply(plan, result, writer, existing, orphans, set(), dry_run=dry_run, status=status)
        if dry_run:
            transaction.set_rollback(True)
        else:
            writer.finish()
        if dry_run:
            result.organisations = {}
    return result


def _orphans(plan: Plan, existing: dict, result: ImportResult, known=frozenset()) -> set:
    """Services whose structure is neither in the file (``known``: the rest of a streamed file) nor in the
    directory: skipped, each with a warning."""
    orphans = set()
    for key, spec in plan.services.items():
        structure = spec["structure"]
        if structure not in plan.structures and structure not in existing and structure not in known:
            # A services file after a structures file whose out-of-area records were skipped: skipped in turn.
            orphans.add(key)
            result.warnings.append(str(RowError(
                spec["row"], "structure_id", f"structure « {structure[1]} » (source {structure[0]}) "
                                             "absente de l'annuaire : service ignoré")))
    return orphans


def _apply(plan: Plan, result: ImportResult, writer: _Writer, existing: dict, orphans: set, skipped: set, *,
           dry_run: bool, status) -> dict:
    """Count and hand to ``writer`` what the plan changes; ``skipped``: the structures left out (out of area),
    kept across the chunks of a streamed file. Gives the organisations of the plan's structures by key."""
    organisations = {}
    stamps = {Organisation: {}, Service: {}}  # the records' own date_maj, written last
    writer.stamps = stamps
    served = _served_by(existing.values())
    services = _services_of(existing.values())
    by_pk = {o.pk: o for o in existing.values()}
    service_pks: dict[int, list[int]] = {}
    for service in services.values():
        if service.organisation_id in by_pk:
            service.organisation = by_pk[service.organisation_id]
        service_pks.setdefault(service.organisation_id, []).append(service.pk)
    for key, spec in plan.structures.items():
        fields = dict(spec["fields"])
        if spec.get("out_of_area") == SKIP:
            result.skipped_organisations += 1
            skipped.add(key)
            continue
        organisation = existing.get(key)
        if organisation is None:
            result.created_organisations += 1
            if dry_run:
                continue
            organisation = Organisation(source=key[0], source_id=key[1], status=spec.get("status", status))
            for name, value in fields.items():
                setattr(organisation, name, value)
            writer.organisation(organisation, spec)
        else:
            changed = _changes(organisation, fields)
            wanted = spec["territories"]
            moved = wanted is not None and set(wanted) != served.get(organisation.pk, set())
            _stamp(stamps[Organisation], organisation, spec.get("date_maj"), bool(changed))
            if not changed and not moved:
                result.unchanged_organisations += 1
                organisations[key] = organisation
                continue
            result.updated_organisations += 1
            if dry_run:
                continue
            writer.organisation(organisation, spec, changed, served.get(organisation.pk, set()),
                                service_pks.get(organisation.pk, ()))
        organisations[key] = organisation
    for key, spec in plan.services.items():
        if spec["structure"] in skipped or key in orphans:
            result.skipped_services += 1
            continue
        organisation = organisations.get(spec["structure"]) or existing.get(spec["structure"])
        service = None
        if organisation is not None and organisation.pk is not None:
            own_service = own_pk(spec["service_id"], "service")
            service = services.get((organisation.pk, "pk", own_service) if own_service else
                                   (organisation.pk, spec["service_id"]))
        if service is None:
            result.created_services += 1
            if dry_run:
                continue
            service = Service(organisation=organisation, source_id=spec["service_id"],
                              source=spec["source"] if spec["source"] != spec["structure"][0] else "")
            for name, value in spec["fields"].items():
                setattr(service, name, value)
            writer.service(service, spec)
            continue
        changed = _changes(service, spec["fields"])
        if not dry_run:
            _stamp(stamps[Service], service, spec.get("date_maj"), bool(changed))
        if not changed:
            result.unchanged_services += 1
            continue
        result.updated_services += 1
        if dry_run:
            continue
        writer.service(service, spec, changed)
    if not dry_run:
        writer.flush_services()
        for model, dated in stamps.items():
            _write_stamps(model, dated)
    return organisations


def import_file(path, *, dry_run=False, source="import", status=Organisation.Status.PUBLISHED, clear_empty=False,
                out_of_area=SKIP) -> ImportResult:
    path = Path(path)
    if path.suffix.lower() == ".json":
        return import_json(path, dry_run=dry_run, default_source=source, status=status, clear_empty=clear_empty,
                           out_of_area=out_of_area)
    if path.suffix.lower() == ".csv":
        return import_csv(path, dry_run=dry_run, default_source=source, status=status, clear_empty=clear_empty,
                          out_of_area=out_of_area)
    plan = build_plan(path, source, clear_empty=clear_empty, out_of_area=out_of_area)
    return apply_plan(plan, dry_run=dry_run, status=status)


# --- a data·inclusion JSON file, streamed -------------------------------------------------------------------
CHUNK = 500  # records of a streamed file planned and written at a time
_ADDRESS = [mapping for mapping in JSON_STRUCTURE if mapping[1] in SERVICE_ADDRESS]


def _utf8_problem(path: Path) -> RowError | None:
    """The file's first byte that is not UTF-8, read 64 KiB at a time."""
    decoder, offset = codecs.getincrementaldecoder("utf-8")(), 0
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 16):  # 64 KiB: a block and its text are all it holds
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    return RowError("fichier", "-", f"encodage UTF-8 attendu (octet {offset + exc.start} illisible)")
                offset += len(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return RowError("fichier", "-", f"encodage UTF-8 attendu (octet {offset} illisible)")
    except OSError:
        return RowError("fichier", "-", f"lecture impossible : « {path} » absent ou illisible")
    return None


def _json_handle(path: Path):
    handle = path.open("rb")
    if handle.read(3) != codecs.BOM_UTF8:
        handle.seek(0)
    return handle


def _json_events(path: Path):
    with _json_handle(path) as handle:
        yield from ijson.parse(handle, use_float=True)


def _json_items(path: Path, prefix: str):
    """The records under ``prefix`` (``structures.item``), one at a time."""
    with _json_handle(path) as handle:
        yield from ijson.items(handle, prefix, use_float=True)


MALFORMED_READ_LIMIT = 64 << 20  # bytes: a broken file this small is read whole to say where it breaks


def _malformed(path: Path) -> RowError:
    """Where the JSON breaks, as the standard library says it (the file is read whole only in that case, and only
    when it is small: a broken national file of hundreds of megabytes is only said to be broken)."""
    if path.stat().st_size > MALFORMED_READ_LIMIT:
        return RowError("fichier", "-", "JSON mal formé")
    try:
        json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        return RowError(f"ligne {exc.lineno}", "-", f"JSON mal formé (colonne {exc.colno})")
    return RowError("fichier", "-", "JSON mal formé")


def _batched(items, size: int):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _prefix(index: FileIndex, kind: str) -> str | None:
    if not index.kind:
        return f"{kind}.item"
    return "item" if kind == index.kind else None


def index_json(path: Path, checker: Checker, default_source: str, clear_empty: bool) -> FileIndex | None:
    """The first, light pass over a data·inclusion file (``FileIndex``); None when its root is neither an object
    nor a list. Raises ``ijson.JSONError`` on malformed JSON."""
    index = FileIndex()
    root = next((event for _prefix, event, _value in _json_events(path)), "")
    if root == "start_array":
        seen = False
        index.kind = "services"
        for item in _json_items(path, "item"):
            seen = True
            if not (isinstance(item, dict) and "structure_id" in item):
                index.kind = "structures"
                break
        index.kind = index.kind if seen else "structures"
    elif root != "start_map":
        return None
    scratch = Checker(Plan(), checker.communes, checker.known)  # converts addresses and areas; reports nothing
    prefix = _prefix(index, "structures")
    for position, item in enumerate(_json_items(path, prefix) if prefix else (), start=1):
        if not isinstance(item, dict):
            continue
        data = v0.structure_to_v1(item).data if v0.is_v0(item, "structure") else item
        source_id = str(data.get("id") or "").strip()
        if not source_id:
            continue
        key = (str(data.get("source") or default_source).strip(), source_id)
        if key in index.addresses:
            index.repeated_structures.add(position)
            continue
        index.addresses[key] = _read_fields(scratch, "", data, _ADDRESS, Organisation, clear_empty)[0]
        index.by_id.setdefault(source_id, []).append(key)
    plan, seen_services = Plan(index=index), set()
    prefix = _prefix(index, "services")
    for position, item in enumerate(_json_items(path, prefix) if prefix else (), start=1):
        if not isinstance(item, dict):
            continue
        data = v0.service_to_v1(item, vocabulary.is_valid_theme).data if v0.is_v0(item, "service") else item
        service_id, structure_id = (str(data.get(name) or "").strip() for name in ("id", "structure_id"))
        if not service_id or not structure_id:
            continue
        structure = _structure_key(plan, str(data.get("source") or default_source).strip(), structure_id)
        _index_service(index, seen_services, scratch, position, structure, service_id, data.get("zone_eligibilite"))
    return index


def _index_service(index: FileIndex, seen: set, scratch: Checker, position: int, structure: tuple, service_id: str,
                   zone) -> None:
    """A service met by a first pass: its position when its id was met before, else its areas (its structure
    serves them)."""
    marker = hash((structure, service_id))  # 8 bytes a service, not its key
    if marker in seen:
        index.repeated_services.add(position)
        return
    seen.add(marker)
    if not _empty(zone):
        index.zones.setdefault(structure, set()).update(scratch.zone("", "", zone))


def import_json(path: Path, *, dry_run=False, default_source="import", status=Organisation.Status.PUBLISHED,
                clear_empty=False, out_of_area=SKIP) -> ImportResult:
    """A data·inclusion file read as a stream, ``CHUNK`` records at a time, so that memory does not grow with the
    file: a light first pass (``index_json``), then the structures and the services, each chunk planned (every
    check of ``plan_json``) and written in one transaction. An error stops the writing (the transaction is rolled
    back: nothing is written) but not the checks, so that every error is reported, as ``build_plan`` does."""
    result, checker = ImportResult(), _checker()
    problem = _utf8_problem(path)
    if problem is None:
        try:
            index = index_json(path, checker, default_source, clear_empty)
        except ijson.JSONError:
            problem = _malformed(path)
        else:
            if index is None:
                problem = RowError("fichier", "racine", "un objet {\"structures\": [...], \"services\": [...]} est "
                                                        "attendu")
    if problem is not None:
        result.errors.append(problem)
        return result
    planners = {"structures": plan_structure, "services": plan_service}

    def records(kind):
        prefix = _prefix(index, kind)
        return enumerate(_json_items(path, prefix) if prefix else (), start=1)

    def plan_record(kind, chunk_checker, record):
        position, item = record
        planners[kind](chunk_checker, position, item, default_source, clear_empty)

    return _write_streamed(records, plan_record, checker, index, result, out_of_area=out_of_area, dry_run=dry_run,
                           status=status)


def _write_streamed(records, plan_record, checker: Checker, index: FileIndex, result: ImportResult, *,
                    out_of_area, dry_run, status) -> ImportResult:
    """The second pass over a streamed file, once its first pass (``index``) is done: ``records(kind)`` yields its
    structures, then its services, ``CHUNK`` at a time planned by ``plan_record(kind, checker, record)`` (every
    check) and written, all in one transaction. An error stops the writing (the transaction is rolled back:
    nothing is written) but not the checks, so that every error is reported."""
    from search.indexing import deferred_updates

    once, skipped = Counter(), set()
    with transaction.atomic(), acting_as(None, action=ChangeRecord.Action.IMPORT), deferred_updates():
        writer = _Writer()
        for kind in ("structures", "services"):
            for chunk in _batched(records(kind), CHUNK):
                plan = Plan(once=once, index=index)
                chunk_checker = Checker(plan, checker.communes, checker.known)
                for record in chunk:
                    plan_record(kind, chunk_checker, record)
                if kind == "structures":
                    _serve(plan, chunk_checker, out_of_area)
                result.errors += plan.errors
                result.warnings += map(str, plan.warnings)
                existing = existing_records(plan)
                orphans = _orphans(plan, existing, result, index.addresses)
                if not result.errors:
                    _apply(plan, result, writer, existing, orphans, skipped, dry_run=dry_run, status=status)
        if result.errors or dry_run:
            transaction.set_rollback(True)
        else:
            writer.finish()
    result.warnings += Plan(once=once).once_lines()
    if result.errors:
        return ImportResult(errors=result.errors, warnings=result.warnings)
    return result


# --- a CSV file, streamed ------------------------------------------------------------------------------------
def index_csv(path: Path, checker: Checker, default_source: str) -> FileIndex | None:
    """The first, light pass over a CSV file: each structure's key and the line that names it first, its services'
    areas, and the lines of a service id seen before (``FileIndex``); the header's and the rows' own errors
    (extra cells, no structure id) go to ``checker``. None when the header is refused. Raises ``csv.Error`` on
    a malformed file."""
    index = FileIndex(kind="csv")
    scratch = Checker(Plan(), checker.communes, checker.known)  # converts areas; reports nothing
    seen_services = set()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not _csv_header(reader, checker):
            return None
        for line, _row, data, key in _csv_rows(reader, checker, default_source):
            if key not in index.addresses:
                index.addresses[key] = {}  # CSV services carry no address of their own to compare
                index.by_id.setdefault(key[1], []).append(key)
                index.first_lines.add(line)
            service_id = (data.get("service_id") or "").strip()
            if service_id:
                _index_service(index, seen_services, scratch, line, key, service_id, data.get("zone_eligibilite"))
    return index


def import_csv(path: Path, *, dry_run=False, default_source="import", status=Organisation.Status.PUBLISHED,
               clear_empty=False, out_of_area=SKIP) -> ImportResult:
    """A CSV file read as a stream, as ``import_json`` reads a data·inclusion file: a light first pass
    (``index_csv``), then the structures (each from the row that names it first) and the services, ``CHUNK``
    rows at a time, each chunk planned and written in the one transaction; every error is reported, and any
    error writes nothing."""
    result, checker = ImportResult(), _checker()
    problem = _utf8_problem(path)
    index = None
    if problem is None:
        try:
            index = index_csv(path, checker, default_source)
        except csv.Error:
            problem = RowError("fichier", "-", "CSV mal formé (guillemets ou séparateurs)")
    if problem is not None or index is None:
        result.errors += [problem] if problem is not None else checker.plan.errors
        return result
    result.errors += checker.plan.errors  # the header's unknown columns, rows without a structure id

    def records(kind):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for item in _csv_rows(csv.DictReader(handle), None, default_source):  # refused rows: told by index_csv
                if kind == "services" or item[0] in index.first_lines:  # a structure from its first line
                    yield item

    def plan_record(kind, chunk_checker, record):
        line, row, data, key = record
        if kind == "structures":
            plan_csv_structure(chunk_checker, row, data, key, clear_empty)
        else:
            plan_csv_service(chunk_checker, row, data, key, clear_empty, repeated=line in index.repeated_services)

    return _write_streamed(records, plan_record, checker, index, result, out_of_area=out_of_area, dry_run=dry_run,
                           status=status)
