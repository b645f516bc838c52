from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """Partner directory: territories, organisations, services and contacts."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "directory"
    label = "directory"
    verbose_name = "Annuaire"
