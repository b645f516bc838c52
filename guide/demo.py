"""Demo guide: the guide index, 9 themes, 40 articles, the path by age and the glossary (guide/content/).

Idempotent: every object is looked up by its slug and created only when missing; existing pages are never
changed, so an editor's work survives a second run and a second run changes nothing.
"""

import datetime

from guide.content import path as path_content
from guide.content.glossary import SEARCH_ONLY, SEARCH_WORDS, TERMS
from guide.content.themes_logement_travail_argent import ARGENT, LOGEMENT, TRAVAIL
from guide.content.themes_quotidien_parents_loisirs import LOISIRS, PARENTALITE, QUOTIDIEN
from guide.content.themes_sante_droits_mobilite import DROITS, MOBILITE, SANTE

THEMES = [LOGEMENT, TRAVAIL, ARGENT, SANTE, DROITS, MOBILITE, QUOTIDIEN, PARENTALITE, LOISIRS]
GUIDE_TITLE = "Le guide pour tes 16–25 ans"
GUIDE_INTRO = ("Logement, travail, argent, santé, papiers : ce qu'il faut savoir pour préparer ta sortie de "
               "l'ASE, et qui peut t'aider près de chez toi.")
CONTENT_DATE = datetime.date(2026, 11, 2)


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def load_glossary(log) -> None:
    from guide.models import GlossaryTerm

    created = 0
    rows = [(term, expansion, definition, variants, SEARCH_WORDS.get(slug, ""), slug)
            for term, expansion, definition, variants, slug in TERMS]
    rows += [(term, expansion, "", "", words, slug) for term, expansion, words, slug in SEARCH_ONLY]
    for term, expansion, definition, variants, words, slug in rows:
        obj, was_created = GlossaryTerm.objects.get_or_create(
            slug=slug, defaults={"term": term, "expansion": expansion, "definition": definition,
                                 "variants": variants, "search_terms": words})
        created += was_created
        if not was_created and words and not obj.search_terms:  # a database loaded before search words existed
            obj.search_terms = words
            obj.save(update_fields=["search_terms"])
    if created:
        log(f"Glossaire : {created} mot(s) ajouté(s).")


def load(log) -> None:
    from guide.models import ArticlePage, GuideIndexPage, HomePage, PathPage, ThemePage

    load_glossary(log)
    home = HomePage.objects.first()
    if home is None:
        log("Guide : pas de page d'accueil, rien à faire.")
        return
    index = GuideIndexPage.objects.first()
    if index is None:
        index = _publish(home, GuideIndexPage(title=GUIDE_TITLE, slug="guide", intro=GUIDE_INTRO))
        log("Guide : page d'accueil du guide créée.")
    created = 0
    articles = {}
    for spec in THEMES:
        theme = ThemePage.objects.child_of(index).filter(slug=spec["slug"]).first()
        if theme is None:
            theme = _publish(index, ThemePage(title=spec["title"], slug=spec["slug"], intro=spec["intro"],
                                              body=[spec["partners"]]))
            created += 1
        for article_spec in spec["articles"]:
            article = ArticlePage.objects.child_of(theme).filter(slug=article_spec["slug"]).first()
            if article is None:
                age_min, age_max = article_spec["age"]
                article = _publish(theme, ArticlePage(
                    title=article_spec["title"], slug=article_spec["slug"], summary=article_spec["summary"],
                    age_min=age_min, age_max=age_max, updated_on=CONTENT_DATE, body=article_spec["body"]))
                created += 1
            articles[(spec["slug"], article_spec["slug"])] = article
    if not PathPage.objects.child_of(index).exists():
        steps = []
        for step in path_content.STEPS:
            steps.append({"type": "step", "value": {
                "age_label": step["age_label"], "title": step["title"], "text": step["text"],
                "articles": [articles[key].pk for key in step["articles"] if key in articles],
                "partners": step["partners"]["value"],
            }})
        _publish(index, PathPage(title="Mon parcours", slug="mon-parcours", intro=path_content.INTRO, steps=steps))
        created += 1
    if created:
        log(f"Guide : {created} page(s) créée(s).")
