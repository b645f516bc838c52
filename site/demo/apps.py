from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Installed for its `load_demo` command only: it has no models, URLs or signals."""

    name = "relais.demo"
    label = "demo"
    verbose_name = "Démonstration"
