"""The national data·inclusion dataset: the département's slice of it, its provenance, its duplicates of local
records, and the département's decision on each suspected duplicate.

data·inclusion publishes on data.gouv.fr every producer's records as one ``structures.json`` and one
``services.json`` (lists of v1 records; the CSV and Parquet copies hold the same). ``pull`` reads those files
from disk (never the network: the scheduler downloads them first) and writes the site's slice through the
import (directory.importing: identity (source, id), unchanged records not saved, served territories from
``zone_eligibilite``). On top of the import:

- **Slice**: a structure is kept when its commune, or the area of one of its services (commune, EPCI,
  département), lies in a département the site holds; ``france`` alone does not count. Records of our own
  source published back (``relais--…``) are skipped.
- **A bad record is left out** with its reason (the import would refuse the whole file).
- **Provenance**: each structure's producer, id, ``date_maj`` and link (``Provenance``), shown in the admin and
  on the public page.
- **Duplicates**: a structure new to the directory is compared with the records already there: the same SIRET
  first, else a close name and address in the same commune (stdlib ``difflib`` on normalised words). A suspected
  duplicate is created as a draft and listed for the département (``SuspectedDuplicate``), who merges the pair
  (``merge``: the local record stays and takes the national one's services and provenance) or keeps it apart
  (``keep_apart``: the national record is published).
- **Merged records**: a structure whose provenance points to another record (merged into it) updates only that
  provenance and its services, never the local record's own fields.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path

import ijson
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from directory import history, importing, territories
from directory.datainclusion import source_name
from directory.history import acting_as
from directory.models import ChangeRecord, ErrorReport, Organisation, Provenance, SuspectedDuplicate, Territory

STRUCTURES_FILE, SERVICES_FILE = "structures.json", "services.json"
DEFAULT_SOURCE = "data-inclusion"  # a record without ``source`` (the national files always give one)

# Name and address similarity: both on normalised words (accents, case, punctuation, small words, usual
# abbreviations of street types), compared in sorted order so that word order does not count.
NAME_MIN = 0.75  # below this, two names are different partners whatever their address
NAME_ADDRESS_MIN = 0.8  # weighted score (name 60 %, address 40 %) from which a pair is suspected
NAME_ONLY_MIN = 0.9  # when one of them has no address: the name alone, in the same commune
MAX_MATCHES = 3  # suspected duplicates kept per national record, best first

_SMALL_WORDS = {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les"}
_ABBREVIATIONS = {"av": "avenue", "ave": "avenue", "bd": "boulevard", "bld": "boulevard", "bvd": "boulevard",
                  "r": "rue", "pl": "place", "st": "saint", "ste": "sainte", "ch": "chemin", "chem": "chemin",
                  "imp": "impasse", "rte": "route", "fg": "faubourg", "all": "allee", "sq": "square",
                  "res": "residence", "qu": "quai"}


class DatasetError(Exception):
    """The files cannot be read as the national dataset (French message)."""


class DecisionError(Exception):
    """The decision cannot be taken (already decided…); French message."""


@dataclass
class Match:
    key: tuple  # the national record's (source, id)
    organisation: Organisation  # the record already in the directory
    score: float
    reason: str
    detail: str


@dataclass
class PullResult:
    imported: importing.ImportResult
    kept: int = 0  # structures of the site's départements
    outside: int = 0  # structures outside them
    own: int = 0  # our own records, published back
    attached: int = 0  # structures merged into a local record earlier
    invalid: list = field(default_factory=list)  # RowError of the records left out
    matches: list = field(default_factory=list)  # new suspected duplicates (Match)
    pending: int = 0  # suspected duplicates awaiting a decision after the pull

    def line(self, dry_run: bool) -> str:
        r = self.imported
        prefix = "Simulation (rien n'est écrit) : " if dry_run else ""
        return (f"{prefix}données nationales : {self.kept} structure(s) du département, {self.outside} hors "
                f"département ignorée(s) ; {r.created_organisations} organisation(s) créée(s), "
                f"{r.updated_organisations} mise(s) à jour, {r.unchanged_organisations} inchangée(s), "
                f"{self.attached} rattachée(s) à une fiche locale ; {r.created_services} service(s) créé(s), "
                f"{r.updated_services} mis à jour, {r.unchanged_services} inchangé(s) ; {len(self.matches)} "
                f"nouveau(x) doublon(s) présumé(s), {self.pending} à examiner ; {len(self.invalid)} fiche(s) en "
                "erreur écartée(s).")


# --- Reading the files: the département's slice, streamed -------------------------------------------------
# The national files hold every producer's records (hundreds of megabytes): they are read as streams (ijson),
# three passes, and only the slice is ever held (a département's records, what the import then plans).

SERVICES_BATCH = 1000  # services whose new area codes are looked up together (one query when an EPCI is among them)


def _dataset_files(paths) -> list[tuple[Path, str]]:
    """(path, what it holds: "structures", "services" or "both") of the national files, given one by one or by
    their folder."""
    files = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = [path / name for name in (STRUCTURES_FILE, SERVICES_FILE) if (path / name).is_file()]
            if not found:
                raise DatasetError(f"« {path} » ne contient ni {STRUCTURES_FILE} ni {SERVICES_FILE}")
            files.extend(found)
        else:
            files.append(path)
    for path in files:
        if path.suffix.lower() != ".json":
            raise DatasetError(f"« {path.name} » : la forme JSON du jeu national est attendue ({STRUCTURES_FILE}, "
                               f"{SERVICES_FILE})")
        problem = importing._utf8_problem(path)
        if problem is not None:
            raise DatasetError(f"« {path.name} » : {problem.message}")
    return [(path, _holds(path)) for path in files]


def _holds(path: Path) -> str:
    """A list of services (its records name their ``structure_id``), of structures, or an object with both."""
    with _reading(path):
        events = importing._json_events(path)
        root = next((event for _prefix, event, _value in events), "")
        if root == "start_array":
            first = next((item for item in importing._json_items(path, "item") if isinstance(item, dict)), {})
            return "services" if "structure_id" in first else "structures"
        if root == "start_map":
            keys = {value for prefix, event, value in events if prefix == "" and event == "map_key"}
            if {"structures", "services"} & keys:
                return "both"
    raise DatasetError(f"« {path.name} » : une liste de structures ou de services est attendue")


@contextmanager
def _reading(path: Path):
    """Turns a broken file met while streaming into a French ``DatasetError``."""
    try:
        yield
    except ijson.JSONError:
        where = importing._malformed(path)
        place = f", {where.row}" if where.row.startswith("ligne") else ""
        raise DatasetError(f"« {path.name} »{place} : {where.message}") from None


def _records(files, kind: str):
    """Every item of ``kind`` ("structures" or "services") in the files, one at a time."""
    for path, holds in files:
        if holds in (kind, "both"):
            with _reading(path):
                yield from importing._json_items(path, "item" if holds == kind else f"{kind}.item")


def site_departements() -> set[str]:
    """The départements whose territories the site holds (``load_territories``)."""
    return set(Territory.objects.filter(kind=Territory.Kind.DEPARTEMENT).values_list("code", flat=True))


def _text(value) -> str:
    return str(value or "").strip()


def _structure_key(item: dict) -> tuple[str, str]:
    return _text(item.get("source")) or DEFAULT_SOURCE, _text(item.get("id"))


def _service_structure_key(item: dict) -> tuple[str, str]:
    return _text(item.get("source")) or DEFAULT_SOURCE, _text(item.get("structure_id"))


def _zone(service: dict) -> list[str]:
    codes = service.get("zone_eligibilite") or service.get("zone_diffusion_code") or []
    codes = codes if isinstance(codes, list) else [codes]
    return [_text(code) for code in codes if _text(code) and _text(code).lower() not in territories.NATIONAL_CODES]


def _known_keys() -> set[tuple[str, str]]:
    """(source, id) of the records the directory already holds, itself or as an alias."""
    own = Organisation.objects.exclude(source_id="").values_list("source", "source_id")
    return set(own) | set(Provenance.objects.values_list("source", "source_id"))


def _served_inside(files, departements: set[str]) -> set[tuple[str, str]]:
    """Keys of the structures with a service whose area lies in one of the départements (first pass). Only
    each service's key and codes are kept until its batch's new codes are looked up."""
    lies_in: dict[str, set[str]] = {}  # area code → its départements; bounded by the country's codes
    inside, pending = set(), []

    def settle():
        new = {code for _key, codes in pending for code in codes} - lies_in.keys()
        lies_in.update(territories.departements_by_code(new) if new else {})
        inside.update(key for key, codes in pending if any(lies_in[code] & departements for code in codes))
        pending.clear()

    for service in _records(files, "services"):
        if not isinstance(service, dict):
            continue
        codes = _zone(service)
        if codes:
            pending.append((_service_structure_key(service), codes))
        if len(pending) == SERVICES_BATCH:
            settle()
    settle()
    return inside


def read_slice(paths, departements: set[str]) -> tuple[dict, Counter]:
    """``{"structures": [...], "services": [...]}``: the structures of ``departements`` and their services (a
    service whose structure is not in the files: kept when the directory holds that structure), with the counts
    of what was left aside. Three streamed passes: the services' areas, the structures, their services."""
    files = _dataset_files(paths)
    counts = Counter()
    own = source_name()
    inside = _served_inside(files, departements)
    known = _known_keys()
    kept, known_present = set(), set()
    out = {"structures": [], "services": []}
    for item in _records(files, "structures"):
        if not isinstance(item, dict):
            continue
        key = _structure_key(item)
        if key in known:
            known_present.add(key)
        if key[0] == own:
            counts["own"] += 1
            continue
        commune = _text(item.get("code_insee")).upper()
        if not ((commune and territories.departement_of_code(commune) in departements) or key in inside):
            counts["outside"] += 1
            continue
        kept.add(key)
        out["structures"].append(item)
    elsewhere = known - known_present  # held here, absent from the structures file: their services still come
    for service in _records(files, "services"):
        if isinstance(service, dict):
            key = _service_structure_key(service)
            if key in kept or (key in elsewhere and key[0] != own):
                out["services"].append(service)
    counts["kept"] = len(out["structures"])
    return out, counts


