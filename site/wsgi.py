"""WSGI entry point, for HTTP-only workers beside the ASGI server that carries /ws/ (see README)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.settings")
application = get_wsgi_application()
