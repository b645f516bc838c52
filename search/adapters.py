"""From the directory's and the guide's models to the neutral ``SearchDoc``: public fields only.

Contacts, professional notes, e-mails and phone numbers are never read here: what is not in a SearchDoc
cannot leak through a public search. Unpublished records give no document (and so are removed).
"""

from django.urls import NoReverseMatch
from django.utils.html import strip_tags

from search import labels
from search.documents import (
    AREA_EVERYWHERE,
    KIND_ARTICLE,
    KIND_ORGANISATION,
    KIND_SERVICE,
    SearchDoc,
    with_parent_themes,
)

PUBLISHED = "published"

# A guide theme page's title → the data·inclusion category its articles belong to (for the theme facet).
GUIDE_THEME_CATEGORIES = [
    (("logement", "heberg", "se loger"), "logement-hebergement"),
    (("sante", "soin", "mutuelle"), "sante"),
    (("emploi", "travail", "job"), "trouver-un-emploi"),
    (("formation", "etude", "ecole", "apprentissage"), "se-former"),
    (("argent", "budget", "banque", "ressource"), "difficultes-financieres"),
    (("droit", "papier", "demarche", "administrat", "justice"), "difficultes-administratives-ou-juridiques"),
    (("mobilite", "transport", "permis", "bouger"), "mobilite"),
    (("parent", "famille", "enfant"), "famille"),
    (("numerique", "internet"), "numerique"),
    (("alimentation", "manger", "equipement"), "equipement-et-alimentation"),
]


def org_key(pk) -> str:
    return f"{KIND_ORGANISATION}:{pk}"


def service_key(pk) -> str:
    return f"{KIND_SERVICE}:{pk}"


def article_key(pk) -> str:
    return f"{KIND_ARTICLE}:{pk}"


def organisation_url(organisation) -> str:
    """The public page (/annuaire/<slug>/ by contract), even before the directory's URLs are wired."""
    try:
        return organisation.get_absolute_url()
    except NoReverseMatch:
        return f"/annuaire/{organisation.slug}/"


def _join(*parts) -> str:
    return " ".join(p for p in parts if p)


def _territories(organisation) -> list:
    return list(organisation.territories.all())


def _age_range(services) -> tuple[int | None, int | None]:
    if not services or any(s.age_min is None for s in services):
        age_min = None
    else:
        age_min = min(s.age_min for s in services)
    if not services or any(s.age_max is None for s in services):
        age_max = None
    else:
        age_max = max(s.age_max for s in services)
    return age_min, age_max


def _place(organisation):
    commune = organisation.commune if organisation.commune_id else None
    return (commune.code if commune else ""), (commune.name if commune else "")


def _area(organisation, territories) -> list[str]:
    codes = [t.code for t in territories]
    if not codes and organisation.commune_id:
        codes = [organisation.commune.code]
    return codes


def organisation_document(organisation) -> SearchDoc | None:
    if organisation.status != PUBLISHED:
        return None
    services = [s for s in organisation.services.all() if s.status == PUBLISHED]
    territories = _territories(organisation)
    commune_code, commune_name = _place(organisation)
    theme_labels, public_labels = labels.theme_labels(), labels.public_labels()
    themes = with_parent_themes(code for s in services for code in (s.thematiques or []))
    publics = list(dict.fromkeys(code for s in services for code in (s.publics or [])))
    type_label = labels.type_labels().get(organisation.typologie, "")
    age_min, age_max = _age_range(services)
    return SearchDoc(
        key=org_key(organisation.pk), kind=KIND_ORGANISATION, object_id=organisation.pk,
        title=organisation.name, url=organisation_url(organisation),
        subtitle=_join(type_label, f"· {commune_name}" if commune_name else ""),
        summary=organisation.description,
        themes_text=_join(type_label, " ".join(theme_labels.get(c, "") for c in themes),
                          " ".join(public_labels.get(c, "") for c in publics), commune_name,
                          " ".join(t.name for t in territories)),
        body=_join(organisation.description, " ".join(s.name for s in services),
                   " ".join(s.description for s in services)),
        themes=themes, publics=publics, typologie=organisation.typologie or "",
        area=_area(organisation, territories), commune_code=commune_code, commune_name=commune_name,
        age_min=age_min, age_max=age_max, latitude=organisation.latitude, longitude=organisation.longitude,
        suggest=[],
    )


