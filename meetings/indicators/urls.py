from django.urls import path

from meetings.indicators import operator_views, views

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/", views.export_matrix, name="export"),
    path("rapport-operateurs/", views.operator_report, name="operator-report"),
    path("periodes/", views.periods, name="periods"),
    path("periodes/<int:pk>/", views.period_detail, name="period"),
    path("api/indicateurs/", views.api_indicators, name="api"),
    path("api/indicateurs/<slug:code>/", views.api_indicators, name="api-detail"),
    *operator_views.urlpatterns,  # the operators' monthly table (before the catch-all below)
    path("<slug:code>/", views.indicator_detail, name="detail"),
    path("<slug:code>/export/", views.export_detail, name="detail-export"),
]
