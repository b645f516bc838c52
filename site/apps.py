from django.apps import AppConfig


class RelaisConfig(AppConfig):
    """Project-wide pieces: roles, the professional space, health and the site shell."""

    name = "relais"
    verbose_name = "Relais"

    def ready(self):
        from relais import roles

        roles.connect_signals()
        _admin_without_inline_scripts()


def _admin_without_inline_scripts():
    """Wagtail's date/time widgets and inline panels start from an inline <script>, which the
    Content-Security-Policy blocks: render them with Relais' templates, which leave a data- marker that
    relais/js/admin-init.js (a static file) starts instead."""
    from wagtail.admin.panels import InlinePanel
    from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput, AdminTimeInput

    _chooser_without_inline_script()
    AdminDateInput.template_name = "relais/admin/date_input.html"
    AdminTimeInput.template_name = "relais/admin/time_input.html"
    AdminDateTimeInput.template_name = "relais/admin/datetime_input.html"
    InlinePanel.BoundPanel.template_name = "relais/admin/inline_panel.html"


def _chooser_without_inline_script():
    """Wagtail's choosers (page, snippet, image, document) end with ``<script>new XChooser(id, options)</script>``
    (BaseChooser.render): render the same widget with a data- marker that admin-init.js starts."""
    import json

    from django.utils.html import format_html
    from wagtail.admin.widgets import BaseChooser

    original_render = BaseChooser.render
    if getattr(original_render, "relais_marker", False):
        return

    def render(self, name, value, attrs=None, renderer=None):
        if type(self).render_js_init is not BaseChooser.render_js_init or not (attrs or {}).get("id"):
            return original_render(self, name, value, attrs=attrs, renderer=renderer)  # e.g. the task chooser
        id_ = attrs["id"]
        value_data = self.get_value_data(value)
        return format_html(
            '{}<span hidden data-relais-init="chooser" data-constructor="{}" data-for="{}" data-config="{}"></span>',
            self.render_html(name, value_data, attrs), self.js_constructor, id_,
            json.dumps(self.get_js_init_options(id_, name, value_data)))

    render.relais_marker = True
    BaseChooser.render = render
