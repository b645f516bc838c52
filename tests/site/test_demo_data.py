"""The demo is data read by one package (relais.demo) that production code never imports; its files hold only
fictional people and contact details, and every reference between them resolves."""

import ast
import re
from pathlib import Path

import pytest

from relais import roles
from relais.demo import DATA_DIR, read
from relais.demo import guide as demo_guide

ROOT = Path(__file__).resolve().parents[2]
# Source folder → import name (`site/` is installed as `relais`).
PACKAGES = {"site": "relais", "directory": "directory", "guide": "guide", "meetings": "meetings", "search": "search"}
DEMO = "relais.demo"


def _module_name(path: Path) -> str:
    folder, *rest = path.relative_to(ROOT).with_suffix("").parts
    parts = [PACKAGES[folder], *rest]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def demo_references(source: str, module: str, is_package: bool = False) -> list[str]:
    """Where ``source`` (the code of ``module``) imports the demo package or names it for import_module."""
    found = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [node.value]
        found += [f"line {node.lineno}: {name}" for name in names if name == DEMO or name.startswith(DEMO + ".")]
    return found


def test_the_boundary_check_sees_every_way_of_importing_the_demo():
    assert demo_references("from relais import demo", "guide.views")
    assert demo_references("import relais.demo.guide", "guide.views")
    assert demo_references("from relais.demo.pages import load_site_pages", "search.api")
    assert demo_references("from . import demo", "relais.views")
    assert demo_references("from .demo import read", "relais.views")
    assert demo_references("from ... import demo", "relais.management.commands.personal_data")
    assert demo_references("from .. import demo", "relais.management", is_package=True)
    assert not demo_references("from .. import demo", "relais.management.commands", is_package=True)
    assert demo_references("import_module('relais.demo.guide')", "relais.health")
    assert not demo_references("from relais import demolition\nimport directory.demographics", "guide.views")


def test_production_code_does_not_import_the_demo():
    offenders = {}
    for folder in PACKAGES:
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if relative.parts[:2] == ("site", "demo") or "migrations" in relative.parts:
                continue
            found = demo_references(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")
            if relative == Path("site/settings.py"):
                found = [line for line in found if not line.endswith(f": {DEMO}")]  # INSTALLED_APPS
            if found:
                offenders[str(relative)] = found
    assert offenders == {}


def _data_text() -> str:
    files = sorted(DATA_DIR.rglob("*"))
    assert any(path.suffix == ".toml" for path in files)
    return "\n".join(path.read_text(encoding="utf-8") for path in files if path.is_file())


def test_demo_data_holds_only_fictional_contact_details():
    """E-mails on the reserved .invalid domain, phones in the 01 99 00 fiction range (or short numbers such
    as 115), links to exemple.invalid only; accounts only in the project's roles."""
    text = _data_text()
    emails = re.findall(r"[\w.{}+-]+@[\w.{}-]+", text)
    assert emails and all(email.endswith("@exemple.invalid") for email in emails), emails
    phones = re.findall(r"(?<!\d)0\d(?:[ .]?\d\d){4}(?!\d)", text)
    assert all(phone.startswith("01 99 00") for phone in phones), phones
    hosts = re.findall(r"https?://([^/\s\"'<]+)", text)
    official = read("guide/guide.toml")["official_domains"]  # the guide sends readers to public services
    assert hosts and all(host.endswith(".exemple.invalid") or any(
        host == domain or host.endswith("." + domain) for domain in official) for host in hosts), hosts
    for user in read("accounts.toml")["users"]:
        assert user.get("role") is None or user["role"] in roles.ALL_ROLES, user


def test_guide_data_resolves():
    """Every theme's folder holds exactly its listed articles, the path points at existing articles, and every
    block is one the guide knows (themes() raises on an unknown key or a missing one)."""
    themes = demo_guide.themes()
    assert [theme["slug"] for theme in themes] == read("guide/guide.toml")["themes"]
    folders = {path.name for path in (DATA_DIR / "guide").iterdir() if path.is_dir()}
    assert folders == {theme["slug"] for theme in themes}
    articles = {f"{theme['slug']}/{article['slug']}" for theme in themes for article in theme["articles"]}
    for step in read("guide/path.toml")["steps"]:
        assert set(step["articles"]) <= articles, step["title"]
    slugs = [term["slug"] for term in demo_guide.glossary_terms()]
    assert len(slugs) == len(set(slugs))


def test_a_mistyped_block_key_is_refused():
    with pytest.raises(ValueError, match="unknown key"):
        demo_guide.block({"type": "callout", "text": "<p>…</p>", "titel": "À retenir"})
    with pytest.raises(ValueError, match="required"):
        demo_guide.block({"type": "steps", "title": "Les étapes"})
    assert demo_guide.block({"type": "directory", "thematiques": ["sante"]})["value"] == {
        "title": "Qui peut t'aider ?", "thematiques": ["sante"], "publics": ["jeunes"], "age": None, "limit": 6}


def test_meetings_and_indicators_data_name_known_choices():
    from meetings.indicators.models import Indicator
    from meetings.models import Body

    for key, body in read("meetings.toml")["bodies"].items():
        assert body["kind"] in Body.Kind.values, key
    for indicator in read("indicators.toml")["indicators"]:
        assert indicator["computation"] in Indicator.Computation.values, indicator["code"]
        assert indicator["unit"] in Indicator.Unit.values, indicator["code"]
