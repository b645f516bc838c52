import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from directory import accounts as contact_accounts
from meetings.indicators import operator_table
from meetings.indicators.permissions import can_view_dashboard
from relais import accounts, ratelimit
from relais.forms import ContactLinkRequestForm, EmailChangeForm
from relais.permissions import can, is_professional, roles_of
from relais.roles import ROLE_LABELS

logger = logging.getLogger(__name__)


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return "ok"
    except Exception:  # any driver error means the same thing to a load balancer
        logger.exception("healthz: database unreachable")
        return "down"


def _channel_layer_state() -> str:
    layer = get_channel_layer()
    if layer is None:
        return "absent"
    try:
        async def roundtrip():
            channel = await layer.new_channel("healthz.")
            await layer.send(channel, {"type": "healthz.ping"})
            await layer.receive(channel)

        async_to_sync(roundtrip)()
        return "ok"
    except Exception:
        logger.exception("healthz: channel layer unreachable")
        return "down"


def _cache_state() -> str:
    """"ok", or "degraded" while the Redis cache is unreachable and pages are served from process memory."""
    from django.core.cache import cache

    cache.get("relais:healthz")
    return "ok" if getattr(cache, "available", True) else "degraded"


@never_cache
@require_GET
def healthz(request):
    """State of each dependency; 200 while the database answers (search and websockets can degrade)."""
    database = _database_state()
    search = _search_report() if database == "ok" else {"state": "degraded"}
    body = {
        "database": database,
        "cache": _cache_state(),
        "channel_layer": _channel_layer_state(),
        "search": search.pop("state"),
    }
    body["status"] = "ok" if all(v == "ok" for v in body.values()) else ("degraded" if database == "ok" else "down")
    # Documents the database would index, and those each index holds ("search": "stale" when they differ).
    body["search_documents"] = search
    return JsonResponse(body, status=200 if database == "ok" else 503)


def _search_report() -> dict:
    from search.health import search_report

    try:
        return dict(search_report())
    except Exception:
        logger.exception("healthz: search index check failed")
        return {"state": "degraded"}


@login_required
def pro_home(request):
    if not is_professional(request.user):
        raise PermissionDenied
    user = request.user
    context = {
        "roles": [ROLE_LABELS[name] for name in roles_of(user)],
        "can_admin": can(user, "wagtailadmin.access_admin"),
        "can_indicators": can_view_dashboard(user),
        "can_operator_table": operator_table.operators_for(user).exists() or operator_table.is_pilot(user),
        "can_export_directory": can(user, "directory.export_directory"),
    }
    return render(request, "relais/pro_home.html", context)


def _account_page(request, *, email_form=None, link_form=None, status=200):
    user = request.user
    contacts = contact_accounts.contacts_of(user).select_related("organisation", "account").order_by(
        "organisation__name", "name")
    return render(request, "relais/account.html", {
        "roles": [ROLE_LABELS[name] for name in roles_of(user)],
        "contacts": contacts,
        "email_form": email_form or EmailChangeForm(user=user),
        "link_form": link_form or ContactLinkRequestForm(),
    }, status=status)


# E-mails with a confirmation link, per client address and hour: enough for typos, not for flooding an inbox.
LINK_REQUESTS_PER_HOUR = 5


def _valid_within_limit(request, form, scope: str) -> bool:
    """The form is valid and this client may still ask for a link this hour (a form error says otherwise)."""
    if form.is_valid() and not ratelimit.hit(request, scope, LINK_REQUESTS_PER_HOUR, 3600):
        form.add_error(None, _("Trop de demandes : réessayez dans une heure."))
    return form.is_valid()


@login_required
@never_cache
def account(request):
    """The account's own page: its address (changed only through a confirmed link) and its directory contacts."""
    return _account_page(request)


@login_required
@require_POST
def email_change(request):
    form = EmailChangeForm(request.POST, user=request.user)
    if not _valid_within_limit(request, form, "email-change"):
        return _account_page(request, email_form=form, status=400)
    accounts.request_email_change(request.user, form.cleaned_data["new_email"])
    messages.success(request, _("Un lien de confirmation a été envoyé à %(email)s. Le courriel de votre compte "
                                "ne changera qu'à l'ouverture de ce lien, connecté à ce compte.")
                     % {"email": form.cleaned_data["new_email"]})
    return redirect("relais:account")


@login_required
@never_cache
def email_confirm(request, token):
    try:
        email = accounts.confirm_email_change(request.user, token)
    except accounts.EmailChangeError as error:
        messages.error(request, str(error))
        return redirect("relais:account")
    messages.success(request, _("Le courriel de votre compte est maintenant %(email)s.") % {"email": email})
    return redirect("relais:account")


@login_required
@require_POST
def contact_link_request(request):
    form = ContactLinkRequestForm(request.POST)
    if not _valid_within_limit(request, form, "contact-link"):
        return _account_page(request, link_form=form, status=400)
    contact_accounts.request_link(request.user, form.cleaned_data["email"])
    # The same answer whether or not a contact carries this address: the directory is not probed this way.
    messages.success(request, _("Si une fiche de l'annuaire porte l'adresse %(email)s et n'est liée à aucun "
                                "compte, un lien de confirmation vient d'y être envoyé. Ouvrez-le connecté à ce "
                                "compte.") % {"email": form.cleaned_data["email"]})
    return redirect("relais:account")


@login_required
@never_cache
def contact_link_confirm(request, token):
    try:
        contact = contact_accounts.confirm_link(request.user, token)
    except contact_accounts.LinkError as error:
        messages.error(request, str(error))
        return redirect("relais:account")
    messages.success(request, _("Votre compte est lié à la fiche « %(contact)s » (%(organisation)s).")
                     % {"contact": contact.name, "organisation": contact.organisation.name})
    return redirect("relais:account")


# JSON endpoints answer their errors in JSON too: a partner's script reads the status and a message, never an
# HTML page. (Views answer their own refusals; these handlers cover what escapes them.)
JSON_PATHS = ("/api/", "/indicateurs/api/", "/recherche/suggestions", "/guide/territoire/suggestions/", "/healthz")
ERROR_MESSAGES = {400: _("Requête invalide."), 403: _("Accès refusé."), 404: _("Adresse inconnue."),
                  500: _("Erreur du serveur : l'équipe technique est prévenue.")}


def wants_json(request) -> bool:
    return request.path.startswith(JSON_PATHS)


def _json_error(status: int):
    return JsonResponse({"error": str(ERROR_MESSAGES[status]), "status": status}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def bad_request(request, exception=None):
    if wants_json(request):
        return _json_error(400)
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    """Every PermissionDenied of the site ends here: logged (relais.access), then the French 403 page."""
    from relais.admin_access import log_refusal

    log_refusal(request, "403")
    if wants_json(request):
        return _json_error(403)
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    if wants_json(request):
        return _json_error(404)
    return render(request, "404.html", status=404)


def server_error(request):
    if wants_json(request):
        return _json_error(500)
    # No context processors that might fail again: the template needs nothing but static files.
    return render(request, "500.html", status=500)


def sitemap(request):
    """The RGAA's second way to find a page: every live page of the first two levels, then the apps."""
    from wagtail.models import Page, Site

    site = Site.find_for_request(request)
    pages = []
    if site is not None:
        root = site.root_page
        pages = list(Page.objects.live().public().descendant_of(root).filter(depth__lte=root.depth + 2)
                     .order_by("path").specific(defer=True))
    return render(request, "relais/sitemap.html", {"pages": pages})
