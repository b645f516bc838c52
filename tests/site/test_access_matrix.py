"""Who reaches what: every URL pattern of the site (Wagtail's admin included), requested with GET by each role.

Each answer is put in one class:
- ``ok``: 2xx, or a redirect that is not a refusal (e.g. a logged-in user sent from a login page to the home);
- ``login``: an anonymous visitor sent to a login page;
- ``denied``: 403 or 404, an authenticated user sent to a login page (Wagtail's answer to a user without
  admin access), or a redirect carrying an error message (Wagtail's "permission denied" redirect);
- ``get-refused``: 405, a view that takes no GET (its POST is checked by the app's own tests).

``RULES`` says who gets ``ok`` for each URL name (shell-style patterns, first match wins); every other
anonymous request expects ``login`` and every other authenticated one ``denied``, unless the rule lists an
explicit exception. A pattern that no rule covers fails the test: a new URL needs a line here.
URLs are filled by tests/url_catalogue.py (one object of each kind, in ``url_world``).
"""

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.shortcuts import resolve_url
from django.test import Client
from guardian.shortcuts import assign_perm

from directory.permissions import assign_editor
from tests.url_catalogue import catalogue, patterns

OK, LOGIN, DENIED, GET_REFUSED = "ok", "login", "denied", "get-refused"

ANON, PRO, EDITOR, SECRETARY, PILOT, ROOT = "anonymous", "professional", "partner editor", "secretary", \
    "département admin", "superuser"
ROLES = (ANON, PRO, SECRETARY, EDITOR, PILOT, ROOT)

EVERYONE = frozenset(ROLES)
LOGGED_IN = EVERYONE - {ANON}
PROFESSIONALS = LOGGED_IN  # every role holds relais.access_professional_space (the superuser: every permission)
ADMIN_USERS = frozenset({EDITOR, PILOT, ROOT})  # wagtailadmin.access_admin
PILOTS = frozenset({PILOT, ROOT})
SUPERUSER = frozenset({ROOT})
NOBODY = frozenset()


@dataclass(frozen=True)
class Rule:
    pattern: str
    ok: frozenset
    why: str = ""
    exceptions: dict = field(default_factory=dict)  # role -> the class that role gets instead

    def expected(self, role: str) -> str:
        if role in self.exceptions:
            return self.exceptions[role]
        if role in self.ok:
            return OK
        return LOGIN if role == ANON else DENIED


def post_only(pattern: str, reached_by: frozenset, why: str = "takes POST only: a GET is answered 405") -> Rule:
    """A view that takes no GET: the roles that get past its login/permission checks see a 405."""
    return Rule(pattern, NOBODY, why, {role: GET_REFUSED for role in reached_by})