# --- Provenance --------------------------------------------------------------------------------------------

def _date(value) -> date | None:
    try:
        return date.fromisoformat(_text(value)[:10])
    except ValueError:
        return None


def _link(value) -> str:
    text = _text(value)
    return text if text.startswith(("https://", "http://")) and len(text) <= 500 else ""


def _provenance_of(structures) -> dict[tuple, tuple]:
    return {_structure_key(item): (_date(item.get("date_maj")), _link(item.get("lien_source")))
            for item in structures}


def _write_provenance(meta: dict, organisations: dict) -> int:
    """Create or update each record's provenance (only what changed); return how many rows were written."""
    written = 0
    current = {(p.source, p.source_id): p for p in Provenance.objects.filter(
        source__in={s for s, _i in meta}, source_id__in={i for _s, i in meta})}
    for key, (date_maj, link) in meta.items():
        organisation = organisations.get(key)
        if organisation is None or organisation.pk is None:
            continue
        row = current.get(key)
        if row is None:
            Provenance.objects.create(organisation=organisation, source=key[0], source_id=key[1], date_maj=date_maj,
                                      lien_source=link)
            written += 1
        elif (row.organisation_id, row.date_maj, row.lien_source) != (organisation.pk, date_maj, link):
            row.organisation, row.date_maj, row.lien_source = organisation, date_maj, link
            row.save(update_fields=["organisation", "date_maj", "lien_source"])
            written += 1
    return written


