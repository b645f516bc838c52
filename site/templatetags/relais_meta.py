"""What a page says of itself to search engines and share previews: its meta description and Open Graph tags.

One tag in base.html's <head>, so no template can forget them: the text comes from the page being shown (a
guide page's search description or introduction, an organisation's description), else from its section.
"""

from django import template
from django.conf import settings
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from relais.links import absolute_url

register = template.Library()

DESCRIPTION_LENGTH = 160


def _section(path: str) -> tuple[str, str]:
    """(title, description) of the site's section holding ``path``: what a page says when it has nothing."""
    departement = settings.RELAIS_DEPARTEMENT_NAME
    if path.startswith("/annuaire/"):
        return (_("Annuaire des partenaires"),
                _("Trouve près de chez toi les structures qui peuvent t’aider : logement, emploi, santé, droits, "
                  "argent…"))
    if path.startswith("/recherche/"):
        return (_("Recherche"), _("Cherche dans le guide et l’annuaire des partenaires : un mot, une démarche, "
                                  "une structure près de chez toi."))
    if path.startswith("/guide/"):
        return (_("Le guide"), _("Le guide pratique des 16–25 ans : logement, argent, santé, emploi, droits, "
                                 "avec les partenaires près de chez toi."))
    if path.startswith(("/espace-pro/", "/instances/", "/indicateurs/")):
        return (_("Espace professionnel"), _("L’espace des professionnels partenaires de Relais."))
    return ("Relais", _("Relais : des ressources pour les 16–25 ans (%(departement)s), un guide pratique et "
                        "l’annuaire des partenaires qui peuvent t’aider.") % {"departement": departement})


def _text(value) -> str:
    """Plain text (every source is a plain-text field, escaped by the template), on one line, 160 characters."""
    return Truncator(" ".join(str(value or "").split())).chars(DESCRIPTION_LENGTH)


@register.inclusion_tag("relais/_page_meta.html", takes_context=True)
def page_meta(context):
    """The description and share preview of the page being rendered."""
    request = context.get("request")
    path = getattr(request, "path", "/") or "/"
    title, description = _section(path)
    page, organisation = context.get("page"), context.get("organisation")
    kind = "website"
    if context.get("meta_description"):
        description = context["meta_description"]
    elif page is not None and hasattr(page, "search_description"):
        title = page.seo_title or page.title
        description = (page.search_description or getattr(page, "summary", "") or getattr(page, "intro", "")
                       or description)
        if page._meta.model_name == "articlepage":
            kind = "article"
    elif organisation is not None and hasattr(organisation, "description"):
        title = organisation.name
        description = organisation.description or description
    return {"description": _text(description), "title": title, "type": kind,
            "url": absolute_url(path), "site_name": "Relais"}
