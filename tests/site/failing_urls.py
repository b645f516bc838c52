"""A URL conf with one view that fails, to prove that server errors reach the error reporting."""

from django.urls import include, path


def broken(request):
    raise RuntimeError("panne de démonstration")


urlpatterns = [path("_panne/", broken), path("", include("relais.urls"))]
handler500 = "relais.views.server_error"
