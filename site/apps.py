from django.apps import AppConfig


class RelaisConfig(AppConfig):
    """Project-wide pieces: roles, the professional space, health and the site shell."""

    name = "relais"
    verbose_name = "Relais"

    def ready(self):
        from relais import csp

        csp.install_admin_markers()  # the Wagtail admin without inline scripts (Content-Security-Policy)

        from relais import roles
        from relais.forms import install_inline_row_guard, register_admin_form_overrides

        roles.connect_signals()
        register_admin_form_overrides()
        install_inline_row_guard()

        from relais import (
            login_protection,  # noqa: F401 - counts failed logins per address (user_login_failed)
            personal_data,
        )

        personal_data.register(personal_data.Accounts())

        from django.db.models.signals import post_migrate

        from relais.languages import ensure_locales

        post_migrate.connect(ensure_locales, sender=self, dispatch_uid="relais.ensure_locales")

        # The switcher's and hreflang's cached addresses (relais.languages) follow pages and reviews.
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from relais.languages import forget_translations
        from relais.models import TranslationReview

        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(forget_translations, dispatch_uid=f"relais.languages.{id(signal)}")
        post_delete.connect(forget_translations, sender=Page, dispatch_uid="relais.languages.page-delete")
        for signal in (post_save, post_delete):
            signal.connect(forget_translations, sender=TranslationReview,
                           dispatch_uid=f"relais.languages.review.{id(signal)}")
