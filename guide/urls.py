from django.urls import path

from guide import views

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
]
