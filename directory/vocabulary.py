"""The directory's vocabularies, taken from data·inclusion's schema (never retyped) plus local extensions.

data·inclusion v1 is the national vocabulary of inclusion services; the few organisation types it lacks
(CLLAJ, MECS, SLAI, the département's ASE service…) are local extensions, prefixed so they never collide
with a future national code and exported as no ``reseaux_porteurs`` at all.
"""

from collections.abc import Iterable
from functools import cache

from data_inclusion.schema.v1 import (
    Categorie,
    Frais,
    ModeAccueil,
    ModeMobilisation,
    PersonneMobilisatrice,
    Public,
    ReseauPorteur,
    Thematique,
)
from django.utils.translation import gettext

LOCAL_TYPE_PREFIX = "local-"

# Organisation types data·inclusion does not know (yet): code → label.
LOCAL_TYPES = {
    "local-cllaj": "CLLAJ (comité local pour le logement autonome des jeunes)",
    "local-fjt": "Habitat Jeunes / FJT (foyer de jeunes travailleurs)",
    "local-mecs": "MECS (maison d'enfants à caractère social)",
    "local-slai": "SLAI (service logement d'accompagnement à l'insertion)",
    "local-service-ase": "Service ASE du département",
    "local-prevention-specialisee": "Club de prévention spécialisée",
    "local-pjj": "PJJ (protection judiciaire de la jeunesse)",
    "local-maison-des-ados": "Maison des adolescents",
    "local-planning-familial": "Planning familial",
    "local-siao": "SIAO (service intégré d'accueil et d'orientation)",
}

# Local types that data·inclusion v1 does know, under its own code: the export publishes the national codes
# (a Maison des solidarités is a département's service: the schema asks for ``departements`` with it). The
# other local types (CLLAJ, MECS, SLAI, prévention spécialisée, Maison des adolescents, Planning familial)
# have no v1 network and are published without ``reseaux_porteurs`` (docs/directory.md).
NATIONAL_NETWORKS = {
    "local-fjt": ("residences-fjt",),
    "local-siao": ("siao",),
    "local-pjj": ("pjj",),
    "local-service-ase": ("ase", "departements"),
    "maisons-des-solidarites": ("maisons-des-solidarites", "departements"),
}

# Codes of the v0 vocabulary that other apps (and older files) may still send, mapped to v1.
PUBLIC_ALIASES = {
    "jeunes-16-26": Public.JEUNES.value,
    "jeunes-moins-de-26-ans": Public.JEUNES.value,
}


def _choices(enum) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum]


@cache
def type_choices() -> list[tuple[str, str]]:
    national = sorted(_choices(ReseauPorteur), key=lambda pair: pair[1].lower())
    local = sorted(LOCAL_TYPES.items(), key=lambda pair: pair[1].lower())
    return local + national


@cache
def type_labels() -> dict[str, str]:
    return dict(type_choices())


def type_label(code: str) -> str:
    """A structure type's label ("" for a code outside the vocabulary)."""
    return type_labels().get(code, "")


@cache
def theme_choices(qualified: bool = False) -> list[tuple[str, str]]:
    """Top-level categories and their sub-themes, in a readable order (category, then its subs).

    A sub-theme reads "— label" under its category in a list; ``qualified`` names the category instead
    ("Logement › label"), for a list of checkboxes where a sub-theme may be read alone (the guide's blocks).
    """
    out = []
    subs = _choices(Thematique)
    for category in Categorie:
        out.append((category.value, category.label))
        prefix = f"{category.label} › " if qualified else "— "
        out.extend((code, prefix + label) for code, label in subs if code.startswith(category.value + "--"))
    return out


@cache
def theme_labels() -> dict[str, str]:
    labels = {member.value: member.label for member in Thematique}
    labels.update({member.value: member.label for member in Categorie})
    return labels


def category_choices() -> list[tuple[str, str]]:
    return _choices(Categorie)


def public_choices() -> list[tuple[str, str]]:
    return _choices(Public)


@cache
def public_labels() -> dict[str, str]:
    return dict(public_choices())


def frais_choices() -> list[tuple[str, str]]:
    return _choices(Frais)


def mode_accueil_choices() -> list[tuple[str, str]]:
    return _choices(ModeAccueil)


def mode_mobilisation_choices() -> list[tuple[str, str]]:
    return _choices(ModeMobilisation)


def mobilisable_par_choices() -> list[tuple[str, str]]:
    return _choices(PersonneMobilisatrice)


def translatable_labels() -> list[str]:
    """The labels readers see in their language (categories, themes, publics), in the schema's order: the
    messages of ``vocabulary_labels.py``. Organisation types are networks' names and stay as written."""
    enums = (Categorie, Thematique, Public)
    return list(dict.fromkeys(member.label for enum in enums for member in enum))


def translated_choices(choices: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Choices for a public form in the reader's language (gettext at display: the cached maps above stay French,
    which search indexes and the exports write); "— label" and "Category › label" keep their shape."""
    out = []
    for code, label in choices:
        if label.startswith("— "):
            out.append((code, "— " + gettext(label[2:])))
        elif " › " in label:
            out.append((code, " › ".join(gettext(part) for part in label.split(" › ", 1))))
        else:
            out.append((code, gettext(label)))
    return out


def parent_theme(code: str) -> str:
    """'logement-hebergement--x' → 'logement-hebergement' (a category is its own parent)."""
    return code.split("--", 1)[0]


def with_parent_themes(codes) -> list[str]:
    """Each code followed by its category, without repeats: filtering on a category finds its sub-themes."""
    out: list[str] = []
    for code in codes or ():
        out.append(code)
        out.append(parent_theme(code))
    return list(dict.fromkeys(out))


def normalise_public(code: str) -> str:
    return PUBLIC_ALIASES.get(code, code)


def is_valid_theme(code: str) -> bool:
    return code in theme_labels()


def is_valid_public(code: str) -> bool:
    return normalise_public(code) in public_labels()


def national_networks(typologie: str, others=()) -> list[str]:
    """The data·inclusion v1 ``reseaux_porteurs`` of a structure of this type carried by these other networks:
    local types under their national code when v1 has one, without repeats, the type's first."""
    codes = list(NATIONAL_NETWORKS.get(typologie, (typologie,) if typologie else ()))
    codes.extend(others or ())
    return [code for code in dict.fromkeys(codes) if code in type_labels() and not code.startswith(LOCAL_TYPE_PREFIX)]


def is_valid_type(code: str) -> bool:
    return code in type_labels()
