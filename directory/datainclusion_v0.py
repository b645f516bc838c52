"""data·inclusion v0 records read as v1, so that a file published in the older shape imports without losses.

The national dataset long published v0 (``typologie``, ``presentation_resume``/``presentation_detail``,
``horaires_ouverture``, ``profils``, ``types``, ``recurrence``, ``zone_diffusion_*``…). ``to_v1`` maps each v0
field to its v1 counterpart; what v1 has no place for is returned as "dropped" so the import reports it once
per field, never silently. The code tables follow data·inclusion's published v0 vocabularies
(typologies de structures, profils, frais, modes d'orientation, zones de diffusion) and the v1 ones of
``data_inclusion.schema.v1``.
"""

from __future__ import annotations

# Keys only the v0 shape has: one of them in a record says it is v0.
V0_STRUCTURE_KEYS = {"typologie", "presentation_resume", "presentation_detail", "horaires_ouverture", "rna",
                     "antenne", "labels_nationaux", "labels_autres", "accessibilite", "structure_parente"}
V0_SERVICE_KEYS = {"presentation_resume", "presentation_detail", "types", "profils", "profils_precisions",
                   "recurrence", "zone_diffusion_type", "zone_diffusion_code", "zone_diffusion_nom", "pre_requis",
                   "justificatifs", "frais_autres", "prise_rdv", "formulaire_en_ligne", "cumulable",
                   "modes_orientation_accompagnateur", "modes_orientation_beneficiaire",
                   "modes_orientation_accompagnateur_autres", "modes_orientation_beneficiaire_autres",
                   "date_creation", "date_suspension", "contact_public", "page_web"}

# v0 structure type → v1 network (reseaux_porteurs); a type without a national network maps to nothing.
TYPOLOGIE_TO_RESEAU = {
    "ACI": "aci", "ACIPHC": "aci", "AFPA": "afpa", "AI": "ai", "ASE": "ase", "AVIP": "creches-avip",
    "CAARUD": "caarud", "CADA": "cada", "CAF": "caf", "CAP_EMPLOI": "cap-emploi-reseau-cheops", "CAVA": "cava",
    "CCAS": "ccas-cias", "CIAS": "ccas-cias", "CCONS": "chambres-consulaires", "CD": "departements",
    "DEPT": "departements", "CDAS": "maisons-des-solidarites", "CHRS": "chrs", "CHU": "chu", "CIDFF": "cidff",
    "CMP": "cmp", "CMS": "cms", "CPAM": "cpam", "CPH": "cph", "CSAPA": "csapa", "E2C": "ecoles-de-la-deuxieme-chance",
    "EA": "ea", "EATT": "eatt", "EI": "ei", "EITI": "eiti", "EPIDE": "epide", "EPI": "espaces-publics-numeriques",
    "EPN": "espaces-publics-numeriques", "ETTI": "etti", "FAIS": "federation-des-acteurs-de-la-solidarite",
    "FT": "france-travail", "PE": "france-travail", "GEIQ": "geiq", "HUDA": "huda", "LA_POSTE": "la-poste",
    "MDE": "maisons-de-l-emploi", "MDEF": "maisons-de-l-emploi", "MDPH": "mdph", "MDS": "maisons-des-solidarites",
    "MJC": "mjc", "ML": "mission-locale", "MSA": "mutualite-sociale-agricole", "MSAP": "msap", "MUNI": "communes",
    "ODC": "delegataire-conseil-departemental", "PAD": "points-justice", "PIJ_BIJ": "reseau-information-jeunesse",
    "PIMMS": "pimms-mediation", "PJJ": "pjj", "PLIE": "plie", "PREVENTION": "local-prevention-specialisee",
    "SCP": "local-prevention-specialisee", "REG": "regions", "RESSOURCERIE": "ressourceries",
    "RFS": "france-service", "RS_FJT": "residences-fjt", "SPIP": "spip", "UDAF": "unaf",
}

# v0 profils → v1 publics; a profile v1 cannot say is reported as dropped.
PROFIL_TO_PUBLIC = {
    "alternants": "actifs", "salaries": "actifs", "beneficiaires-rsa": "beneficiaires-des-minimas-sociaux",
    "deficience-visuelle": "personnes-en-situation-de-handicap", "surdite": "personnes-en-situation-de-handicap",
    "handicaps-mentaux": "personnes-en-situation-de-handicap",
    "handicaps-psychiques": "personnes-en-situation-de-handicap",
    "personnes-handicapees": "personnes-en-situation-de-handicap",
    "personnes-en-situation-de-handicap": "personnes-en-situation-de-handicap",
    "demandeurs-demploi": "demandeurs-emploi", "familles-enfants": "familles", "etudiants": "etudiants",
    "femmes": "femmes", "jeunes": "jeunes", "jeunes-16-26": "jeunes",
    "personnes-de-nationalite-etrangere": "personnes-exilees", "retraites": "seniors", "seniors-65": "seniors",
    "sans-domicile-fixe": "personnes-en-situation-durgence",
    "personnes-en-situation-durgence": "personnes-en-situation-durgence",
    "sortants-de-detention": "personnes-en-situation-juridique-specifique", "tous-publics": "tous-publics",
}

