from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    """The convention's indicator matrix: definitions, targets, values computed from attendance."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings.indicators"
    label = "indicators"
    verbose_name = "Indicateurs"
