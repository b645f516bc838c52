from django.urls import path

from directory import views

app_name = "directory"

urlpatterns = [
    path("", views.directory_list, name="list"),
    path("export.json", views.export_json, name="export-json"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("<slug:slug>/", views.organisation_detail, name="organisation"),
    path("<slug:slug>/signaler/", views.report_error, name="report-error"),
    path("<slug:slug>/confirmer/", views.confirm_up_to_date, name="confirm"),
]
