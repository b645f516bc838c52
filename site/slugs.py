"""The one way to give a record a unique slug from its name (organisations, meeting bodies)."""

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
