"""The admin's menus show no entry that relais.admin_access would refuse to the user."""

from wagtail import hooks

from relais.admin_access import menu_item_reachable


def _drop_refused(request, menu_items):
    menu_items[:] = [item for item in menu_items if menu_item_reachable(request, item)]


hooks.register("construct_main_menu", _drop_refused)
hooks.register("construct_reports_menu", _drop_refused)
hooks.register("construct_settings_menu", _drop_refused)