# v0 theme categories renamed in v1 (a v0 sub-theme unknown to v1 falls back to its v1 category).
CATEGORY_TO_V1 = {
    "apprendre-francais": "lecture-ecriture-calcul", "illettrisme": "lecture-ecriture-calcul",
    "creation-activite": "creer-une-entreprise", "gestion-financiere": "difficultes-financieres",
    "acces-aux-droits-et-citoyennete": "difficultes-administratives-ou-juridiques",
}

FRAIS_TO_V1 = {"gratuit": "gratuit", "gratuit-sous-conditions": "gratuit", "payant": "payant",
               "adhesion": "payant", "pass-numerique": "payant"}

ORIENTATION_TO_MODE = {
    "envoyer-un-mail": "envoyer-un-courriel", "envoyer-un-mail-avec-une-fiche-de-prescription": "envoyer-un-courriel",
    "envoyer-une-fiche-de-prescription": "envoyer-un-courriel", "envoyer-un-email": "envoyer-un-courriel",
    "envoyer-un-mail-avec-des-documents-a-completer": "envoyer-un-courriel", "telephoner": "telephoner",
    "se-presenter": "se-presenter", "completer-le-formulaire-dadhesion": "utiliser-lien-mobilisation",
}

# v0 fields with no place in v1 nor in the directory: reported once per field by the import.
STRUCTURE_DROPPED = ("rna", "antenne", "labels_autres", "structure_parente", "thematiques")
SERVICE_DROPPED = ("types", "cumulable", "date_creation", "date_suspension", "contact_public", "zone_diffusion_nom")


def is_v0(record: dict, kind: str) -> bool:
    return bool((V0_STRUCTURE_KEYS if kind == "structure" else V0_SERVICE_KEYS) & set(record))


def _list(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list | tuple | set):
        return [str(item).strip() for item in value if str(item or "").strip()]
    return [str(value).strip()]


def _text(*parts) -> str | None:
    """Non-empty parts joined by a blank line (a summary and its detail, a list of prerequisites)."""
    seen: list[str] = []
    for part in parts:
        for text in _list(part) if isinstance(part, list) else [str(part or "").strip()]:
            if text and not any(text in kept for kept in seen):
                seen.append(text)
    return "\n\n".join(seen) or None


def _day(value):
    """v0 dates were datetimes ("2022-04-28T16:53:11Z"): v1 keeps the day."""
    return str(value)[:10] if value else value


class Mapped:
    """A v0 record as v1, with what could not be carried: ``dropped`` fields, ``notes`` on narrowed codes."""

    def __init__(self):
        self.data: dict = {}
        self.dropped: list[str] = []
        self.notes: list[tuple[str, str]] = []  # (field, message) once per file


def _copy(mapped: Mapped, record: dict, keys) -> None:
    for key in keys:
        if key in record:
            mapped.data[key] = record[key]


def structure_to_v1(record: dict) -> Mapped:
    mapped = Mapped()
    _copy(mapped, record, ("source", "id", "siret", "nom", "commune", "code_postal", "code_insee", "adresse",
                           "complement_adresse", "longitude", "latitude", "telephone", "courriel", "site_web",
                           "lien_source"))
    if "date_maj" in record:
        mapped.data["date_maj"] = _day(record["date_maj"])
    if "presentation_resume" in record or "presentation_detail" in record:
        mapped.data["description"] = _text(record.get("presentation_resume"), record.get("presentation_detail"))
    if "horaires_ouverture" in record:
        mapped.data["horaires_accueil"] = record["horaires_ouverture"]
    if "accessibilite" in record:
        mapped.data["accessibilite_lieu"] = record["accessibilite"]
    if "typologie" in record or "labels_nationaux" in record:
        networks = []
        for code in _list(record.get("typologie")):
            network = TYPOLOGIE_TO_RESEAU.get(code.upper())
            if network:
                networks.append(network)
            else:
                mapped.notes.append(("typologie", f"type v0 « {code} » sans équivalent national : non repris"))
        networks.extend(code.lower() for code in _list(record.get("labels_nationaux")))
        mapped.data["reseaux_porteurs"] = list(dict.fromkeys(networks)) or None
    mapped.dropped = [key for key in STRUCTURE_DROPPED if record.get(key) not in (None, "", [], False)]
    return mapped


