#!/usr/bin/env python3
"""Fails when the built wheel lacks a file of the source tree (a template, migration, static or data file).

Production installs the wheel, not the checkout: a file left out of it is a page that cannot render or a
migration that never runs. Every file under the package folders counts (`site/` is installed as `relais/`);
only byte-code is left out. Usage: check_wheel.py dist/relais-<version>-py3-none-any.whl
"""

import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Source folder → import name in the wheel.
PACKAGES = {"site": "relais", "directory": "directory", "guide": "guide", "meetings": "meetings", "search": "search"}
IGNORED_PARTS = {"__pycache__"}
IGNORED_SUFFIXES = {".pyc", ".pyo"}


def expected_files(root: Path = ROOT) -> set[str]:
    """Paths the wheel must hold, as they are named inside it."""
    expected = set()
    for folder, name in PACKAGES.items():
        for path in (root / folder).rglob("*"):
            relative = path.relative_to(root / folder)
            if path.is_file() and not IGNORED_PARTS & set(relative.parts) and path.suffix not in IGNORED_SUFFIXES:
                expected.add(f"{name}/{relative.as_posix()}")
    return expected


def missing_files(wheel: Path, root: Path = ROOT) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        present = set(archive.namelist())
    return sorted(expected_files(root) - present)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    wheel = Path(argv[1])
    missing = missing_files(wheel)
    with zipfile.ZipFile(wheel) as archive:
        count = len(archive.namelist())
    if missing:
        print(f"{wheel.name}: {len(missing)} file(s) of the tree are missing from the wheel "
              "(pyproject.toml [tool.setuptools.package-data], setup.py):", file=sys.stderr)
        for name in missing:
            print(f"  {name}", file=sys.stderr)
        return 1
    print(f"{wheel.name}: {count} files, every file of the package folders included")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
