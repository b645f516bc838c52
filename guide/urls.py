from django.urls import path

from guide import offline, views

app_name = "guide"

# Served before Wagtail's catch-all: these slugs are reserved under /guide/.
urlpatterns = [
    path("guide/glossaire/", views.glossary, name="glossary"),
    path("guide/territoire/", views.choose_territory, name="territory"),
    path("guide/territoire/suggestions/", views.territory_suggestions, name="territory-suggestions"),
    path("guide/avis/", views.page_feedback, name="feedback"),
    path("guide/idee/", views.idea, name="idea"),
    path("guide/imprimer/", views.printable, name="print"),
    path("guide/imprimer/pdf/", views.printable_pdf, name="print-pdf"),
    path("urgence/", views.emergency, name="emergency"),
    # The guide in the pocket (guide/offline.py): installable, readable offline.
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("sw.js", offline.service_worker, name="service-worker"),
    path("hors-connexion/", offline.offline_page, name="offline"),
    path("guide/hors-connexion.json", offline.save_list_json, name="offline-list"),
]