def _theme(code: str, valid) -> tuple[str | None, str | None]:
    """A v0 theme as v1: itself when v1 knows it, else its (renamed) category, with a note."""
    if valid(code):
        return code, None
    category = code.split("--", 1)[0]
    category = CATEGORY_TO_V1.get(category, category)
    if valid(category):
        return category, f"thématique v0 « {code} » ramenée à sa catégorie « {category} »"
    return None, f"thématique v0 « {code} » sans équivalent v1 : non reprise"


def service_to_v1(record: dict, valid_theme) -> Mapped:
    mapped = Mapped()
    data = mapped.data
    _copy(mapped, record, ("source", "id", "structure_id", "nom", "telephone", "courriel", "modes_accueil",
                           "lien_source", "contact_nom_prenom", "commune", "code_postal", "code_insee", "adresse",
                           "complement_adresse", "longitude", "latitude"))
    if "date_maj" in record:
        data["date_maj"] = _day(record["date_maj"])
    if "presentation_resume" in record or "presentation_detail" in record:
        data["description"] = _text(record.get("presentation_resume"), record.get("presentation_detail"))
    if "thematiques" in record:
        themes = []
        for code in _list(record.get("thematiques")):
            theme, note = _theme(code, valid_theme)
            if theme:
                themes.append(theme)
            if note:
                mapped.notes.append(("thematiques", note))
        data["thematiques"] = list(dict.fromkeys(themes)) or None
    if "profils" in record:
        publics = []
        for code in _list(record.get("profils")):
            if code in PROFIL_TO_PUBLIC:
                publics.append(PROFIL_TO_PUBLIC[code])
            else:
                mapped.notes.append(("profils", f"profil v0 « {code} » sans équivalent v1 : non repris"))
        publics = list(dict.fromkeys(publics))
        if "tous-publics" in publics and len(publics) > 1:
            publics.remove("tous-publics")
        data["publics"] = publics or None
    if "profils_precisions" in record:
        data["publics_precisions"] = record["profils_precisions"]
    if "recurrence" in record:
        data["horaires_accueil"] = record["recurrence"]
    if "frais" in record:
        frais = [FRAIS_TO_V1.get(code) for code in _list(record.get("frais"))]
        data["frais"] = next((code for code in frais if code), None)
        conditions = "gratuit sous conditions" if "gratuit-sous-conditions" in _list(record.get("frais")) else ""
        data["frais_precisions"] = _text(conditions, record.get("frais_autres"))
    elif "frais_autres" in record:
        data["frais_precisions"] = record["frais_autres"]
    if "pre_requis" in record or "justificatifs" in record:
        data["conditions_acces"] = _text(_list(record.get("pre_requis")), _list(record.get("justificatifs")))
    links = [record.get(key) for key in ("formulaire_en_ligne", "prise_rdv", "page_web") if record.get(key)]
    if links:
        data["lien_mobilisation"] = links[0]
    orientation_keys = ("modes_orientation_accompagnateur", "modes_orientation_beneficiaire")
    if any(key in record for key in orientation_keys):
        modes, by = [], []
        for key, who in zip(orientation_keys, ("professionnels", "usagers"), strict=True):
            codes = _list(record.get(key))
            if codes:
                by.append(who)
            modes.extend(ORIENTATION_TO_MODE[code] for code in codes if code in ORIENTATION_TO_MODE)
        data["modes_mobilisation"] = list(dict.fromkeys(modes)) or None
        data["mobilisable_par"] = by or None
        data["mobilisation_precisions"] = _text(record.get("modes_orientation_accompagnateur_autres"),
                                                record.get("modes_orientation_beneficiaire_autres"))
    if "zone_diffusion_code" in record or "zone_diffusion_type" in record:
        kind, code = record.get("zone_diffusion_type"), record.get("zone_diffusion_code")
        if kind == "pays":
            data["zone_eligibilite"] = ["france"]
        elif kind == "region" and code:
            mapped.notes.append(("zone_diffusion_code",
                                 f"zone v0 « région {code} » : v1 attend ses départements, non reprise"))
        elif code:
            data["zone_eligibilite"] = [str(code)]
    mapped.dropped = [key for key in SERVICE_DROPPED if record.get(key) not in (None, "", [], False)]
    return mapped
