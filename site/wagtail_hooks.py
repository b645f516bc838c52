"""Admin pieces that belong to the project rather than to one app: the per-person data page, the account
settings' link to the confirmed e-mail change of the professional space, and menus that show no entry
relais.admin_access would refuse to the user."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from relais.admin_access import menu_item_reachable
from relais.permissions import can
from relais.personal_data_views import PERMISSION, personal_data_view


@hooks.register("register_admin_urls")
def relais_admin_urls():
    return [path("donnees-personnelles/", personal_data_view, name="relais_personal_data")]


class _PersonalDataMenuItem(MenuItem):
    def is_shown(self, request):
        return can(request.user, PERMISSION)


@hooks.register("register_settings_menu_item")
def personal_data_menu_item():
    return _PersonalDataMenuItem(_("Données personnelles (RGPD)"), reverse("relais_personal_data"), icon_name="user",
                                 order=900)


@hooks.register("register_account_menu_item")
def email_change_menu_item(request):
    return {
        "url": reverse("relais:account") + "#courriel",
        "label": _("Changer de courriel"),
        "help_text": _("Le nouveau courriel est confirmé par un lien qui lui est envoyé."),
    }


def _drop_refused(request, menu_items):
    menu_items[:] = [item for item in menu_items if menu_item_reachable(request, item)]


hooks.register("construct_main_menu", _drop_refused)
hooks.register("construct_reports_menu", _drop_refused)
hooks.register("construct_settings_menu", _drop_refused)


# --- Page translations: their review (relais.languages) ---------------------------------------------------
from django.utils import timezone  # noqa: E402
from wagtail.admin.panels import FieldPanel  # noqa: E402
from wagtail.snippets.models import register_snippet  # noqa: E402
from wagtail.snippets.views.snippets import SnippetViewSet  # noqa: E402

from relais.admin_access import ScopedSnippetChooserViewSet  # noqa: E402
from relais.models import TranslationReview  # noqa: E402


class TranslationReviewViewSet(SnippetViewSet):
    model = TranslationReview
    chooser_viewset_class = ScopedSnippetChooserViewSet
    icon = "globe"
    menu_label = _("Traductions")
    add_to_admin_menu = True
    menu_order = 250
    list_display = ["page", "status", "publish_before_review", "reviewed_at"]
    list_filter = ["status", "publish_before_review"]
    panels = [FieldPanel("page"), FieldPanel("status"), FieldPanel("publish_before_review"),
              FieldPanel("reviewer_name"), FieldPanel("note")]


register_snippet(TranslationReviewViewSet)


def _record_review(request, instance):
    """Marked "reviewed" now: who and when, shown on the page."""
    if isinstance(instance, TranslationReview) and instance.is_reviewed and instance.reviewed_at is None:
        instance.reviewed_by = request.user
        instance.reviewed_at = timezone.now()
        instance.save(update_fields=["reviewed_by", "reviewed_at"])
    elif isinstance(instance, TranslationReview) and not instance.is_reviewed and instance.reviewed_at:
        instance.reviewed_at = None
        instance.save(update_fields=["reviewed_at"])


hooks.register("after_create_snippet", _record_review)
hooks.register("after_edit_snippet", _record_review)


@hooks.register("after_create_page")
def _new_translation_is_a_draft(request, page):
    """A page created in another language than French starts as a draft translation, hidden from readers."""
    from relais.languages import default_language

    if page.locale.language_code != default_language():
        TranslationReview.objects.get_or_create(page=page)
