"""The département's admins edit conventions, indicator definitions (with their yearly targets) and
hand-entered values in Wagtail's admin, under one "Indicateurs" menu. Validation lives in the models."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from meetings.indicators.models import Convention, Indicator, IndicatorValue
from meetings.indicators.permissions import VIEW_DASHBOARD
from relais.permissions import can


class ConventionViewSet(ModelViewSet):
    model = Convention
    icon = "doc-full"
    menu_label = _("Conventions")
    list_display = ["name", "first_year", "last_year"]
    add_to_admin_menu = False
    copy_view_enabled = False


class IndicatorViewSet(ModelViewSet):
    model = Indicator
    icon = "table"
    menu_label = _("Définitions et cibles")
    list_display = ["name", "code", "computation", "unit", "convention"]
    list_filter = ["computation", "unit", "convention", "is_active"]
    search_fields = ["name", "code", "definition"]
    copy_view_enabled = False


class IndicatorValueViewSet(ModelViewSet):
    model = IndicatorValue
    icon = "edit"
    menu_label = _("Valeurs saisies")
    list_display = ["indicator", "year", "territory", "value", "updated_at"]
    list_filter = ["indicator", "year"]
    copy_view_enabled = False


class IndicatorsGroup(ModelViewSetGroup):
    menu_label = _("Indicateurs")
    menu_icon = "table"
    menu_order = 310
    items = (IndicatorViewSet, IndicatorValueViewSet, ConventionViewSet)


@hooks.register("register_admin_viewset")
def register_viewset():
    return IndicatorsGroup()


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return can(request.user, VIEW_DASHBOARD)


@hooks.register("register_admin_menu_item")
def register_dashboard_link():
    return DashboardMenuItem(_("Tableau de bord des indicateurs"), "/indicateurs/", icon_name="view", order=311)
