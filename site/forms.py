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

class EmailChangeForm(forms.Form):
    """A new address for one's own account, with the password: the change waits for the link sent there."""

    new_email = forms.EmailField(label=_("Nouveau courriel"),
                                 widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label=_("Mot de passe actuel"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_new_email(self):
        email = self.cleaned_data["new_email"].strip()
        if email.lower() == (self.user.email or "").strip().lower():
            raise forms.ValidationError(_("C'est déjà le courriel de votre compte."))
        return email

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Mot de passe incorrect."))
        return password


class ContactLinkRequestForm(forms.Form):
    """The work address that the person's directory contact carries: the signed link goes there."""

    email = forms.EmailField(label=_("Courriel professionnel figurant sur votre fiche de l'annuaire"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
