"""The neutral shape of what is searchable, whatever the content type and whatever the backend.

The content apps build them (``directory/search.py``, ``guide/search.py``, declared in search.registry);
backends only ever see ``SearchDoc``. Only public fields go in: no contact, no professional-only note,
nothing a partner has not published.
"""

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field

from search import registry


class _KindLabels(Mapping):
    """kind → label of the registered document types, read when asked (apps register in ``ready()``)."""

    def __getitem__(self, kind: str) -> str:
        return registry.kind_labels()[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(registry.kind_labels())

    def __len__(self) -> int:
        return len(registry.kind_labels())


KIND_LABELS: Mapping[str, str] = _KindLabels()
# Area code of content that applies everywhere (guide articles): a territory filter keeps it.
AREA_EVERYWHERE = "*"
FACETS = ("kind", "theme", "public", "type", "commune")


@dataclass
class SearchDoc:
    key: str  # "<kind>:<pk>": "organisation:12", "service:5", "article:7"
    kind: str
    object_id: int
    title: str  # weight A
    url: str
    subtitle: str = ""  # shown under the title (a service's organisation, an article's theme)
    summary: str = ""  # public text shown as the snippet
    themes_text: str = ""  # weight B: theme, audience and type labels, places served
    body: str = ""  # weight C: descriptions
    themes: list[str] = field(default_factory=list)  # data·inclusion codes, parent categories included
    publics: list[str] = field(default_factory=list)
    typologie: str = ""
    area: list[str] = field(default_factory=list)  # COG / territory codes served, or ["*"]
    commune_code: str = ""
    commune_name: str = ""
    age_min: int | None = None
    age_max: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    suggest: list[str] = field(default_factory=list)  # autocomplete inputs
    # The readers' languages this document is not shown in (a French page translated into Arabic: ["ar"]; its
    # Arabic translation: every other language); empty for what every reader gets (partners, services).
    hidden_in: list[str] = field(default_factory=list)

    def tags(self) -> list[str]:
        """Facet and filter values as 'facet:value' strings (one row each in the database index)."""
        tags = [f"kind:{self.kind}"]
        tags += [f"theme:{code}" for code in self.themes]
        tags += [f"public:{code}" for code in self.publics]
        if self.typologie:
            tags.append(f"type:{self.typologie}")
        tags += [f"area:{code}" for code in self.area]
        if self.commune_code:
            tags.append(f"commune:{self.commune_code}")
        tags += [f"hidden:{code}" for code in self.hidden_in]
        return list(dict.fromkeys(tags))

    def as_dict(self) -> dict:
        return asdict(self)

