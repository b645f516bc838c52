"""Fonts for the scripts of the guide's languages, served by the site: Arabic (Arabic, Dari, Pashto) and Ge'ez
(Tigrinya), from the npm packages @fontsource/noto-sans-arabic and @fontsource/noto-sans-ethiopic
(package.json, installed by `npm ci`). Only the WOFF2 subsets the pages use are found, as
/static/relais/fonts/<file>: a staticfiles finder (settings.STATICFILES_FINDERS), so `collectstatic` copies
these two files, not the packages' hundreds. ``site/static/relais/css/relais.css`` declares them with a
``unicode-range``: a browser downloads one only for a page that has characters of its script.

node_modules is looked for beside the checkout (``make install``), then in the current folder (production:
``npm ci --omit=dev`` beside the wheel, README "Deploying").
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Warning as CheckWarning
from django.core.files.storage import FileSystemStorage

PREFIX = "relais/fonts"
# File served under PREFIX → (npm package, file inside its files/ folder).
FONTS = {
    "noto-sans-arabic-arabic-400-normal.woff2": ("@fontsource/noto-sans-arabic",
                                                "noto-sans-arabic-arabic-400-normal.woff2"),
    "noto-sans-ethiopic-ethiopic-400-normal.woff2": ("@fontsource/noto-sans-ethiopic",
                                                    "noto-sans-ethiopic-ethiopic-400-normal.woff2"),
}


def _node_modules() -> list[Path]:
    return [Path(settings.PROJECT_DIR).resolve().parent / "node_modules", Path.cwd() / "node_modules"]


def font_path(name: str) -> Path | None:
    package, file = FONTS[name]
    for root in _node_modules():
        path = root.joinpath(*package.split("/"), "files", file)
        if path.is_file():
            return path
    return None


class FontFinder(BaseFinder):
    """Finds /static/relais/fonts/<name> in the installed npm font packages."""

    def check(self, **kwargs):
        missing = [name for name in FONTS if font_path(name) is None]
        if not missing:
            return []
        return [CheckWarning(f"Polices introuvables dans node_modules : {', '.join(missing)} (npm ci).",
                             hint="Les pages en arabe, dari, pachto et tigrinya s'affichent avec les polices du "
                                  "téléphone.", id="relais.W010")]

    def find(self, path, find_all=False, **kwargs):
        prefix = PREFIX + "/"
        found = None
        if path.startswith(prefix) and path[len(prefix):] in FONTS:
            located = font_path(path[len(prefix):])
            found = str(located) if located else None
        if find_all:
            return [found] if found else []
        return found

    def list(self, ignore_patterns):
        for name in FONTS:
            path = font_path(name)
            if path is not None:
                storage = FileSystemStorage(location=str(path.parent))
                storage.prefix = PREFIX
                yield path.name, storage
