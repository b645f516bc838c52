"""Account protection: idle sessions end, a second factor (TOTP) guards staff accounts, and logins and password
resets are throttled by client address (django-axes also locks one username from one address).

Both apply to every login path (the professional space and Wagtail's admin login) because they are middleware
that reads the session, not a step of one login view. The second factor is django-otp's TOTP device: optional for
every staff account, required for the roles in ``RELAIS_2FA_REQUIRED_ROLES`` (by default the département's admins
and superusers).
"""

import re
import time
from base64 import b32encode
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.views.account import PasswordResetView

from relais import ratelimit
from relais.client import client_ip
from relais.links import safe_next
from relais.permissions import roles_of
from relais.roles import DEPARTEMENT_ADMIN, PARTNER_EDITOR, SECRETARY

_LAST_SEEN = "relais_last_seen"
STAFF_ROLES = (PARTNER_EDITOR, SECRETARY, DEPARTEMENT_ADMIN)


def is_staff_account(user) -> bool:
    """Accounts that change shared records (editors, secretaries, admins) get the short idle delay."""
    return user.is_superuser or user.is_staff or any(role in STAFF_ROLES for role in roles_of(user))


def second_factor_required(user) -> bool:
    """``RELAIS_2FA_REQUIRED_ROLES`` names groups, plus ``superuser`` for superuser accounts."""
    required = set(settings.RELAIS_2FA_REQUIRED_ROLES)
    return (user.is_superuser and "superuser" in required) or bool(required.intersection(roles_of(user)))


def _exempt(path: str) -> bool:
    prefixes = (settings.STATIC_URL, "/healthz", reverse("relais:logout"), reverse("relais:otp-verify"),
                reverse("relais:otp-setup"))
    return path.startswith(prefixes)


_STATE = "relais_login_state"


def _login_state(user) -> dict:
    """What the middlewares need about an account, worked out once per login rather than on every request."""
    factor = "device" if user_has_device(user) else ("required" if second_factor_required(user) else "")
    minutes = (settings.RELAIS_SESSION_IDLE_MINUTES if is_staff_account(user)
               else settings.RELAIS_SESSION_IDLE_MINUTES_PROFESSIONAL)
    return {"idle": minutes, "factor": factor}


@receiver(user_logged_in)
def _remember_login_state(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        session[_STATE] = _login_state(user)
        session[_LAST_SEEN] = int(time.time())


def login_state(request) -> dict:
    state = request.session.get(_STATE)
    if state is None:  # a session opened before these rules, or by a path that sent no user_logged_in
        state = request.session[_STATE] = _login_state(request.user)
    return state


class IdleSessionMiddleware:
    """Ends a logged-in session after ``RELAIS_SESSION_IDLE_MINUTES`` without a request (staff) or the longer
    professional delay; the session's maximum age is ``SESSION_COOKIE_AGE``. The timestamp is written at most once
    a minute so that reading pages does not write the session on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            minutes = login_state(request)["idle"]
            last_seen = request.session.get(_LAST_SEEN)
            if last_seen is not None and now - last_seen > minutes * 60:
                logout(request)
                messages.info(request, _("Votre session a expiré après %(minutes)d minutes sans activité. "
                                         "Reconnectez-vous.") % {"minutes": minutes})
                return redirect(f"{reverse('relais:login')}?{urlencode({'next': request.get_full_path()})}")
            if last_seen is None or now - last_seen >= 60:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """A logged-in account with a TOTP device must enter a code before anything else; an account whose role
    requires one is sent to set it up first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not _exempt(request.path):
            factor = login_state(request)["factor"]
            if factor and not user.is_verified():
                query = urlencode({"next": request.get_full_path()})
                view = "relais:otp-verify" if factor == "device" else "relais:otp-setup"
                return redirect(f"{reverse(view)}?{query}")
        return self.get_response(request)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code à 6 chiffres de votre application d'authentification"), max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}),
        error_messages={"min_length": _("Le code compte 6 chiffres."), "max_length": _("Le code compte 6 chiffres.")},
    )

    def clean_token(self):
        token = self.cleaned_data["token"]
        if not token.isascii() or not token.isdigit():
            raise forms.ValidationError(_("Le code ne contient que des chiffres."))
        return token


def _next_url(request) -> str:
    return safe_next(request, reverse("relais:pro-home"))


@never_cache
@login_required
def verify(request):
    """Second step of every login for an account with a device: the code of the moment."""
    devices = list(TOTPDevice.objects.devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect(f"{reverse('relais:otp-setup')}?{urlencode({'next': _next_url(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = next((d for d in devices if d.verify_token(form.cleaned_data["token"])), None)
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("Code incorrect ou expiré. Après plusieurs erreurs, attendez avant de réessayer."))
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
def setup(request):
    """Enrolment: a new unconfirmed device shows its QR code; the first valid code confirms it."""
    if request.user.is_verified():
        messages.info(request, _("La double authentification est déjà active sur ce compte."))
        return redirect(_next_url(request))
    if user_has_device(request.user):
        return redirect(f"{reverse('relais:otp-verify')}?{urlencode({'next': _next_url(request)})}")
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Application d'authentification"})
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Double authentification activée."))
            return redirect(_next_url(request))
        form.add_error("token", _("Code incorrect : vérifiez l'heure de votre téléphone et recommencez."))
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "next": _next_url(request),
        "required": second_factor_required(request.user),
        "qr_svg": qr.svg_data_uri(scale=4),
        "secret": " ".join(re.findall(".{1,4}", b32encode(device.bin_key).decode().rstrip("="))),  # as apps show it
    }
    return render(request, "registration/otp_setup.html", context)


# --- Throttling by address ----------------------------------------------------------------------------------------

def _address_lock_key(request) -> str:
    return f"relais:login-locked:{client_ip(request) or 'unknown'}"


def address_locked(request) -> bool:
    return bool(cache.get(_address_lock_key(request)))


class AddressThrottleBackend(BaseBackend):
    """First authentication backend: an address with too many failed logins, whatever the usernames tried, is
    refused for ``RELAIS_LOGIN_ADDRESS_COOLOFF_MINUTES`` before any password is checked (both login pages)."""

    def authenticate(self, request, **credentials):
        if request is not None and address_locked(request):
            request.relais_address_locked = True
            raise PermissionDenied
        return None


@receiver(user_login_failed)
def _count_address_failure(sender, credentials, request=None, **kwargs):
    if request is None or getattr(request, "relais_address_locked", False):
        return
    window = settings.RELAIS_LOGIN_ADDRESS_COOLOFF_MINUTES * 60
    if not ratelimit.hit(request, "login-failure", settings.RELAIS_LOGIN_ADDRESS_LIMIT, window):
        cache.set(_address_lock_key(request), 1, window)


class ThrottledPasswordResetView(PasswordResetView):
    """Wagtail's password reset, limited per address and per account so that nobody floods an inbox."""

    def form_valid(self, form):
        email = form.cleaned_data.get("email", "").strip().lower()
        per_address = ratelimit.hit(self.request, "password-reset", settings.RELAIS_PASSWORD_RESET_LIMIT, 3600)
        per_account = per_address and ratelimit.hit_key("password-reset-account", email,
                                                         settings.RELAIS_PASSWORD_RESET_LIMIT, 3600)
        if not per_account:
            form.add_error(None, _("Trop de demandes de réinitialisation : réessayez dans une heure. Si le "
                                   "courriel n'arrive pas, vérifiez les indésirables ou contactez "
                                   "l'administrateur du département."))
            return self.form_invalid(form)
        return super().form_valid(form)
