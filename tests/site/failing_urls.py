"""A URL conf with one view that fails, to prove that server errors reach the error reporting.

The project's patterns are copied rather than included: Django refuses ``i18n_patterns`` (the reader's pages
under /en/, /ar/…) inside an included URL conf."""

from django.urls import path

from relais import urls as project


def broken(request):
    raise RuntimeError("panne de démonstration")


urlpatterns = [path("_panne/", broken), *project.urlpatterns]
handler400, handler403, handler404 = project.handler400, project.handler403, project.handler404
handler500 = "relais.views.server_error"