def _attached(plan: importing.Plan) -> dict[tuple, Organisation]:
    """Keys whose provenance points to another record than their own: merged into it."""
    keys = set(plan.structures) | {spec["structure"] for spec in plan.services.values()}
    if not keys:
        return {}
    rows = Provenance.objects.select_related("organisation").filter(
        source__in={s for s, _i in keys}, source_id__in={i for _s, i in keys})
    return {(row.source, row.source_id): row.organisation for row in rows
            if (row.source, row.source_id) in keys
            and (row.organisation.source, row.organisation.source_id) != (row.source, row.source_id)}


# --- Duplicates --------------------------------------------------------------------------------------------

def normalise(text: str) -> str:
    """Lower case ASCII words without small words, usual abbreviations spelt out, in sorted order:
    « Mission Locale d'Arras » and « ARRAS - mission locale » both give « arras locale mission »."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    words = [_ABBREVIATIONS.get(word, word) for word in re.findall(r"[a-z0-9]+", ascii_text)]
    return " ".join(sorted(word for word in words if word not in _SMALL_WORDS))


def similarity(first: str, second: str) -> float:
    first, second = normalise(first), normalise(second)
    if not first or not second:
        return 0.0
    return SequenceMatcher(None, first, second).ratio()


def _score(fields: dict, local: Organisation) -> tuple[float, str] | None:
    name = similarity(fields.get("name", ""), local.name)
    if name < NAME_MIN:
        return None
    if fields.get("address") and local.address:
        address = similarity(fields["address"], local.address)
        score = 0.6 * name + 0.4 * address
        detail = f"nom {name:.2f}, adresse {address:.2f}".replace(".", ",")
        return (score, detail) if score >= NAME_ADDRESS_MIN else None
    detail = f"nom {name:.2f}, sans adresse à comparer".replace(".", ",")
    return (name, detail) if name >= NAME_ONLY_MIN else None


def find_duplicates(new: dict[tuple, dict]) -> list[Match]:
    """For national records new to the directory ({key: planned fields}), the records already here that may be
    the same partner: the same SIRET, else a close name and address in the same commune (or postal code when
    the commune is unknown). Archived records are not compared. Two queries at most."""
    sirets = {fields["siret"] for fields in new.values() if fields.get("siret")}
    communes = {fields["commune_id"] for fields in new.values() if fields.get("commune_id")}
    postal_codes = {fields["postal_code"] for fields in new.values()
                    if fields.get("postal_code") and not fields.get("commune_id")}
    if not (sirets or communes or postal_codes):
        return []
    pool = list(Organisation.objects.exclude(status=Organisation.Status.ARCHIVED).filter(
        Q(siret__in=sirets) | Q(commune_id__in=communes) | Q(postal_code__in=postal_codes)).order_by("pk"))
    by_siret, by_commune, by_postal_code = defaultdict(list), defaultdict(list), defaultdict(list)
    for organisation in pool:
        if organisation.siret:
            by_siret[organisation.siret].append(organisation)
        if organisation.commune_id:
            by_commune[organisation.commune_id].append(organisation)
        if organisation.postal_code:
            by_postal_code[organisation.postal_code].append(organisation)
    matches = []
    for key, fields in new.items():
        same_siret = by_siret.get(fields.get("siret") or "", [])
        if same_siret:
            matches.extend(Match(key, organisation, 1.0, SuspectedDuplicate.Reason.SIRET,
                                 f"SIRET {fields['siret']}") for organisation in same_siret)
            continue
        if fields.get("commune_id"):
            near = by_commune.get(fields["commune_id"], [])
        else:
            near = by_postal_code.get(fields.get("postal_code") or "", [])
        scored = []
        for organisation in near:
            found = _score(fields, organisation)
            if found:
                scored.append(Match(key, organisation, round(found[0], 3), SuspectedDuplicate.Reason.NAME_ADDRESS,
                                    found[1]))
        scored.sort(key=lambda match: (-match.score, match.organisation.pk))
        matches.extend(scored[:MAX_MATCHES])
    return matches


# --- The pull ----------------------------------------------------------------------------------------------

def _leave_out_invalid(plan: importing.Plan) -> list:
    """Drop the records the import refuses (and the services of a dropped structure); return the reasons."""
    invalid = list(plan.errors)
    bad_rows = {error.row for error in invalid}
    dropped = {key for key, spec in plan.structures.items() if spec["row"] in bad_rows}
    for key in dropped:
        del plan.structures[key]
    for key, spec in list(plan.services.items()):
        if spec["row"] in bad_rows or spec["structure"] in dropped:
            if spec["row"] not in bad_rows:
                invalid.append(importing.RowError(spec["row"], "structure_id", "structure écartée : service écarté"))
            del plan.services[key]
    plan.errors = []
    return invalid


# data·inclusion fields the pull keeps (in ``Provenance``) though the import has no field for them.
_KEPT_HERE = {"date_maj", "lien_source"}


def pull(paths, *, dry_run=False, departements=None) -> PullResult:
    """Read the national files, keep the site's slice, write it (nothing with ``dry_run``), record provenance and
    new suspected duplicates. A second run over the same files writes nothing."""
    departements = set(departements) if departements else site_departements()
    sliced, counts = read_slice(paths, departements)
    meta = _provenance_of(sliced["structures"])
    plan = importing.plan_payload(sliced, DEFAULT_SOURCE)
    plan.once = Counter({key: count for key, count in plan.once.items()
                         if not (key[0] == "structures" and key[1] in _KEPT_HERE)})
    invalid = _leave_out_invalid(plan)
    attached = _attached(plan)
    for key in attached:
        plan.structures.pop(key, None)
    existing = importing.existing_records(plan)
    new = {key: spec["fields"] for key, spec in plan.structures.items()
           if key not in existing and spec.get("out_of_area") != importing.SKIP}
    matches = find_duplicates(new)
    for key in {match.key for match in matches}:
        plan.structures[key]["status"] = Organisation.Status.DRAFT  # until the département decides
    with transaction.atomic():
        imported = importing.apply_plan(plan, dry_run=dry_run, attached=attached)
        if not dry_run:
            organisations = {**imported.organisations, **attached}
            _write_provenance(meta, organisations)
            for match in matches:
                SuspectedDuplicate.objects.get_or_create(
                    local=match.organisation, incoming=organisations[match.key],
                    defaults={"score": match.score, "reason": match.reason, "detail": match.detail[:200]})
    return PullResult(imported=imported, kept=counts["kept"], outside=counts["outside"], own=counts["own"],
                      attached=len({key for key in attached if key in meta}), invalid=invalid, matches=matches,
                      pending=SuspectedDuplicate.objects.filter(decision=SuspectedDuplicate.Decision.PENDING).count())


# --- The département's decision ----------------------------------------------------------------------------

def _pending(pk) -> SuspectedDuplicate:
    suspicion = (SuspectedDuplicate.objects.select_for_update().select_related("local", "incoming")
                 .filter(pk=pk).first())
    if suspicion is None:
        raise DecisionError(_("Ce doublon présumé n'existe plus."))
    if suspicion.decision != SuspectedDuplicate.Decision.PENDING:
        raise DecisionError(_("Ce doublon présumé a déjà été traité : %s.") % suspicion.get_decision_display())
    return suspicion


def _close_others(incoming: Organisation, user, now) -> None:
    """Pairs where the merged national record still appears (with another candidate) have no object any more."""
    (SuspectedDuplicate.objects.filter(Q(incoming=incoming) | Q(local=incoming),
                                       decision=SuspectedDuplicate.Decision.PENDING)
     .update(decision=SuspectedDuplicate.Decision.OBSOLETE, decided_by=user, decided_at=now))


def merge(pk, user) -> SuspectedDuplicate:
    """The local record stays as it is and takes the national record's services (with their contacts and
    links), contacts, error reports and provenance; the national record is archived, never deleted, and both
    histories say so. Later pulls update the services and the provenance, never the local record's fields."""
    with transaction.atomic(), acting_as(user):
        suspicion = _pending(pk)
        local, incoming = suspicion.local, suspicion.incoming
        now = timezone.now()
        services = list(incoming.services.order_by("pk"))
        for service in services:
            service.organisation = local
            service.save(update_fields=["organisation", "updated_at"])
        for contact in incoming.contacts.order_by("pk"):
            contact.organisation = local
            contact.save(update_fields=["organisation", "updated_at"])
        ErrorReport.objects.filter(organisation=incoming).update(organisation=local)
        if incoming.source_id and not incoming.provenance.filter(source=incoming.source,
                                                                 source_id=incoming.source_id).exists():
            Provenance.objects.get_or_create(source=incoming.source, source_id=incoming.source_id,
                                             defaults={"organisation": incoming})
        aliases = [str(row) for row in incoming.provenance.all()]
        incoming.provenance.update(organisation=local)
        incoming.status = Organisation.Status.ARCHIVED
        incoming.save(update_fields=["status", "updated_at"])
        history.record(local, ChangeRecord.Action.MERGE, {
            "fiche fusionnée": [incoming.name, local.name],
            "provenance": [None, ", ".join(aliases) or "—"],
            "services repris": [None, ", ".join(service.name for service in services) or "aucun"],
        }, user=user)
        history.record(incoming, ChangeRecord.Action.MERGE, {"fusionnée dans": [incoming.name, local.name]},
                       user=user)
        suspicion.decision, suspicion.decided_by, suspicion.decided_at = SuspectedDuplicate.Decision.MERGED, user, now
        suspicion.save(update_fields=["decision", "decided_by", "decided_at"])
        _close_others(incoming, user, now)
    return suspicion


