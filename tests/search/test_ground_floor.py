"""search/ is the ground floor: content apps declare their documents to it (search.registry); it imports
none of them and names no model by string, so an app can change or leave without search breaking."""

import ast
from pathlib import Path

import pytest

from search import registry

SEARCH = Path(__file__).resolve().parents[2] / "search"
APPS = {"directory", "guide", "meetings"}


def _modules():
    return sorted(p for p in SEARCH.rglob("*.py") if "migrations" not in p.parts)


def _violations(path: Path) -> list[str]:
    """Each forbidden import or model look-up in this file, as "file: what"."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.split(".")[0] in APPS]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] in APPS:
            found.append(f"from {node.module} import …")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "get_model":
                found.append("apps.get_model(…)")
            elif name in ("__import__", "import_module") and node.args and isinstance(node.args[0], ast.Constant) \
                    and str(node.args[0].value).split(".")[0] in APPS:
                found.append(f"{name}({node.args[0].value!r})")
    return [f"{path.name}: {line}" for line in found]


def test_the_scan_sees_every_module_of_search():
    names = {p.name for p in _modules()}
    assert {"api.py", "indexing.py", "registry.py", "views.py", "elasticsearch.py"} <= names


def test_search_imports_no_content_app_and_looks_up_no_model_by_name():
    violations = [v for path in _modules() for v in _violations(path)]
    assert violations == []


@pytest.mark.parametrize("source", [
    "from directory.models import Organisation",
    "import guide.models",
    "from meetings import services",
    "from django.apps import apps\nModel = apps.get_model('guide', 'ArticlePage')",
])
def test_the_scan_catches_what_it_forbids(tmp_path, source):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text(source, encoding="utf-8")
    assert _violations(sneaky)


def test_every_indexed_kind_is_declared_by_its_app():
    kinds = {t.kind: t for t in registry.document_types()}
    assert set(kinds) >= {"organisation", "service", "article"}
    assert {m._meta.app_label for t in kinds.values() for m in t.models} == {"directory", "guide"}
    assert registry.kind_labels()["organisation"] == "Partenaire"


@pytest.mark.parametrize("boost", [0, -1.5])
def test_a_kind_without_a_positive_boost_is_refused(boost):
    """Scores are multiplied by the boost, and the database backend bounds the page by the smallest and the
    largest boost: a zero or negative one would turn the ranking over."""
    with pytest.raises(ValueError, match="boost"):
        registry.DocumentType(kind="test", label="Test", models=(), queryset=list, build=lambda row: None,
                              keys_for=lambda instance: (), boost=boost)
    assert registry.DocumentType(kind="test", label="Test", models=(), queryset=list, build=lambda row: None,
                                 keys_for=lambda instance: (), boost=0.5).boost == 0.5
