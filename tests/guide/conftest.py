"""A guide tree (index → theme → article, path page), glossary terms and directory partners for the tests."""

import datetime

import pytest

from guide.models import ArticlePage, GlossaryTerm, GuideIndexPage, PathPage, ThemePage
from tests import builders, module_data


@pytest.fixture
def territories(db):
    return builders.territory_world("62", "62-ARR", "62-CAL", "arras", "calais", located=False)


@pytest.fixture
def make_org(db):
    def make(name, *, commune, serving, themes=("logement-hebergement",), publics=("jeunes",), age=(16, 25), **extra):
        return builders.make_org(name, status="published", commune=commune, serving=serving, **extra, services=[
            {"name": f"Accueil de {name}", "thematiques": list(themes), "publics": list(publics), "age_min": age[0],
             "age_max": age[1], "status": "published"}])

    return make


@pytest.fixture
def partners(territories, make_org):
    """Housing partners in Arras and Calais, a health one in Calais."""
    t = territories
    return {
        "fjt_arras": make_org("Foyer des jeunes travailleurs d'Arras", commune=t["arras"], serving=[t["62-ARR"]],
                              themes=["logement-hebergement--louer-un-logement"], phone="01 99 00 10 01"),
        "cllaj_calais": make_org("CLLAJ du Calaisis", commune=t["calais"], serving=[t["62-CAL"]],
                                 themes=["logement-hebergement"]),
        "sante_calais": make_org("Point santé jeunes de Calais", commune=t["calais"], serving=[t["62-CAL"]],
                                 themes=["sante--acces-aux-soins"]),
    }


def directory_block(title="Qui peut t'aider ?", thematiques=("logement-hebergement",), publics=(), age=None, limit=6):
    return {"type": "directory", "value": {"title": title, "thematiques": list(thematiques), "publics": list(publics),
                                           "age": age, "limit": limit}}


@pytest.fixture
def glossary(db):
    terms = [
        ("ASE", "aide sociale à l'enfance", "Le service du Département qui protège les enfants.", "", "ase"),
        ("CJM", "contrat jeune majeur", "Un accord avec le Département pour être aidé après 18 ans.",
         "contrat jeune majeur", "cjm"),
        ("FJT", "foyer de jeunes travailleurs", "Un logement meublé pour les jeunes qui travaillent.",
         "foyer de jeunes travailleurs", "fjt"),
    ]
    return [GlossaryTerm.objects.create(term=a, expansion=b, definition=c, variants=d, slug=e)
            for a, b, c, d, e in terms]


@pytest.fixture(scope="module")
def _guide_tree_once(request, module_transaction):
    from relais.demo import pages

    return module_data.BuiltOnce(request, module_transaction,
                              lambda: build_guide_tree(pages.load_site_pages(lambda _m: None)))


@pytest.fixture
def guide_tree(site_pages, _guide_tree_once):
    """The guide's tree: index → theme « Logement » → one article of every block, and the path page."""
    return _guide_tree_once.get()


def build_guide_tree(home):
    index = GuideIndexPage(title="Le guide", slug="guide", intro="Tout ce qu'il faut savoir pour tes 16-25 ans.")
    home.add_child(instance=index)
    theme = ThemePage(title="Logement", slug="logement", intro="Trouver où dormir, puis un vrai chez-toi.")
    index.add_child(instance=theme)
    article = ArticlePage(
        title="Trouver un logement quand on a 18 ans", slug="trouver-un-logement",
        summary="Les solutions pour te loger, même avec peu d'argent.", age_min=17, age_max=25,
        updated_on=datetime.date(2026, 3, 2),
        body=[
            {"type": "text", "value": "<p>Avec l'ASE, parle de ton logement bien avant 18 ans. Le CJM peut "
                                      "t'aider. Un FJT loue des chambres. L'ASE encore.</p>"},
            {"type": "callout", "value": {"title": "À retenir", "text": "<p>Commence tôt.</p>"}},
            {"type": "steps", "value": {"title": "Les étapes", "steps": [
                {"title": "Fais la liste de tes ressources", "text": "<p>Salaire, bourse, APL.</p>"},
                {"title": "Contacte le CLLAJ", "text": ""}]}},
            {"type": "checklist", "value": {"title": "Tes papiers", "items": ["Carte d'identité", "Carte Vitale"]}},
            {"type": "faq", "value": {"title": "Tes questions", "items": [
                {"question": "Je peux avoir l'APL ?", "answer": "<p>Oui, dès ton entrée dans le logement.</p>"}]}},
            {"type": "video", "value": {"title": "Visite d'un FJT", "url": "https://video.exemple.invalid/fjt.mp4",
                                        "duration": "2 min", "transcript": "<p>Bonjour, voici ma chambre.</p>"}},
            directory_block(),
        ],
    )
    theme.add_child(instance=article)
    path_page = PathPage(title="Mon parcours", slug="mon-parcours", intro="Ce qui se passe à chaque âge.",
                         steps=[{"type": "step", "value": {
                             "age_label": "17 ans", "title": "L'entretien avec ton référent",
                             "text": "<p>Tu fais le point avec ton référent ASE.</p>", "articles": [article.pk],
                             "partners": {"title": "Qui peut t'aider ?", "thematiques": ["logement-hebergement"],
                                          "publics": [], "age": 17, "limit": 4}}}])
    index.add_child(instance=path_page)
    for page in (index, theme, article, path_page):
        page.save_revision().publish()
    return {"home": home, "index": index, "theme": theme, "article": ArticlePage.objects.get(pk=article.pk),
            "path": path_page}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Built documents (the guide's PDF) go to this test's own folder, not to var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def translate(page, code, *, status="reviewed", before_review=False, **fields):
    """The translation of ``page`` into ``code`` (its parents too), published, with the given review state."""
    from django.utils import timezone
    from wagtail.models import Locale, Page

    from relais.models import TranslationReview

    locale, _ = Locale.objects.get_or_create(language_code=code)
    copy = page.specific.copy_for_translation(locale, copy_parents=True, alias=False)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    copy.save_revision().publish()
    TranslationReview.objects.update_or_create(page=copy, defaults={
        "status": status, "publish_before_review": before_review, "reviewer_name": "Équipe du guide",
        "reviewed_at": timezone.now() if status == TranslationReview.Status.REVIEWED else None})
    return Page.objects.get(pk=copy.pk).specific  # as published
