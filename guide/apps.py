from django.apps import AppConfig


class GuideConfig(AppConfig):
    """The youth resource guide: Wagtail pages, blocks, glossary and young people's feedback."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "guide"
    label = "guide"
    verbose_name = "Guide"

    def ready(self):
        from guide import (
            glossary,  # noqa: F401 - connects the cache invalidation signals
            partners,
        )
        from search import registry

        partners.connect_signals()
        registry.register_synonyms("glossary", glossary.synonym_groups)

        from guide.personal_data import GuideFeedback
        from relais import personal_data

        personal_data.register(GuideFeedback())

        from guide import search as guide_search
        from search import registry

        registry.register_documents(guide_search.GUIDE_PAGES)

        from django.db.models.signals import post_delete, post_save

        from relais.models import TranslationReview

        post_save.connect(guide_search.on_review_change, sender=TranslationReview, dispatch_uid="guide.review-index")
        post_delete.connect(guide_search.on_review_change, sender=TranslationReview,
                            dispatch_uid="guide.review-index-delete")
        registry.register_browse("themes", guide_search.theme_links)
