"""Package list for setuptools; everything else is in pyproject.toml.

The project folder is `site/` but imports as `relais` (`site` is a standard-library module), so every
sub-package of `site/` must be listed as `relais.…`; pyproject's `packages.find` cannot rename them.
"""

from setuptools import find_packages, setup

APPS = ["directory", "guide", "meetings", "search"]

setup(
    packages=[
        *find_packages(include=[name for app in APPS for name in (app, f"{app}.*")]),
        *("relais" + name[len("site"):] for name in find_packages(include=["site", "site.*"])),
    ],
)
