"""The demo: content and fictional records as data files (`data/`, TOML), and the loaders that write them.

`make run` loads it with `manage.py load_demo`; deploy/smoke.sh loads it from the installed wheel on a staging
database. Production code never imports this package (tests/site/test_demo_data.py): it reaches the apps
through their models and services, never the other way round. Every loader is idempotent.
"""

import tomllib
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def read(name: str) -> dict:
    """One data file, e.g. ``read("directory.toml")`` or ``read("guide/logement/theme.toml")``."""
    with (DATA_DIR / name).open("rb") as file:
        return tomllib.load(file)
