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
