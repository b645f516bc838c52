from django.apps import AppConfig


class RelaisConfig(AppConfig):
    """Project-wide pieces: roles, the professional space, health and the site shell."""

    name = "relais"
    verbose_name = "Relais"

    def ready(self):
        from relais import roles
        from relais.forms import register_admin_form_overrides

        roles.connect_signals()
        register_admin_form_overrides()
