"""Uploaded media served by Django: only in the embedded mode, or when RELAIS_SERVE_MEDIA=1 asks for it.

In production the proxy serves /media/ (README, "Deploying"); documents always go through Wagtail's
/documents/ view, which checks collection privacy.
"""

import posixpath

from django.conf import settings
from django.http import Http404
from django.views.static import serve

MEDIA_PRIVATE_PREFIXES = ("documents/",)
MEDIA_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def serve_media(request, path):
    """Uploaded media in the embedded mode (or with RELAIS_SERVE_MEDIA=1): image files and renditions.

    Original documents are never served from here: Wagtail's document view (/documents/<id>/<name>) serves
    them after checking the collection's privacy.
    """
    if posixpath.normpath(path).lstrip("/").startswith(MEDIA_PRIVATE_PREFIXES):
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    # An uploaded SVG opened on its own must not run scripts on this origin (the proxy sends the same header).
    response["Content-Security-Policy"] = MEDIA_CSP
    return response
