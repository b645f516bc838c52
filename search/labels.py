"""Human labels of the facet values (data·inclusion codes, local types, kinds, communes)."""

from functools import cache

from data_inclusion.schema.v1 import Categorie, Public, ReseauPorteur, Thematique

from search.documents import KIND_LABELS


@cache
def theme_labels() -> dict[str, str]:
    labels = {m.value: m.label for m in Thematique}
    labels.update({m.value: m.label for m in Categorie})
    return labels


@cache
def category_codes() -> frozenset[str]:
    return frozenset(m.value for m in Categorie)


@cache
def public_labels() -> dict[str, str]:
    labels = {m.value: m.label for m in Public}
    labels.setdefault("jeunes-16-26", labels.get("jeunes", "Jeunes"))
    return labels


@cache
def type_labels() -> dict[str, str]:
    try:
        from directory.vocabulary import type_labels as directory_type_labels

        return dict(directory_type_labels())
    except ImportError:
        return {m.value: m.label for m in ReseauPorteur}


def kind_labels() -> dict[str, str]:
    return dict(KIND_LABELS)


def commune_labels(codes) -> dict[str, str]:
    """Names of communes by code, read from the index itself (no dependency on the directory's tables)."""
    from search.models import SearchDocument

    codes = [c for c in codes if c]
    if not codes:
        return {}
    rows = (SearchDocument.objects.filter(commune_code__in=codes).exclude(commune_name="")
            .values_list("commune_code", "commune_name").distinct())
    return dict(rows)
