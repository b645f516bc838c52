"""Absolute links from one setting, ``RELAIS_BASE_URL`` (also Wagtail's ``WAGTAILADMIN_BASE_URL``).

E-mails, calendar files, QR codes, PDFs and the open-data export are read outside the site, often with no
request at hand (commands, scheduled tasks); behind a proxy a request's own host may be an internal name.
So every absolute link to Relais is the public address the département configured, plus a path.
"""

from urllib.parse import urlsplit

from django.conf import settings


def base_url() -> str:
    """The site's public address, without a trailing slash: ``https://relais.example.org``."""
    return settings.RELAIS_BASE_URL.rstrip("/")


def absolute_url(path_or_url: str) -> str:
    """``/annuaire/x/`` → ``https://relais.example.org/annuaire/x/``; an already absolute URL is kept."""
    if urlsplit(path_or_url).scheme:
        return path_or_url
    return base_url() + "/" + path_or_url.lstrip("/")