# First match wins: exceptions and specific names come before the wildcards of their family.
RULES: tuple[Rule, ...] = (
    # --- Public site: the guide, the directory, search, token-keyed meeting pages -------------------
    Rule("healthz", EVERYONE),
    Rule("sitemap", EVERYONE),
    Rule("robots", EVERYONE, "for crawlers (relais.sitemaps)"),
    Rule("sitemap-xml", EVERYONE, "live public pages and published organisations only"),
    Rule("wagtail_serve", EVERYONE, "the page tree (a private page asks for its password)"),
    Rule("wagtailcore_login", EVERYONE, "login form of private pages"),
    Rule("wagtailcore_authenticate_with_password", EVERYONE),
    Rule("wagtaildocs_serve", EVERYONE, "documents of public collections"),
    Rule("wagtaildocs_authenticate_with_password", EVERYONE),
    Rule("search:*", EVERYONE),
    post_only("guide:feedback", EVERYONE),
    Rule("guide:emergency", EVERYONE, "/urgence/: the numbers to call, for everyone"),
    Rule("switch-language", EVERYONE, "the header's language switcher (no language given: 400)"),
    Rule("guide:manifest", EVERYONE, "/manifest.webmanifest: the installable guide (guide/offline.py)"),
    Rule("guide:service-worker", EVERYONE, "/sw.js: the guide's service worker"),
    Rule("guide:offline", EVERYONE, "/hors-connexion/: emergency numbers and the pages kept on the phone"),
    Rule("guide:offline-list", EVERYONE, "/guide/hors-connexion.json: what 'Garder hors connexion' saves"),
    Rule("guide:*", EVERYONE),
    Rule("directory:list", EVERYONE),
    Rule("directory:organisation", EVERYONE),
    Rule("directory:export-json", EVERYONE, "public records only"),
    Rule("directory:export-csv", {PRO, PILOT, ROOT}, "directory.export_directory (professional contacts inside)"),
    post_only("directory:report-error", EVERYONE),
    post_only("directory:confirm", EVERYONE, "POST only; the organisation's editors (checked on POST)"),
    Rule("meetings:checkin", EVERYONE, "keyed by a QR token less than 3 minutes old"),
    Rule("meetings:checkin-code", EVERYONE, "keyed by the invitee's personal code, during the session's window"),
    Rule("meetings:reply", EVERYONE, "keyed by the invitation's signed token"),
    Rule("meetings:feed", EVERYONE, "keyed by the body's calendar secret"),
    Rule("media", NOBODY, "uploaded media (image files checked); no such file here: 404", {ANON: DENIED}),
    post_only("csp-report", EVERYONE, "browsers POST their Content-Security-Policy reports"),

    # --- Professional space ----------------------------------------------------------------------
    Rule("relais:login", EVERYONE, "logged-in users are sent on to their home"),
    post_only("relais:logout", EVERYONE),
    Rule("relais:pro-home", PROFESSIONALS),
    Rule("relais:account", LOGGED_IN, "one's own account page"),
    post_only("relais:email-change", LOGGED_IN),
    post_only("relais:contact-link-request", LOGGED_IN),
    Rule("relais:email-confirm", NOBODY, "a link sent to another account: refused with a message"),
    Rule("relais:contact-link-confirm", NOBODY, "a link sent to another account: refused with a message"),
    Rule("relais:otp-verify", LOGGED_IN, "second factor (optional in tests: no device, sent on)"),
    Rule("relais:otp-setup", LOGGED_IN, "second factor set-up"),
    Rule("meetings:index", PROFESSIONALS, "lists only the user's bodies"),
    post_only("meetings:action-status", PROFESSIONALS),
    post_only("meetings:agenda-add", PROFESSIONALS),
    post_only("meetings:convene", PROFESSIONALS),
    post_only("meetings:cancel", PROFESSIONALS),
    post_only("meetings:set-status", PROFESSIONALS),
    post_only("meetings:walk-in", PROFESSIONALS),
    post_only("meetings:youth-seat", PROFESSIONALS),
    post_only("meetings:sign", PROFESSIONALS),
    post_only("meetings:draw-sign", PROFESSIONALS),
    post_only("meetings:close", PROFESSIONALS),
    post_only("meetings:decision-add", PROFESSIONALS),
    post_only("meetings:action-add", PROFESSIONALS),
    post_only("meetings:generate", PROFESSIONALS),
    Rule("meetings:certificate", {SECRETARY, PILOT, ROOT}, "a trainee's attendance certificate: the training's "
         "secretary and the pilot (not a member: 403)"),
    Rule("meetings:*", {SECRETARY, PILOT, ROOT}, "the body's secretary and the pilot (not a member: 403)"),
    Rule("indicators:api", {SECRETARY, PILOT, ROOT}, "JSON API: 401 to anonymous callers", {ANON: LOGIN}),
    Rule("indicators:dashboard", {SECRETARY, PILOT, ROOT}, "a secretary sees their bodies' figures"),
    Rule("indicators:export", {SECRETARY, PILOT, ROOT}),
    Rule("indicators:operator-report", {EDITOR, SECRETARY, PILOT, ROOT},
         "the pilot every line, a secretary their bodies', an operator's editor its own lines only"),
    Rule("indicators:operator-tables", {EDITOR, PILOT, ROOT},
         "the operator's users (its editors, its contacts' accounts); the pilot is sent on to the overview"),
    Rule("indicators:operator-table", {EDITOR, PILOT, ROOT}, "the operator's own table; the pilot reads it"),
    post_only("indicators:operator-table-reopen", EVERYONE, "POST only; the pilot (checked on POST)"),
    Rule("indicators:operator-tables-export", {EDITOR, PILOT, ROOT}, "a partner downloads its own lines only"),
    Rule("indicators:operator-overview", PILOTS, "who has submitted, per month"),
    Rule("indicators:periods", PILOTS, "closing a month or a year: the département's admins"),
    Rule("indicators:period", PILOTS),
    Rule("indicators:detail-export", PILOTS, "the drill-down's file; a hand-entered indicator: 404 to a secretary"),
    Rule("indicators:*", PILOTS, "an indicator outside the secretary's bodies: 404"),

    # --- Wagtail admin: entry, account, assets (wagtailadmin.access_admin) ------------------------
    Rule("wagtailadmin_login", EVERYONE),
    Rule("wagtailadmin_password_reset*", EVERYONE),
    Rule("wagtailadmin_sprite", EVERYONE),
    Rule("wagtailadmin_javascript_catalog", EVERYONE),
    Rule("wagtailadmin_home", ADMIN_USERS),
    Rule("wagtailadmin_account", ADMIN_USERS),
    Rule("wagtailadmin_dismissibles", ADMIN_USERS),
    post_only("wagtailadmin_logout", ADMIN_USERS),
    Rule("admin/test404/", ADMIN_USERS, "Wagtail's 404 page preview"),
    Rule("admin/^.*/$", NOBODY, "unknown admin URLs: 404 (login first)"),
    Rule("wagtailadmin_error_test", NOBODY, "Wagtail's deliberate 500 for admin users",
         {role: "error 500" for role in ADMIN_USERS}),

    # --- Wagtail admin: the guide's pages, media, site-wide tools (the pilot) ---------------------
    Rule("wagtailadmin_explore*", PILOTS),
    Rule("wagtailadmin_pages:convert_alias", NOBODY, "no alias page here: 404"),
    post_only("wagtailadmin_pages:set_page_position", PILOTS),
    post_only("wagtailadmin_pages:lock", PILOTS),
    post_only("wagtailadmin_pages:unlock", PILOTS),
    Rule("wagtailadmin_pages:unpublish", SUPERUSER, "Wagtail: the page is in moderation"),
    Rule("wagtailadmin_pages:workflow_action", SUPERUSER, "Wagtail: workflow tasks are the superuser's here"),
    Rule("wagtailadmin_pages:workflow_preview", SUPERUSER),
    Rule("wagtailadmin_pages:collect_workflow_action_data", SUPERUSER),
    Rule("wagtailadmin_pages:*", PILOTS),
    Rule("wagtailadmin_choose_page*", PILOTS, "page chooser and link forms: page editors only"),
    Rule("wagtailadmin_tag_autocomplete", PILOTS),
    Rule("wagtailadmin_tag_model_autocomplete", NOBODY, "no tagged model given: 404"),
    Rule("wagtailadmin_block_preview", NOBODY, "no block given: 404 (closed to non page editors first)"),
    post_only("wagtailadmin_editing_sessions:*", PILOTS),
    Rule("wagtailadmin_reports:*", PILOTS, "site-wide reports"),
    Rule("wagtailadmin_workflows:task_cho*", PILOTS),
    post_only("wagtailadmin_workflows:enable*", PILOTS),
    post_only("wagtailadmin_workflows:remove", PILOTS),
    Rule("wagtailadmin_workflows:*", SUPERUSER, "workflows are configured by the superuser"),
    Rule("wagtailadmin_api:*:find", NOBODY, "find without its query: 404 (closed to non holders first)"),
    post_only("wagtailadmin_api:*:action", PILOTS),
    Rule("wagtailadmin_api:*", PILOTS, "admin API: drafts, images, documents"),
    Rule("wagtail_bulk_action", NOBODY, "no selection in the URL: 404 (closed to non holders first)"),
    Rule("wagtailembeds:*", PILOTS),
    Rule("wagtailimages:url_generator*", NOBODY, "the URL generator is off: 404"),
    Rule("wagtailimages:add_multiple", PILOTS),
    Rule("wagtaildocs:add_multiple", PILOTS),
    post_only("wagtailimages:*_multiple*", PILOTS),
    post_only("wagtaildocs:*_multiple*", PILOTS),
    Rule("wagtailimages*", PILOTS),
    Rule("wagtaildocs*", PILOTS),
    Rule("wagtailforms:index*", PILOTS),
    Rule("wagtailforms:*", NOBODY, "no form page here: 404"),
    Rule("wagtailsettings:*", NOBODY, "no site setting is registered: 404"),
    # The guide's translations (wagtail-localize): page editors only (relais.admin_access).
    post_only("wagtail_localize:edit_*", PILOTS),
    post_only("wagtail_localize:upload_pofile", PILOTS),
    post_only("wagtail_localize:machine_translate", PILOTS),
    post_only("wagtail_localize:stop_translation", PILOTS),
    Rule("wagtail_localize:submit_snippet_translation", NOBODY, "no snippet is translatable: 404"),
    Rule("wagtail_localize:convert_to_alias", NOBODY, "the world's page is no alias: 404"),
    Rule("wagtail_localize:preview_translation admin/localize/translate/<int:translation_id>/preview/<str:mode>/",
         NOBODY, "a preview mode pages do not have: 404"),
    Rule("wagtail_localize:*", PILOTS),
    Rule("wagtaillocales:*", PILOTS, "the languages of the site: the pilot adds one"),
    Rule("wagtailsnippets:index", NOBODY, "every snippet is in a menu group: the index lists none (403)"),
    Rule("guide_usefulness", PILOTS),
    Rule("relais_personal_data", PILOTS, "relais.manage_personal_data: export or erase one person's data"),
    Rule("indicator:*", PILOTS),
    Rule("indicatorvalue:*", PILOTS),
    Rule("convention:*", PILOTS),
    Rule("wagtailadmin_collections:*", SUPERUSER),
    post_only("wagtailredirects:process_import", SUPERUSER),
    Rule("wagtailredirects:*", SUPERUSER),
    Rule("wagtailsites:*", SUPERUSER),
    Rule("wagtailusers_*", SUPERUSER, "accounts are managed by the superuser"),

    # --- Wagtail admin: the directory (partner editors: their organisations' records) ------------
    Rule("wagtailsnippetchoosers_*:create", NOBODY, "no creation form in snippet choosers: 404"),
    Rule("wagtailsnippets_directory_organisation:add", PILOTS),
    Rule("wagtailsnippets_directory_organisation:delete", NOBODY,
         "the world's organisation was convened to a session: deleting it is refused to everyone and archiving "
         "offered (meetings/wagtail_hooks.py); a pilot deletes one never convened "
         "(tests/meetings/test_entry_bad_input.py)"),
    Rule("wagtailsnippets_directory_organisation:copy", PILOTS),
    Rule("wagtailsnippets_directory_organisation:*", ADMIN_USERS, "an editor: their organisations only"),
    Rule("wagtailsnippets_directory_service:*", ADMIN_USERS, "an editor: their organisations' services"),
    Rule("wagtailsnippets_directory_contact:*", ADMIN_USERS, "an editor: their organisations' contacts"),
    Rule("wagtailsnippetchoosers_directory_organisation:*", ADMIN_USERS, "an editor: lists their own only"),
    Rule("wagtailsnippetchoosers_directory_service:*", ADMIN_USERS, "an editor: lists their own only"),
    Rule("wagtailsnippetchoosers_directory_contact:*", ADMIN_USERS, "an editor: lists their own only"),
    Rule("wagtailsnippetchoosers_directory_territory:*", ADMIN_USERS, "an editor chooses their commune"),
    Rule("directory_organisation_editors", PILOTS, "directory.assign_editors"),
    Rule("directory_organisation_confirm", ADMIN_USERS, "an editor: their organisations only"),
    Rule("directory_history", ADMIN_USERS, "an editor: their organisations' history"),
    Rule("directory_error_reports", ADMIN_USERS, "an editor: reports on their organisations"),
    Rule("directory_contact_account", ADMIN_USERS, "an editor: their organisations' contacts"),
    Rule("directory_duplicate*", PILOTS, "suspected duplicates of national records: the département decides (403)"),
    Rule("wagtailsnippets_*", PILOTS, "territories, bodies, sessions, glossary, feedback"),
    Rule("wagtailsnippetchoosers_*", PILOTS),
)



