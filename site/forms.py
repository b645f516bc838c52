from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form with French labels and autocomplete hints for password managers."""

    username = forms.CharField(
        label=_("Identifiant"),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mot de passe"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    error_messages = {
        "invalid_login": _(
            "Identifiant ou mot de passe incorrect. Vérifiez les majuscules ; après plusieurs échecs, "
            "l'accès est bloqué pendant un quart d'heure."
        ),
        "inactive": _("Ce compte est désactivé. Contactez l'administrateur du département."),
        "address_locked": _("Trop d'échecs de connexion depuis cette adresse : réessayez dans un quart d'heure."),
    }

    def get_invalid_login_error(self):
        if getattr(self.request, "relais_address_locked", False):
            return forms.ValidationError(self.error_messages["address_locked"], code="address_locked")
        return super().get_invalid_login_error()
