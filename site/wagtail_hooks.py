"""Admin pieces that belong to the project rather than to one app: the per-person data page."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

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
