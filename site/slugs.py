"""The one way to give a record a unique slug from its name (organisations, meeting bodies)."""

from django.db.models import Q
from django.utils.text import slugify


def unique_slug(model, text: str, *, max_length: int, fallback: str, exclude_pk=None, field: str = "slug") -> str:
    """``slugify(text)`` cut to ``max_length`` (room is left in the column for a ``-2``, ``-3``… suffix), or
    ``fallback`` when nothing is left (a name of only punctuation); the first of ``base``, ``base-2``,
    ``base-3``… that no other row of ``model`` (``exclude_pk`` aside) uses."""
    base = slugify(text)[:max_length] or fallback
    taken = model._base_manager.all()
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    slug, n = base, 2
    while taken.filter(**{field: slug}).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def unique_slugs(model, texts, *, max_length: int, fallback: str, field: str = "slug") -> list[str]:
    """``unique_slug`` for many new rows at once (bulk loaders): one slug per text, unique among the table's rows
    and among themselves: one query for the bases already taken, then one per 200 of those for their numbered forms."""
    bases = [slugify(text)[:max_length] or fallback for text in texts]
    rows = model._base_manager.all()
    taken = set(rows.filter(**{f"{field}__in": set(bases)}).values_list(field, flat=True))
    ordered = sorted(taken)
    for start in range(0, len(ordered), 200):  # SQLite bounds an expression's depth
        numbered = Q()
        for base in ordered[start:start + 200]:
            numbered |= Q(**{f"{field}__startswith": f"{base}-"})
        taken |= set(rows.filter(numbered).values_list(field, flat=True))
    slugs = []
    for base in bases:
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs
