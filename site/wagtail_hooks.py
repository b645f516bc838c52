"""Admin pieces of the project: the script that replaces Wagtail's inline <script> initialisers (CSP)."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def admin_init_script():
    return format_html('<script src="{}"></script>', static("relais/js/admin-init.js"))