def keep_apart(pk, user) -> SuspectedDuplicate:
    """Two partners after all: the pair is never suggested again, and the national record, kept as a draft while
    suspected, is published once no other suspicion holds it back."""
    with transaction.atomic(), acting_as(user):
        suspicion = _pending(pk)
        local, incoming = suspicion.local, suspicion.incoming
        now = timezone.now()
        suspicion.decision, suspicion.decided_by, suspicion.decided_at = (SuspectedDuplicate.Decision.KEPT_APART,
                                                                          user, now)
        suspicion.save(update_fields=["decision", "decided_by", "decided_at"])
        for record, other in ((incoming, local), (local, incoming)):
            history.record(record, ChangeRecord.Action.SEPARATE, {"distincte de": [None, other.name]}, user=user)
        still_held = incoming.duplicate_suspicions_as_incoming.filter(
            decision=SuspectedDuplicate.Decision.PENDING).exists()
        if incoming.status == Organisation.Status.DRAFT and not still_held:
            incoming.status = Organisation.Status.PUBLISHED
            incoming.save(update_fields=["status", "updated_at"])
    return suspicion


def provenance_line(organisation: Organisation) -> str:
    """« Source : dora, emplois-de-linclusion » for the public page ("" for a record made here)."""
    sources = list(dict.fromkeys(row.source for row in organisation.provenance.all()))
    return _("Source : %s") % ", ".join(sources) if sources else ""
