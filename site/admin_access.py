"""Which parts of the Wagtail admin each role reaches, and the log of refused requests.

Wagtail checks most of its own views (page explorer, image and document listings, users, settings) against
page, collection and model permissions. A few views answer any user who may enter the admin: the site
history report, the page chooser and its link forms, the workflow task chooser, the tag autocompletes, the
block preview, the bulk actions, the admin API. ``ADMIN_RULES`` closes them, by URL name, to users without
the ability they serve; ``protect_admin_urls`` applies the table to every admin URL the way Wagtail applies
``require_admin_access`` to its URL patterns, so a refused request gets Wagtail's own "permission
denied" answer. The same table hides the menu items that lead to a refused view (``construct_main_menu``
and ``construct_reports_menu`` hooks in relais.wagtail_hooks).

Snippet choosers list ``model.objects.all()`` in Wagtail; ``ScopedSnippetChooserViewSet`` lists only the
records the model's permission policy lets the user see (a partner editor: their organisations' records).

Every refusal (403, Wagtail's permission-denied redirect, an authenticated user sent back to the admin
login) is logged at WARNING on the ``relais.access`` logger by ``log_refusal``: the 403 handler
(relais.views.permission_denied) and the admin guard below are its only callers.
"""

import logging
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import update_wrapper

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from wagtail.admin.auth import permission_denied, user_has_any_page_permission
from wagtail.permissions import policy_registry
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
    SnippetCreateView,
)

logger = logging.getLogger("relais.access")


# --- The refusal log --------------------------------------------------------------------------------

def log_refusal(request, outcome: str) -> None:
    """One WARNING line per refused request: who (account and client address), which URL, when, and how it was
    refused."""
    from relais.client import client_ip

    user = getattr(request, "user", None)
    who = user.get_username() if user is not None and user.is_authenticated else "anonymous"
    logger.warning("access refused: user=%s ip=%s method=%s path=%s outcome=%s at=%s", who, client_ip(request),
                   request.method, request.get_full_path(), outcome, timezone.now().isoformat(timespec="seconds"))


# --- Abilities ---------------------------------------------------------------------------------------

def edits_pages(user, **_url_kwargs) -> bool:
    """The guide's editors (the pilot): any permission on the page tree, as Wagtail counts it."""
    return user_has_any_page_permission(user)


def _collection_ability(model_getter):
    def ability(user, **_url_kwargs) -> bool:
        return policy_registry.get_by_type(model_getter()).user_has_any_permission(user, ["add", "change", "choose"])
    return ability


def _image_model():
    from wagtail.images import get_image_model

    return get_image_model()


def _document_model():
    from wagtail.documents import get_document_model

    return get_document_model()


uses_images = _collection_ability(_image_model)
uses_documents = _collection_ability(_document_model)


def uses_media(user, **_url_kwargs) -> bool:
    return edits_pages(user) or uses_images(user) or uses_documents(user)


def bulk_actions_allowed(user, app_label: str = "", model_name: str = "", **_kwargs) -> bool:
    """Bulk actions act on many records at once: only for holders of the model permission itself (never a
    partner editor's per-organisation right), and for pages for the guide's editors."""
    if user.is_superuser:
        return True
    if (app_label, model_name) == ("wagtailcore", "page"):
        return edits_pages(user)
    return any(user.has_perm(f"{app_label}.{action}_{model_name}") for action in ("change", "delete"))


@dataclass(frozen=True)
class Rule:
    pattern: str  # a URL name, namespaced ("ns:name"); shell-style wildcards allowed
    allowed: object  # callable(user, **url_kwargs) -> bool
    why: str


# Admin views closed to users without the ability (first matching rule wins). Views not named here keep
# Wagtail's own checks (and ``wagtailadmin.access_admin`` for the whole admin).
ADMIN_RULES = (
    Rule("wagtailadmin_reports:*", edits_pages,
         "site-wide reports (site history, locked pages, workflows, aging pages, page types)"),
    Rule("wagtailadmin_workflows:*", edits_pages, "workflows and their task chooser"),
    Rule("wagtailadmin_explore*", edits_pages, "the page explorer"),
    Rule("wagtailadmin_pages:*", edits_pages, "page views"),
    Rule("wagtailadmin_choose_page*", edits_pages, "the page chooser and its link forms"),
    Rule("wagtailadmin_block_preview", edits_pages, "StreamField block previews"),
    Rule("wagtailadmin_editing_sessions:*", edits_pages, "concurrent editing sessions"),
    Rule("wagtailembeds:*", edits_pages, "the embed chooser"),
    Rule("wagtailadmin_api:pages:*", edits_pages, "admin API: the page tree, drafts included"),
    Rule("wagtailadmin_api:images:*", uses_images, "admin API: images"),
    Rule("wagtailadmin_api:documents:*", uses_documents, "admin API: documents"),
    Rule("wagtailimages*", uses_images, "image library and chooser"),
    Rule("wagtaildocs*", uses_documents, "document library and chooser"),
    Rule("wagtailadmin_tag*autocomplete", uses_media, "tags of pages, images and documents"),
    Rule("wagtail_bulk_action", bulk_actions_allowed, "bulk actions"),
    Rule("wagtail_localize:*", edits_pages, "translations of the guide's pages (wagtail-localize)"),
)


