from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from relais.validators import is_possible_key, validate_single_line

USERNAME_MAX = 150  # Django's username column; longer names are refused before authentication and logging


class LoginForm(AuthenticationForm):
    """Django's login form with French labels and autocomplete hints for password managers."""

    username = forms.CharField(
        label=_("Identifiant"), max_length=USERNAME_MAX,
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

class HoneypotMixin:
    """A field people never see and naive bots fill in. The template hides it (CSS, ``aria-hidden``,
    ``tabindex="-1"``); the view asks ``is_bot()`` before anything else and answers a bot as it answers a
    person, storing nothing, so the bot learns nothing. ``honeypot_name`` is the field's name in the HTML."""

    honeypot_name = "website"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.honeypot_name] = HoneypotField()

    def is_bot(self) -> bool:
        return honeypot_filled(self.data, self.honeypot_name)


class HoneypotField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Ne pas remplir"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
        super().__init__(**kwargs)


def honeypot_filled(data, name: str = HoneypotMixin.honeypot_name) -> bool:
    """True when the submitted ``data`` (a QueryDict or dict) carries anything in the honeypot field."""
    return bool(data.get(name))


class _KeyCheck:
    """Refuse, before any query, a submitted key that no row can have (``"²"``, a 20-digit id, a NUL byte);
    and never hand such a key back to the widget that re-renders the refused form (Wagtail's choosers look
    the submitted value up with ``objects.get(pk=…)`` and fail on it)."""

    def _key_field(self):
        meta = self.queryset.model._meta
        return meta.get_field(self.to_field_name) if self.to_field_name else meta.pk

    def _possible(self, value) -> bool:
        return isinstance(value, self.queryset.model) or is_possible_key(self._key_field(), value)

    def _refuse_impossible(self, value):
        if not self._possible(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": str(value).replace("\x00", "")[:50]})

    def bound_data(self, data, initial):
        data = super().bound_data(data, initial)
        values = data if isinstance(data, list | tuple) else [data]
        if any(value not in self.empty_values and not self._possible(value) for value in values):
            return initial
        return data


class SafeModelChoiceField(_KeyCheck, forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values:
            self._refuse_impossible(value)
        return super().to_python(value)


class SafeModelMultipleChoiceField(_KeyCheck, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            self._refuse_impossible(item)
        return super()._check_values(value)


def register_admin_form_overrides() -> None:
    """Every Wagtail admin model form: safe choice fields for relations, single-line names without controls."""
    from django.db import models
    from wagtail.admin.forms.models import register_form_field_override, registry

    def foreign_key(db_field):
        # Wagtail's own lookup first (page, image and snippet choosers set their widget), then our field class.
        return {"form_class": SafeModelChoiceField, **(registry.foreign_key_lookup(db_field) or {})}

    register_form_field_override(models.ForeignKey, override=foreign_key)
    register_form_field_override(models.ManyToManyField, override={"form_class": SafeModelMultipleChoiceField})
    # One-line text (names, roles, places, codes; e-mails too): slugs and URLs have their own validators.
    register_form_field_override(models.CharField, override={"validators": [validate_single_line]})


def install_inline_row_guard() -> None:
    """Inline rows of admin forms (modelcluster's child formsets, e.g. a body's members) carry their row id in a
    hidden field; modelcluster parses it without a guard, so a tampered id ("²", a 20-digit number, NUL) was a
    server error. A row whose id cannot be a key is built as a new row, and its id field, made safe, refuses the
    value with the form's message. Called from RelaisConfig.ready."""
    from django.forms.models import BaseModelFormSet
    from modelcluster.forms import BaseChildFormSet

    if getattr(BaseChildFormSet, "_relais_guarded", False):
        return
    original = BaseChildFormSet._construct_form

    def _construct_form(self, i, **kwargs):
        pk = self.model._meta.pk
        if self.is_bound and i < self.initial_form_count():
            value = self.data.get(f"{self.add_prefix(i)}-{pk.name}", "")
            if value not in ("", None) and not is_possible_key(pk, value):
                form = super(BaseModelFormSet, self)._construct_form(i, instance=self.model(), **kwargs)
                return _safe_row_id(form, pk.name)
        return _safe_row_id(original(self, i, **kwargs), pk.name)

    BaseChildFormSet._construct_form = _construct_form
    BaseChildFormSet._relais_guarded = True


def _safe_row_id(form, name):
    field = form.fields.get(name)
    if isinstance(field, forms.ModelChoiceField) and not isinstance(field, SafeModelChoiceField):
        form.fields[name] = SafeModelChoiceField(field.queryset, required=field.required, widget=field.widget,
                                                 initial=field.initial)
    return form
