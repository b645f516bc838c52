"""What production installs: the README's deploy commands are the ones CI runs, the wheel check catches a
missing file, and every third-party package the code imports is declared (so the lock holds it)."""

import ast
import importlib.metadata
import importlib.util
import re
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIRST_PARTY = {"relais", "directory", "guide", "meetings", "search", "tests", "conftest"}


def _readme_deploy_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Deploying"):]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line.strip() for line in block.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_readme_deploy_commands_are_what_the_ci_smoke_runs_in_that_order():
    """deploy/smoke.sh may add output redirections or `&` to a README line, and lines of its own between them."""
    script = [line.strip() for line in (ROOT / "deploy" / "smoke.sh").read_text().splitlines()]
    commands = _readme_deploy_commands()
    assert "make wheel" in commands and "venv/bin/relais db_worker" in commands
    position = 0
    for command in commands:
        for index in range(position, len(script)):
            line = script[index]
            if line == command or (line.startswith(command + " ") and line[len(command) + 1] in ">&2"):
                position = index + 1
                break
        else:
            pytest.fail(f"README command not run by deploy/smoke.sh (in this order): {command}")
    assert "make smoke" in (ROOT / ".ci" / "run").read_text()


def _fake_tree(root: Path) -> None:
    for path in ["site/__init__.py", "site/templates/base.html", "guide/migrations/0001_initial.py",
                 "guide/static/guide/css/guide.css", "directory/data/communes.csv", "meetings/__init__.py",
                 "search/__init__.py", "guide/__pycache__/x.cpython-311.pyc"]:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("x")


def test_wheel_check_names_each_file_of_the_tree_missing_from_the_wheel(tmp_path):
    spec = importlib.util.spec_from_file_location("check_wheel", ROOT / "deploy" / "check_wheel.py")
    check_wheel = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check_wheel)
    _fake_tree(tmp_path)
    wheel = tmp_path / "relais-0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name in ["relais/__init__.py", "relais/templates/base.html", "guide/static/guide/css/guide.css",
                     "meetings/__init__.py", "search/__init__.py"]:
            archive.writestr(name, "x")
    assert check_wheel.missing_files(wheel, tmp_path) == ["directory/data/communes.csv",
                                                          "guide/migrations/0001_initial.py"]


def _imported_top_level_names() -> dict[str, str]:
    """Top-level module → one file importing it, for every module of the apps, the project and the tests."""
    names = {}
    for folder in ["site", "directory", "guide", "meetings", "search", "tests", "deploy"]:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    names.setdefault(module.split(".")[0], str(path.relative_to(ROOT)))
    return names


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_third_party_package_is_declared_in_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    declared = {_normalise(re.match(r"[A-Za-z0-9._-]+", requirement).group(0)) for requirement in requirements}
    distributions = importlib.metadata.packages_distributions()
    undeclared = {}
    for module, where in _imported_top_level_names().items():
        if module in sys.stdlib_module_names or module in FIRST_PARTY or module == "__future__":
            continue
        owners = {_normalise(name) for name in distributions.get(module, [])}
        if not owners & declared:
            undeclared[module] = (where, sorted(owners) or "not installed")
    assert undeclared == {}, "imported but not declared in pyproject.toml: " + str(undeclared)
