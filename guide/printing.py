"""The whole-guide PDF: built once per key by a background task into storage, then served from there.

Rendering the whole guide with WeasyPrint takes about 100 s of CPU, so a request never renders it. A key is
(theme or whole guide, reader's territory). ``request_document`` serves the stored file when it matches the
current ``source_version`` (guide pages published, directory changed); otherwise it queues at most one build
for the key (the ``GuideDocument`` row is the lock) and the view answers with a page that says the document
is being prepared. A visitor (client address) can have one build of their own queued at a time and
BUILDS_PER_HOUR in all; builds for a chosen territory are capped site-wide (see the constants below).
The file is a tagged PDF (PDF/UA-1) whose site links are absolute (relais.links), with a paged contents.
With the immediate task backend (embedded default, tests) the build happens at once and the file is served;
production runs the database backend, whose worker builds it while the request answers at once.
"""

import hashlib
import logging
import re
import threading
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone, translation

from guide.models import GuideDocument
from guide.territory import COOKIE_NAME, reader_territory
from relais import pdf, ratelimit
from relais.client import client_ip
from relais.links import absolute_url

logger = logging.getLogger(__name__)

# A queued build not finished after this long is taken as lost (worker stopped): the next request queues one.
BUILD_STALE_SECONDS = 15 * 60
READY, PREPARING, BUSY, LIMITED, FULL = "ready", "preparing", "busy", "limited", "full"
# Bounds on what visitors can make the worker do (each build is ~100 s of CPU). Keys are (theme or whole
# guide) × (no territory or a territory that exists: unknown cookie codes are ignored), each built once per
# source version. On top: one build of their own queued per address at a time, BUILDS_PER_HOUR per address
# (relais.ratelimit), and at most TERRITORY_BUILDS_IN_FLIGHT builds for a chosen territory queued at once
# site-wide (the department-wide keys, which most readers share, are never refused).
BUILDS_PER_HOUR = 6
TERRITORY_BUILDS_IN_FLIGHT = 4
PDF_VARIANT = "pdf/ua-1"  # tagged: structure tree, language, reading order for screen readers
_RELATIVE_HREF = re.compile(r'(\shref=")(/(?!/)[^"]*)"')


def visitor_address(request) -> str:
    """The address a visitor's builds are counted against (one at a time): the proxy-aware client address."""
    return client_ip(request)


def source_version() -> str:
    """Changes whenever the printed content may: a page published or unpublished, a partner, service or
    territory changed (the guide's partner-list version, bumped by the directory's signals, plus the
    directory's own dates and counts, which survive a cache flush)."""
    from wagtail.models import Page

    from directory.models import Organisation, Service, Territory
    from guide import partners

    pages = Page.objects.live().aggregate(last=Max("last_published_at"), n=Count("id"))
    orgs = Organisation.objects.aggregate(last=Max("updated_at"), n=Count("id"))
    services = Service.objects.aggregate(last=Max("updated_at"), n=Count("id"))
    parts = [pages["last"], pages["n"], orgs["last"], orgs["n"], services["last"], services["n"],
             Territory.objects.count(), cache.get_or_set(partners.VERSION_KEY, 1, None)]
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32]


def document_key(theme_slug: str, territory_code: str, language: str = "") -> str:
    """The theme, the territory and, for another language than French, the language (``en/-:62``)."""
    key = f"{theme_slug or '-'}:{territory_code or '-'}"
    return key if not language or language == settings.LANGUAGE_CODE else f"{language}/{key}"


def key_language(key: str) -> str:
    """The language a document's key was built in (French when the key has none)."""
    language, sep, _rest = key.partition("/")
    return language if sep else settings.LANGUAGE_CODE


def download_name(theme_slug: str) -> str:
    return "guide-relais" + (f"-{theme_slug}" if theme_slug else "") + ".pdf"


def is_current(document: GuideDocument, version: str) -> bool:
    return bool(document.file) and document.version == version and default_storage.exists(document.file.name)


def request_document(request, theme_slug: str) -> tuple[str, GuideDocument]:
    """(READY, document) to serve; (PREPARING, document) while a build is queued or running; (BUSY, document)
    when this visitor already has another build queued; (LIMITED, document) when they started too many this
    hour; (FULL, document) when too many territory builds are queued site-wide."""

    territory = reader_territory(request)
    code = territory.code if territory else ""
    key = document_key(theme_slug, code, translation.get_language())
    version = source_version()
    document, _created = GuideDocument.objects.get_or_create(
        key=key, defaults={"theme_slug": theme_slug, "territory_code": code})
    if is_current(document, version):
        return READY, document
    now = timezone.now()
    stale_before = now - timedelta(seconds=BUILD_STALE_SECONDS)
    if (document.building_version == version and document.build_requested_at
            and document.build_requested_at > stale_before):
        return PREPARING, document  # someone already asked for this version
    if code and (GuideDocument.objects.exclude(territory_code="").exclude(pk=document.pk)
                 .filter(build_requested_at__gt=stale_before).count() >= TERRITORY_BUILDS_IN_FLIGHT):
        return FULL, document
    slot = "guide:pdf:visitor:" + hashlib.sha256(visitor_address(request).encode()).hexdigest()[:32]
    if not cache.add(slot, key, BUILD_STALE_SECONDS):
        return BUSY, document
    if not ratelimit.hit(request, "guide:pdf-build", BUILDS_PER_HOUR, 3600):
        cache.delete(slot)
        return LIMITED, document
    claimed = (GuideDocument.objects.filter(pk=document.pk)
               .filter(~Q(building_version=version) | Q(build_requested_at__isnull=True)
                       | Q(build_requested_at__lt=stale_before))
               .update(building_version=version, build_requested_at=now))
    if not claimed:  # another request won the row between our read and our update
        cache.delete(slot)
        return PREPARING, document
    try:
        _start_build(document.pk, version, slot)
    except Exception:
        release(document.pk, version, slot)
        raise
    document.refresh_from_db()
    return (READY if is_current(document, version) else PREPARING), document


