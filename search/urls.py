from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("recherche/", views.search_page, name="search"),
    path("recherche/suggestions", views.suggestions, name="suggestions"),
    path("api/recherche", views.api_search, name="api"),
]