def service_document(service) -> SearchDoc | None:
    organisation = service.organisation
    if service.status != PUBLISHED or organisation.status != PUBLISHED:
        return None
    territories = _territories(organisation)
    commune_code, commune_name = _place(organisation)
    theme_labels, public_labels = labels.theme_labels(), labels.public_labels()
    themes = with_parent_themes(service.thematiques or [])
    type_label = labels.type_labels().get(organisation.typologie, "")
    area = list(service.zone_eligibilite or []) or _area(organisation, territories)
    return SearchDoc(
        key=service_key(service.pk), kind=KIND_SERVICE, object_id=service.pk,
        title=service.name, url=f"{organisation_url(organisation)}#service-{service.pk}",
        subtitle=_join(organisation.name, f"· {commune_name}" if commune_name else ""),
        summary=service.description or organisation.description,
        themes_text=_join(" ".join(theme_labels.get(c, "") for c in themes),
                          " ".join(public_labels.get(c, "") for c in service.publics or []),
                          organisation.name, type_label, commune_name, " ".join(t.name for t in territories)),
        body=_join(service.description, service.publics_precisions, service.conditions_acces),
        themes=themes, publics=list(service.publics or []), typologie=organisation.typologie or "",
        area=area, commune_code=commune_code, commune_name=commune_name,
        age_min=service.age_min, age_max=service.age_max,
        latitude=organisation.latitude, longitude=organisation.longitude,
    )


def stream_text(value) -> str:
    """Readable text of a StreamField (or any rich text) value."""
    if value is None:
        return ""
    try:
        rendered = value.render_as_block() if hasattr(value, "render_as_block") else str(value)
    except Exception:  # a block that cannot render outside a request still has its raw data
        rendered = str(getattr(value, "raw_data", "") or "")
    return " ".join(strip_tags(str(rendered)).split())


def guide_category(title: str) -> str:
    from search.vocabulary import fold

    folded = fold(title)
    for needles, code in GUIDE_THEME_CATEGORIES:
        if any(n in folded for n in needles):
            return code
    return ""


def page_document(page) -> SearchDoc | None:
    """A live, public guide article or theme page; anything else gives no document."""
    page = page.specific
    if not page.live or page.get_view_restrictions().exists():
        return None
    parent = page.get_parent().specific if page.depth > 1 else None
    model = type(page).__name__
    if model == "ArticlePage":
        theme_title = parent.title if parent is not None else ""
        summary = page.summary
        body = stream_text(page.body)
        age_min, age_max = page.age_min, page.age_max
    elif model == "ThemePage":
        theme_title = page.title
        summary = page.intro
        body = _join(stream_text(page.body), " ".join(a.title for a in page.articles()))
        age_min = age_max = None
    else:
        return None
    category = guide_category(theme_title)
    return SearchDoc(
        key=article_key(page.pk), kind=KIND_ARTICLE, object_id=page.pk, title=page.title, url=page.url or "",
        subtitle=f"Guide · {theme_title}" if theme_title else "Guide", summary=summary,
        themes_text=_join(theme_title, labels.theme_labels().get(category, ""), page.search_description),
        body=_join(summary, body), themes=[category] if category else [], area=[AREA_EVERYWHERE],
        age_min=age_min, age_max=age_max,
    )


def is_indexed_page(page) -> bool:
    return type(page.specific).__name__ in ("ArticlePage", "ThemePage")