def _start_build(document_id: int, version: str, slot: str) -> None:
    """Queue the build for the worker. In the embedded mode tasks run inside the request (the immediate
    backend), and a build takes tens of seconds: there it runs in a thread of its own after commit, so the
    reader gets the "being prepared" page at once (``RELAIS_GUIDE_PDF_THREAD``)."""
    from guide import tasks

    if not settings.RELAIS_GUIDE_PDF_THREAD:
        tasks.build_guide_pdf.enqueue(document_id, version, slot)
        return

    def run():
        try:
            build(document_id, version, slot)
        except Exception:
            logger.exception("guide PDF: the build of document %s failed", document_id)
        finally:
            connections.close_all()

    transaction.on_commit(lambda: threading.Thread(target=run, name=f"guide-pdf-{document_id}", daemon=True).start())


def release(document_id: int, version: str, slot: str = "") -> None:
    """Drop the claim of a build (done or failed) and the visitor's slot."""
    GuideDocument.objects.filter(pk=document_id, building_version=version).update(
        building_version="", build_requested_at=None)
    if slot:
        cache.delete(slot)


def _render_request(theme_slug: str, territory_code: str):
    """A GET request as an anonymous reader with this theme and territory: the worker has no real one.
    Anonymous on purpose: the stored file is shared by every reader, so it shows only public content."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest, QueryDict
    from django.urls import reverse
    from wagtail.models import Site

    base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = reverse("guide:print-pdf")
    request.GET = QueryDict(mutable=True)
    if theme_slug:
        request.GET["theme"] = theme_slug
    request.COOKIES = {COOKIE_NAME: territory_code} if territory_code else {}
    request.META = {"SERVER_NAME": base.hostname or "localhost",
                    "SERVER_PORT": str(base.port or (443 if base.scheme == "https" else 80)),
                    "HTTP_HOST": base.netloc or "localhost"}
    request.user = AnonymousUser()
    request._wagtail_site = Site.objects.filter(is_default_site=True).first()
    return request


def render_pdf(theme_slug: str, territory_code: str, language: str = "") -> bytes:
    """The PDF bytes (the slow part: WeasyPrint, through relais.pdf, which fetches nothing over the network), in
    ``language`` (its reviewed pages and interface, right to left included; French by default)."""
    from django.template.loader import render_to_string

    from guide.views import _printable_context

    with translation.override(language or settings.LANGUAGE_CODE):
        request = _render_request(theme_slug, territory_code)
        context = _printable_context(request)
        context["inline_css"] = pdf.inline_css("relais/css/relais.css", "guide/css/guide.css",
                                               "guide/css/guide-print.css")
        html = absolute_links(render_to_string("guide/print_pdf.html", context, request=request))
    return pdf.render_pdf(html, variant=PDF_VARIANT)


def absolute_links(html: str) -> str:
    """Site-relative links (``/annuaire/…``) made absolute (relais.links): on paper, and in a PDF saved or
    forwarded, a link must say which site it is on. In-document anchors (``#…``) stay as they are."""
    return _RELATIVE_HREF.sub(lambda match: f'{match.group(1)}{absolute_url(match.group(2))}"', html)


def build(document_id: int, requested_version: str, slot: str = "") -> bool:
    """Render one key into storage (the task's body). The version recorded is the one read before rendering:
    a change during the build leaves the file stale, so the next request queues a fresh one."""
    document = GuideDocument.objects.filter(pk=document_id).first()
    if document is None:
        release(document_id, requested_version, slot)
        return False
    try:
        version = source_version()
        language = key_language(document.key)
        extra = () if language == settings.LANGUAGE_CODE else (language,)  # French: the two-argument call
        pdf = render_pdf(document.theme_slug, document.territory_code, *extra)
        name = "generated/guide/{}-{}.pdf".format(
            download_name(document.theme_slug).removesuffix(".pdf"),
            hashlib.sha256(f"{document.key}|{version}".encode()).hexdigest()[:16])
        saved = default_storage.save(name, ContentFile(pdf))
        old = document.file.name if document.file else ""
        GuideDocument.objects.filter(pk=document.pk).update(file=saved, version=version, built_at=timezone.now())
        if old and old != saved:
            default_storage.delete(old)
        logger.info("guide: PDF %s built (%d bytes)", document.key, len(pdf))
        return True
    finally:
        release(document_id, requested_version, slot)