def rule_for(view_name: str | None) -> Rule | None:
    if not view_name:
        return None
    for rule in ADMIN_RULES:
        if fnmatchcase(view_name, rule.pattern):
            return rule
    return None


def may_reach(user, view_name: str | None, **kwargs) -> bool:
    rule = rule_for(view_name)
    return rule is None or bool(rule.allowed(user, **kwargs))


def _is_wagtail_refusal(request, response) -> str | None:
    """Name Wagtail's own refusals (it answers them with redirects, not 403s)."""
    if getattr(response, "status_code", None) == 403:
        return "403"
    if getattr(response, "status_code", None) not in (301, 302):
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    location = response.get("Location", "")
    if location.startswith(reverse("wagtailadmin_login")):
        return "redirect to the admin login (no admin access)"
    if location == reverse("wagtailadmin_home") and request.path != location:
        storage = getattr(request, "_messages", None)
        if storage is not None and any(m.level_tag == "error" for m in getattr(storage, "_queued_messages", [])):
            return "permission denied (redirect to the admin home)"
    return None


def guard_admin_view(view_func):
    """Apply ADMIN_RULES before Wagtail's view (anonymous users and users without admin access go on to
    Wagtail's own login redirect), and log every refusal the view answers."""

    def guarded(request, *args, **kwargs):
        user = request.user
        match = request.resolver_match
        if (user.is_authenticated and user.has_perm("wagtailadmin.access_admin")
                and not may_reach(user, match.view_name if match else None, **kwargs)):
            if request.headers.get("x-requested-with") == "XMLHttpRequest":
                raise PermissionDenied  # logged by the 403 handler
            log_refusal(request, f"admin rule: {rule_for(match.view_name).why}")
            return permission_denied(request)
        # A PermissionDenied raised by the view goes through the 403 handler, which logs it; a refusal the
        # view answers itself (Wagtail's redirects, a 403 response) is logged here.
        response = view_func(request, *args, **kwargs)
        refusal = _is_wagtail_refusal(request, response)
        if refusal:
            log_refusal(request, refusal)
        return response

    guarded._relais_guarded = True
    return update_wrapper(guarded, view_func)


def protect_admin_urls(urlpatterns):
    """Wrap every view of Wagtail's admin URLconf (hook-registered ones included) in ``guard_admin_view``, as
    ``decorate_urlpatterns`` does, once: the URLconf may be imported again (tests reload it), and a callback
    that would be its own ``__wrapped__`` would send ``inspect.unwrap``-style loops round forever."""
    for pattern in urlpatterns:
        if hasattr(pattern, "url_patterns"):
            protect_admin_urls(pattern.url_patterns)
        callback = getattr(pattern, "callback", None)
        if callback is not None and not getattr(callback, "_relais_guarded", False):
            pattern.callback = guard_admin_view(callback)
    return urlpatterns


def menu_item_reachable(request, item) -> bool:
    """False for a menu item whose URL is an admin view ADMIN_RULES refuses to this user."""
    url = getattr(item, "url", None)
    if not url:
        return True
    try:
        match = resolve(url.split("?", 1)[0])
    except Resolver404:
        return True
    return may_reach(request.user, match.view_name, **match.kwargs)


# --- Scoped snippet choosers ---------------------------------------------------------------------------

CHOOSE_ACTIONS = ("choose", "view", "change")


def choosable(user, model):
    """The records of ``model`` a chooser may offer ``user``: those the model's permission policy lets them
    choose, view or change (a partner editor: their organisations' records; nobody: none)."""
    policy = policy_registry.get_by_type(model)
    if not policy.user_has_any_permission(user, CHOOSE_ACTIONS):
        return model._default_manager.none()
    return policy.instances_user_has_any_permission_for(user, CHOOSE_ACTIONS)


class _ScopedChooserMixin:
    """Refuse the chooser to users who may choose no record of the model; list only the choosable ones."""

    def dispatch(self, request, *args, **kwargs):
        policy = policy_registry.get_by_type(self.model_class)
        if not policy.user_has_any_permission(request.user, CHOOSE_ACTIONS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object_list(self):
        return choosable(self.request.user, self.model_class)


class ScopedChooseView(_ScopedChooserMixin, ChooseView):
    pass


class ScopedChooseResultsView(_ScopedChooserMixin, ChooseResultsView):
    pass


class ScopedChosenView(_ScopedChooserMixin, SnippetChosenView):
    def get_object(self, pk):
        return choosable(self.request.user, self.model_class).get(pk=pk)


class ScopedChosenMultipleView(_ScopedChooserMixin, SnippetChosenMultipleView):
    def get_objects(self, pks):
        return choosable(self.request.user, self.model_class).filter(pk__in=pks)


class ScopedCreateView(_ScopedChooserMixin, SnippetCreateView):
    """Wagtail offers no creation form in snippet choosers unless one is configured: then 404, not a 500."""

    def dispatch(self, request, *args, **kwargs):
        if self.get_creation_form_class() is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ScopedSnippetChooserViewSet(SnippetChooserViewSet):
    """A snippet chooser that offers only the records the user may see (set as ``chooser_viewset_class``)."""

    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView
    create_view_class = ScopedCreateView

