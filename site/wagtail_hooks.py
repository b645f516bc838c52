"""The Wagtail admin's account settings point to the confirmed e-mail change of the professional space."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_account_menu_item")
def email_change_menu_item(request):
    return {
        "url": reverse("relais:account") + "#courriel",
        "label": _("Changer de courriel"),
        "help_text": _("Le nouveau courriel est confirmé par un lien qui lui est envoyé."),
    }
