"""The one PDF renderer (WeasyPrint), which never reaches the network.

A PDF is rendered from HTML that editors and members typed into; left to itself WeasyPrint would fetch every
``http(s)://`` image or stylesheet it names, from the server (a request forgery, and a render that hangs on a
slow host). Here every fetch goes through ``OfflineFetcher``: inline ``data:`` URLs, and the site's own static
files and public media images read from disk; anything else (another host, ``file://``, private documents) is
refused, and WeasyPrint leaves that resource out.
"""

import mimetypes
import posixpath
import re
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation

from relais.links import absolute_url

# Media folders whose files anyone may see (Wagtail's images and renditions); documents stay out of PDFs.
PUBLIC_MEDIA_DIRS = ("images/", "original_images/")


def render_pdf(html: str, *, variant: str | None = None) -> bytes:
    """The PDF bytes of ``html``; relative URLs resolve against the site's public address (relais.links).
    ``variant`` is WeasyPrint's ``pdf_variant``, e.g. ``"pdf/ua-1"`` for a tagged PDF that screen readers
    can follow (structure tree, document language, marked content)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=absolute_url("/"), url_fetcher=offline_fetcher())
    return document.write_pdf(pdf_variant=variant) if variant else document.write_pdf()


def inline_css(*names: str) -> str:
    """The text of these static stylesheets, to put in a ``<style>`` of the document (nothing to fetch). Their
    relative ``url(…)`` (fonts, images) are made absolute static URLs: inlined, they would otherwise resolve
    against the document's address and be refused (an Arabic PDF then fell back to a system font)."""
    chunks = []
    for name in names:
        content = _static_file(name)
        if content is not None:
            chunks.append(_absolute_urls(content.decode("utf-8"), name))
    return "\n".join(chunks)


_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")
_NOT_RELATIVE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/|#)", re.IGNORECASE)


def _absolute_urls(css: str, name: str) -> str:
    base = posixpath.dirname(name)

    def absolute(match: re.Match) -> str:
        target = match.group(2).strip()
        if _NOT_RELATIVE.match(target):
            return match.group(0)
        path = posixpath.normpath(posixpath.join(base, target))
        return f'url("{absolute_url(settings.STATIC_URL + path)}")'

    return _CSS_URL.sub(absolute, css)


def offline_fetcher():
    """A WeasyPrint URL fetcher that answers from memory and disk only (see the module's docstring)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class OfflineFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            content, name = local_resource(url)
            if content is None:
                raise ValueError(f"fetch refused: {url}")
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, content, {"Content-Type": content_type})

    return OfflineFetcher(allowed_protocols={"data"})


def local_resource(url: str) -> tuple[bytes | None, str]:
    """(bytes, name) of a static file or public media image that ``url`` names on this site; (None, "")
    for anything else."""
    for prefix, reader in ((absolute_url(settings.STATIC_URL), _static_file),
                           (absolute_url(settings.MEDIA_URL), _public_media_file)):
        if url.startswith(prefix):
            name = _clean_name(unquote(urlsplit(url[len(prefix):]).path))
            content = reader(name) if name else None
            return (content, name) if content is not None else (None, "")
    return None, ""


def _clean_name(name: str) -> str:
    """A relative file name without ``..`` or odd characters, or "" when there is none."""
    if not name or "\x00" in name or "\\" in name or name.startswith("/"):
        return ""
    normal = posixpath.normpath(name)
    if normal.startswith("..") or normal != name.rstrip("/"):
        return ""
    return normal


def _static_file(name: str) -> bytes | None:
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage

    try:
        path = finders.find(name)
        if path:
            with open(path, "rb") as handle:
                return handle.read()
        if staticfiles_storage.exists(name):  # collected (and possibly hashed) names in production
            with staticfiles_storage.open(name) as handle:
                return handle.read()
    except (SuspiciousFileOperation, OSError):
        pass
    return None


def _public_media_file(name: str) -> bytes | None:
    from django.core.files.storage import default_storage

    if not name.startswith(PUBLIC_MEDIA_DIRS):
        return None
    try:
        with default_storage.open(name) as handle:
            return handle.read()
    except (SuspiciousFileOperation, OSError):
        return None
