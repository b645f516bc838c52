"""Uploaded media: who may fetch a document or an image file, and the view that serves image files.

Private stays private (docs/access.md, "Media"):
- documents always go through Wagtail's /documents/ view, which checks the collection's privacy; the
  `before_serve_document` hook (guide/wagtail_hooks.py) adds the pages that use the document;
- image files (originals under original_images/, renditions under images/) are served by `serve_media`, in
  production too, after the same two checks: the proxy hands those folders to Django and serves only the rest
  of /media/ itself (README, "Deploying").
A file is private when its collection has a view restriction the request does not meet, or when pages use it
and every one of them is restricted for the request (Wagtail's reference index says which records use it).
"""

import posixpath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.views.static import serve
from wagtail.images import get_image_model
from wagtail.models import BaseViewRestriction, Page, PageViewRestriction, ReferenceIndex
from wagtail.permissions import policy_registry
from wagtail.wagtail_hooks import require_wagtail_login

MEDIA_PRIVATE_PREFIXES = ("documents/",)
IMAGE_PREFIXES = ("original_images/", "images/")
MEDIA_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def page_restrictions(obj) -> list[list[BaseViewRestriction]] | None:
    """The view restrictions of each page that uses `obj`; None when something public may show it too.

    None when nothing uses it, or when a record other than a page does (a snippet is shown on public pages):
    then only its collection decides. A page with an empty list is unrestricted.
    """
    page_type = ContentType.objects.get_for_model(Page).pk
    sources = set(ReferenceIndex.get_references_to(obj).values_list("base_content_type_id", "object_id"))
    if not sources or any(content_type != page_type for content_type, _pk in sources):
        return None
    paths = list(Page.objects.filter(pk__in=[int(pk) for _type, pk in sources]).values_list("path", flat=True))
    if not paths:
        return None
    restrictions = list(PageViewRestriction.objects.select_related("page"))
    # A page's restrictions are its own and its ancestors' (Page.get_view_restrictions), one query for all.
    return [[r for r in restrictions if path.startswith(r.page.path)] for path in paths]


def unmet_restrictions(request, obj, *, collection: bool = True) -> tuple[bool, list[BaseViewRestriction]]:
    """(whether any restriction concerns `obj`, the restrictions that keep it from this request).

    Kept from the request when its collection has a restriction the request does not meet (`collection`:
    Wagtail's document view checks that itself), or when every page that uses it has one.
    """
    restricted = False
    if collection:
        applying = list(obj.collection.get_view_restrictions())
        restricted = bool(applying)
        unmet = [r for r in applying if not r.accept_request(request)]
        if unmet:
            return True, unmet
    per_page = page_restrictions(obj)
    if per_page is None:
        return restricted, []
    unmet = []
    for applying in per_page:
        refusing = [r for r in applying if not r.accept_request(request)]
        if not refusing:
            return restricted or any(per_page), []  # one page the request may see shows it
        unmet.extend(refusing)
    return True, unmet


def refusal(request, obj, permission_policy, *, collection: bool = True):
    """None when the request may fetch `obj` (a document or an image); otherwise Wagtail's answer for a
    private page (see `refuse`)."""
    _restricted, unmet = unmet_restrictions(request, obj, collection=collection)
    return refuse(request, obj, permission_policy, unmet)


def refuse(request, obj, permission_policy, unmet):
    """The login page for an anonymous visitor kept out by a login or group restriction, else 403 (logged by
    relais.views.permission_denied); None when nothing is unmet or the user may change or choose `obj` in the
    admin (choosers and thumbnails show it)."""
    if not unmet:
        return None
    user = request.user
    if user.is_authenticated and permission_policy.user_has_any_permission_for_instance(
            user, ["change", "choose"], obj):
        return None
    if not user.is_authenticated and any(r.restriction_type != BaseViewRestriction.PASSWORD for r in unmet):
        return require_wagtail_login(next=request.get_full_path())
    raise PermissionDenied


def document_refusal(document, request):
    """The pages' half of a document's privacy: Wagtail's own hook has checked its collection."""
    return refusal(request, document, policy_registry.get_by_type(type(document)), collection=False)


def image_of_file(name: str):
    """The Wagtail image whose original or rendition is stored as `name` under MEDIA_ROOT, or None."""
    Image = get_image_model()
    if name.startswith("original_images/"):
        return Image.objects.filter(file=name).select_related("collection").first()
    rendition = (Image.get_rendition_model().objects.filter(file=name)
                 .select_related("image__collection").first())
    return rendition.image if rendition else None


def serve_media(request, path):
    """Files under MEDIA_URL that Django serves: image files of the library always, after the privacy check
    (the proxy hands them over); any other file only in the embedded mode (or with RELAIS_SERVE_MEDIA=1).

    Original documents are never served from here: Wagtail's document view (/documents/<id>/<name>) serves
    them after checking their privacy.
    """
    name = posixpath.normpath(path).lstrip("/")
    if name.startswith(MEDIA_PRIVATE_PREFIXES):
        raise Http404
    image = image_of_file(name) if name.startswith(IMAGE_PREFIXES) else None
    if image is None and not settings.RELAIS_SERVE_MEDIA:
        raise Http404  # production: the proxy serves public media; this file is no library image
    restricted = False
    if image is not None:
        restricted, unmet = unmet_restrictions(request, image)
        answer = refuse(request, image, policy_registry.get_by_type(type(image)), unmet)
        if answer is not None:
            return answer
    response = serve(request, name, document_root=settings.MEDIA_ROOT)
    if restricted:
        patch_cache_control(response, private=True)  # never kept by a shared cache
    # An uploaded SVG opened on its own must not run scripts on this origin (the proxy sends the same header).
    response["Content-Security-Policy"] = MEDIA_CSP
    return response
