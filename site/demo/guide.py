"""Demo guide: the guide index, its themes and articles, the path by age (data/guide/) and the glossary
(the product's own, guide/data/glossary.toml).

Articles are StreamField blocks written as tables: ``type`` names the block, the other keys are its value
(a ``text`` block's HTML is its ``text`` key); keys left out take the defaults below. Idempotent: every
object is looked up by its slug and created only when missing; existing pages are never changed, so an
editor's work survives a second run and a second run changes nothing.
"""

from relais.demo import DATA_DIR, read

REQUIRED = object()
# Each block's keys in StreamField order, with the value a data file may leave out (REQUIRED: it may not).
BLOCKS = {
    "callout": {"title": "À retenir", "text": REQUIRED},
    "steps": {"title": REQUIRED, "steps": REQUIRED},
    "checklist": {"title": REQUIRED, "items": REQUIRED},
    "faq": {"title": "Tes questions", "items": REQUIRED},
    "directory": {"title": "Qui peut t'aider ?", "thematiques": REQUIRED, "publics": ["jeunes"], "age": None,
                  "limit": 6},
    "video": {"title": REQUIRED, "url": REQUIRED, "duration": "", "transcript": REQUIRED},
}


def block_value(kind: str, table: dict):
    """A block's StreamField value from its table in a data file; an unknown key is an error, not a typo lost."""
    if kind == "text":
        if set(table) != {"text"}:
            raise ValueError(f"text block: only a 'text' key, not {sorted(table)}")
        return table["text"]
    keys = BLOCKS[kind]
    unknown = set(table) - set(keys)
    if unknown:
        raise ValueError(f"{kind} block: unknown key(s) {sorted(unknown)}")
    value = {}
    for key, default in keys.items():
        if key in table:
            value[key] = table[key]
        elif default is REQUIRED:
            raise ValueError(f"{kind} block: '{key}' is required")
        else:
            value[key] = list(default) if isinstance(default, list) else default
    return value


def block(table: dict) -> dict:
    fields = dict(table)
    kind = fields.pop("type")
    return {"type": kind, "value": block_value(kind, fields)}


def themes() -> list[dict]:
    """The themes in menu order, each with its articles in order (files of data/guide/<theme>/)."""
    result = []
    for slug in read("guide/guide.toml")["themes"]:
        theme = read(f"guide/{slug}/theme.toml")
        files = {path.stem for path in (DATA_DIR / "guide" / slug).glob("*.toml")} - {"theme"}
        if files != set(theme["articles"]):
            raise ValueError(f"guide/{slug}: theme.toml lists {sorted(theme['articles'])}, "
                             f"the folder holds {sorted(files)}")
        articles = []
        for article_slug in theme["articles"]:
            article = read(f"guide/{slug}/{article_slug}.toml")
            articles.append({"slug": article_slug, "title": article["title"], "summary": article["summary"],
                             "age": tuple(article["age"]), "body": [block(b) for b in article["body"]]})
        result.append({"slug": slug, "title": theme["title"], "intro": theme["intro"],
                       "partners": {"type": "directory", "value": block_value("directory", theme["partners"])},
                       "articles": articles})
    return result


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def glossary_terms() -> list[dict]:
    """The glossary's terms as GlossaryTerm fields: the product's file, not a copy."""
    from guide.glossary import product_terms

    return product_terms()


def load_glossary(log) -> None:
    from guide.glossary import add_missing_terms
    from guide.models import GlossaryTerm

    created = add_missing_terms()
    for fields in glossary_terms():
        obj = GlossaryTerm.objects.filter(slug=fields["slug"]).first()
        if obj is not None and fields["search_terms"] and not obj.search_terms:  # loaded before search words existed
            obj.search_terms = fields["search_terms"]
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
    guide = read("guide/guide.toml")
    index = GuideIndexPage.objects.first()
    if index is None:
        index = _publish(home, GuideIndexPage(title=guide["title"], slug="guide", intro=guide["intro"]))
        log("Guide : page d'accueil du guide créée.")
    created = 0
    articles = {}
    for spec in themes():
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
                    age_min=age_min, age_max=age_max, updated_on=guide["updated_on"], body=article_spec["body"]))
                created += 1
            articles[f"{spec['slug']}/{article_spec['slug']}"] = article
    path = read("guide/path.toml")
    if not PathPage.objects.child_of(index).exists():
        steps = []
        for step in path["steps"]:
            steps.append({"type": "step", "value": {
                "age_label": step["age_label"], "title": step["title"], "text": step["text"],
                "articles": [articles[key].pk for key in step["articles"] if key in articles],
                "partners": block_value("directory", step["partners"]),
            }})
        _publish(index, PathPage(title=path["title"], slug=path["slug"], intro=path["intro"], steps=steps))
        created += 1
    if created:
        log(f"Guide : {created} page(s) créée(s).")