def rule_for(name: str) -> Rule | None:
    for rule in RULES:
        if fnmatchcase(name, rule.pattern):
            return rule
    return None


LOGIN_PATHS = ("/admin/login/", resolve_url(settings.LOGIN_URL), "/_util/login/")


def classify(response, role: str) -> str:
    code = response.status_code
    if code == 405:
        return GET_REFUSED
    if code == 401:
        return LOGIN if role == ANON else DENIED
    if code in (403, 404):
        return DENIED
    if code == 400:
        return OK  # reached, and asked for its parameters
    if code in (301, 302, 303, 307, 308):
        location = urlsplit(response["Location"]).path
        if any(location.startswith(path) for path in LOGIN_PATHS):
            return LOGIN if role == ANON else DENIED
        storage = getattr(response.wsgi_request, "_messages", None)
        queued = getattr(storage, "_queued_messages", [])
        if any(message.level >= message_levels.ERROR for message in queued):
            return DENIED
        return OK
    if 200 <= code < 300:
        return OK
    return f"error {code}"


@pytest.fixture
def role_users(url_world, make_user):
    """One user per role; the editor keeps url_world's organisation, the secretary runs its body."""
    from relais import roles

    editor = make_user("matrice-editeur", roles.PARTNER_EDITOR)
    assign_editor(url_world.org, editor)
    secretary = make_user("matrice-secretaire", roles.SECRETARY)
    assign_perm("meetings.manage_body", secretary, url_world.body)
    assign_perm("meetings.manage_body", secretary, url_world.training_body)
    return {
        ANON: None,
        PRO: make_user("matrice-pro", roles.PROFESSIONAL),
        SECRETARY: secretary,
        EDITOR: editor,
        PILOT: make_user("matrice-pilote", roles.DEPARTEMENT_ADMIN),
        ROOT: make_user("matrice-root", None, is_superuser=True, is_staff=True),
    }


