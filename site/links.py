"""Links: absolute ones from one setting, ``RELAIS_BASE_URL`` (also Wagtail's ``WAGTAILADMIN_BASE_URL``), and
the one check of a ``next`` address a request asks to be sent back to.

E-mails, calendar files, QR codes, PDFs and the open-data export are read outside the site, often with no
request at hand (commands, scheduled tasks); behind a proxy a request's own host may be an internal name.
So every absolute link to Relais is the public address the département configured, plus a path.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def base_url() -> str:
    """The site's public address, without a trailing slash: ``https://relais.example.org``."""
    return settings.RELAIS_BASE_URL.rstrip("/")


def absolute_url(path_or_url: str) -> str:
    """``/annuaire/x/`` → ``https://relais.example.org/annuaire/x/``; an already absolute URL is kept."""
    if urlsplit(path_or_url).scheme:
        return path_or_url
    return base_url() + "/" + path_or_url.lstrip("/")


def safe_next(request, fallback: str, *, target: str | None = None) -> str:
    """Where to send the visitor back: ``target`` (by default the request's ``next``, POST then GET) when it
    stays on this site (Django's host and scheme check, no control characters), otherwise ``fallback``.
    Every "back to where you were" redirect goes through here, so none can send a visitor to another site."""
    if target is None:
        target = request.POST.get("next") or request.GET.get("next") or ""
    if (target and not any(ord(char) < 32 for char in target)
            and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure())):
        return target
    return fallback
