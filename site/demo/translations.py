"""Demo translations of the guide (data/translations/<language>/): the home page, the guide's home, the themes
of the translated articles and five key articles (housing tonight, the contrat jeune majeur, health cover,
papers and residence permit, money), in English and Arabic.

Files mirror the French ones (data/pages.toml's home, data/guide/guide.toml, data/guide/<theme>/…): the same
keys, the text translated; a directory block keeps its filters. Each translation is created from its French
page (Wagtail's ``copy_for_translation``), published, and marked "to review", shown to readers before review
by the pilot's choice (the page says so). Written by the project's team, never by a machine; a reviewer must
still read them. Idempotent: a page that already has its translation is left as it is.
"""

from relais.demo import DATA_DIR, read
from relais.demo.guide import block

LANGUAGES = ("en", "ar")
# (French page's URL path under the home page, data file): parents before their children.
PAGES = [
    ("", "home.toml"),
    ("guide/", "guide/guide.toml"),
    ("guide/logement/", "guide/logement/theme.toml"),
    ("guide/logement/urgence-pas-de-logement/", "guide/logement/urgence-pas-de-logement.toml"),
    ("guide/droits-et-demarches/", "guide/droits-et-demarches/theme.toml"),
    ("guide/droits-et-demarches/contrat-jeune-majeur/", "guide/droits-et-demarches/contrat-jeune-majeur.toml"),
    ("guide/droits-et-demarches/papiers-identite/", "guide/droits-et-demarches/papiers-identite.toml"),
    ("guide/sante/", "guide/sante/theme.toml"),
    ("guide/sante/complementaire-sante-solidaire/", "guide/sante/complementaire-sante-solidaire.toml"),
    ("guide/argent/", "guide/argent/theme.toml"),
    ("guide/argent/aide-urgence-argent/", "guide/argent/aide-urgence-argent.toml"),
]


def files(code: str) -> list[str]:
    return [name for _path, name in PAGES if (DATA_DIR / "translations" / code / name).is_file()]


def _fields(page, data: dict) -> dict:
    """The translated fields of ``page`` from its data file (the keys of the French file)."""
    from guide.models import ArticlePage, ThemePage

    fields = {"title": data["title"]}
    if "intro" in data:
        fields["intro"] = data["intro"]
    if isinstance(page, ArticlePage):
        fields["summary"] = data["summary"]
        fields["body"] = [block(b) for b in data["body"]]
    elif isinstance(page, ThemePage):
        fields["body"] = [{"type": "directory", "value": block({"type": "directory", **data["partners"]})["value"]}]
    return fields


def load(log) -> None:
    from wagtail.models import Locale

    from guide.models import HomePage
    from relais.models import TranslationReview

    home = HomePage.objects.filter(locale__language_code="fr").first()
    if home is None:
        return
    created = 0
    for code in LANGUAGES:
        locale, _ = Locale.objects.get_or_create(language_code=code)
        for path, name in PAGES:
            source = home if not path else home.get_descendants().filter(url_path=home.url_path + path).first()
            if source is None or source.get_translation_or_none(locale) is not None:
                continue
            source = source.specific
            data = read(f"translations/{code}/{name}")
            page = source.copy_for_translation(locale, copy_parents=False, alias=False)
            for field, value in _fields(page, data).items():
                setattr(page, field, value)
            page.save()
            page.save_revision().publish()
            TranslationReview.objects.update_or_create(page=page, defaults={
                "status": TranslationReview.Status.TO_REVIEW, "publish_before_review": True})
            created += 1
    if created:
        log(f"Traductions : {created} page(s) créée(s) (à relire).")