def _client_for(user):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def run_matrix(entries, users) -> dict[tuple[str, str], tuple[str, int]]:
    """{(url, role): (class, status)}: one client per role, GET only; a view that ends the session (logout)
    is followed by a new login so that the next URLs are still asked as that role."""
    results = {}
    for role in ROLES:
        user = users[role]
        client = _client_for(user)
        for entry in entries:
            response = client.get(entry.url)
            results[(entry.url, role)] = (classify(response, role), response.status_code)
            cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
            if user is not None and cookie is not None and not cookie.value:
                client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return results


# Names shared by patterns that answer differently: their rules name the route too ("name route").
SPLIT_BY_ROUTE = {"wagtail_localize:preview_translation"}


def _key(entry) -> str:
    return key_of(entry.name, entry.route)


def key_of(name: str, route: str) -> str:
    if name in SPLIT_BY_ROUTE:
        return f"{name} {route}"
    return name or route


def test_every_rule_names_existing_url_patterns():
    """A rule that matches nothing is a stale line (a renamed URL) that would hide a missing rule."""
    keys = {key_of(name, "".join(str(s) for s in segments)) for name, segments, _callback in patterns()}
    stale = [rule.pattern for rule in RULES if not any(fnmatchcase(key, rule.pattern) for key in keys)]
    assert not stale, stale


@pytest.fixture
def fast_requests(monkeypatch):
    """Two adjustments that change no answer. The test client copies every template context it renders (for
    ``response.context``, unused here), which doubles the cost of an admin page: render as outside tests.
    A slow run must not outlive the world's check-in QR token (3 minutes): the matrix is about who, not when."""
    from django.template import Template

    monkeypatch.setattr(Template, "_render", lambda self, context: self.nodelist.render(context))
    monkeypatch.setattr("meetings.checkin.TOKEN_MAX_AGE", 3600)


@pytest.mark.once_postgresql
def test_every_url_pattern_answers_each_role_as_the_table_says(url_world, role_users, fast_requests):
    entries = catalogue(url_world)
    uncovered = sorted({_key(entry) for entry in entries if rule_for(_key(entry)) is None})
    assert not uncovered, "URL patterns with no rule in RULES (add one):\n" + "\n".join(uncovered)

    results = run_matrix(entries, role_users)
    mismatches = []
    for entry in entries:
        rule = rule_for(_key(entry))
        for role in ROLES:
            got, status = results[(entry.url, role)]
            if got != rule.expected(role):
                mismatches.append(f"{_key(entry)} {entry.url} as {role}: {got} ({status}), the table says "
                                  f"{rule.expected(role)} [{rule.pattern}: {rule.why or 'no note'}]")
    assert not mismatches, f"{len(mismatches)} answers differ from RULES:\n" + "\n".join(mismatches)
