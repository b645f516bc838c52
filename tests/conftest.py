"""Fixtures shared by every suite: one user per role, a browser, and the service checks.

Test folders mirror the apps (tests/directory, tests/guide…); tests/e2e drives Chromium, tests/perf holds
benchmarks that print their figures. Markers: see [tool.pytest.ini_options] in pyproject.toml.
"""

import os

import pytest

from relais import roles
from tests import builders, module_data
from tests.builders import PASSWORD
from tests.url_catalogue import url_world  # noqa: F401  (fixture: one object of each kind a URL takes)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _second_factor_optional(settings):
    """Suites log roles in with force_login; tests/site/test_accounts.py proves the second factor itself."""
    settings.RELAIS_2FA_REQUIRED_ROLES = []
    settings.RELAIS_GUIDE_PDF_THREAD = False  # builds go through the task backend, which each test chooses


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and login throttles live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def private_cache(settings):
    """A cache of this test's own: the PostgreSQL/Redis pass shares one Redis with other suites running at the
    same time, whose cache.clear() would otherwise empty our caches between two requests."""
    import uuid

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"relais-{uuid.uuid4().hex}"}}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The product's glossary comes with a data migration; the suites start from an empty one and build the
    glossary they assert on (``search_synonyms`` loads the product's). The home page and legal pages are made
    once here, as `make run` makes them: every test's transaction starts from them (``site_pages`` then only
    reads them; a transactional test's flush empties the tree and ``site_pages`` makes them again)."""
    with django_db_blocker.unblock():
        from guide.models import GlossaryTerm
        from relais.demo import pages

        GlossaryTerm.objects.all().delete()
        pages.load_site_pages(lambda _message: None)


@pytest.fixture(scope="module")
def module_transaction(request, django_db_setup, django_db_blocker):
    """A transaction around a whole test module, rolled back after its last test, for records that several of
    its tests read and that cost to build (``tests.module_data.BuiltOnce``); each test's own transaction is a savepoint
    inside it, so that what one test changes never reaches the next (Django's TestCase.setUpTestData, for
    pytest). Yields the database blocker to build them with; None in a module where a test commits (a live
    server, a transactional test): there, records are built for each test."""
    from django.db import transaction

    if any(module_data.commits(item) for item in request.session.items if item.module is request.module):
        yield None
        return
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
    try:
        yield django_db_blocker
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def search_synonyms(db):
    """The product glossary, where search's acronyms and synonyms live (ML, FJT, CPAM, "logement"…)."""
    from relais.demo.guide import load_glossary

    load_glossary(lambda _message: None)


# --- Behind a reverse proxy (relais.client) -------------------------------------------------------
PROXY = "10.0.0.1"


@pytest.fixture(params=["proxy count", "trusted proxies"])
def via_proxy(request, settings, private_cache):
    """via_proxy(address) → the request headers of a visitor at ``address`` reaching Relais through one trusted
    reverse proxy, configured by RELAIS_PROXY_COUNT or by RELAIS_TRUSTED_PROXIES (the test runs with each)."""
    if request.param == "proxy count":
        settings.RELAIS_PROXY_COUNT = 1
    else:
        settings.RELAIS_TRUSTED_PROXIES = [PROXY]

    def headers(address: str) -> dict:
        return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": address}

    return headers


@pytest.fixture(params=["no proxy configured", "peer not a trusted proxy"])
def forged_forwarding(request, settings, private_cache):
    """forged_forwarding(n) → the headers of one client (one REMOTE_ADDR) sending its n-th made-up
    X-Forwarded-For: Relais must not believe it, with no proxy configured or from a peer that is not trusted."""
    if request.param == "peer not a trusted proxy":
        settings.RELAIS_TRUSTED_PROXIES = [PROXY]

    def headers(n: int) -> dict:
        return {"REMOTE_ADDR": "192.0.2.50", "HTTP_X_FORWARDED_FOR": f"198.51.100.{n % 250 + 1}"}

    return headers


# --- Absolute links (relais.links) -----------------------------------------------------------------
PUBLIC_BASE_URL = "https://relais.exemple.org"
SITE_PATHS = ("/annuaire/", "/instances/", "/guide/", "/espace-pro/", "/indicateurs/", "/admin/", "/recherche/")


@pytest.fixture
def assert_public_links(settings):
    """Sets RELAIS_BASE_URL to an address unlike the default; assert_public_links(text) fails unless ``text``
    links to the site and every such link starts with that address (no relative link, no request host)."""
    import re

    settings.RELAIS_BASE_URL = PUBLIC_BASE_URL

    def check(text: str) -> list[str]:
        links = [token for token in re.split(r"[\s\"'<>()]+", text) if any(path in token for path in SITE_PATHS)]
        assert links, f"no link to the site in:\n{text}"
        wrong = [link for link in links if not link.startswith(PUBLIC_BASE_URL + "/")]
        assert not wrong, f"links not starting with {PUBLIC_BASE_URL}: {wrong}"
        return links

    return check


@pytest.fixture
def make_user(db):
    """make_user("name", role) → a user in that role's group (role None: no group): tests.builders.make_user."""
    return builders.make_user


@pytest.fixture
def professional(make_user):
    return make_user("pro", roles.PROFESSIONAL, first_name="Sacha", last_name="Référent")


@pytest.fixture
def partner_editor(make_user):
    return make_user("editeur", roles.PARTNER_EDITOR)


@pytest.fixture
def secretary(make_user):
    return make_user("secretaire", roles.SECRETARY)


@pytest.fixture
def dept_admin(make_user):
    return make_user("pilote", roles.DEPARTEMENT_ADMIN)


@pytest.fixture
def superuser(make_user):
    return make_user("root", None, is_superuser=True, is_staff=True)


@pytest.fixture
def client_as(client):
    """client_as(user) → the test client logged in as that user."""

    def login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login


@pytest.fixture
def site_pages(db):
    """The home page and legal pages, as `make run` creates them."""
    from relais.demo import pages

    return pages.load_site_pages(lambda _message: None)


def pytest_addoption(parser):
    parser.addoption("--services-pass", action="store_true",
                     help="the PostgreSQL/Redis pass of make test: leave out the tests that reach neither the "
                          "database nor a service (they ran in the first pass, and would run the same here)")


def pytest_collection_modifyitems(config, items):
    """The services pass keeps the tests that reach the database or a service. Under CI=true a service test
    must never be skipped for want of its service: fail instead."""
    if config.getoption("--services-pass"):
        kept, left = [], []
        for item in items:
            (kept if item.get_closest_marker("services") or module_data.reaches_database(item) else left).append(item)
        config.hook.pytest_deselected(items=left)
        items[:] = kept
    if os.environ.get("CI", "").lower() != "true":
        return
    selected = config.getoption("-m") or ""
    if "not services" in selected:
        return
    for item in items:
        if item.get_closest_marker("services"):
            missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not os.environ.get(name)]
            if missing:
                raise pytest.UsageError(f"CI=true and {', '.join(missing)} unset: service tests cannot run")


# --- Real browser ---------------------------------------------------------------------------------
CHROMIUM = os.environ.get("RELAIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def _playwright():
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures around it
    # are still synchronous and safe. Module scope: the loop must be gone before any asyncio test runs.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package")
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def chromium(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def phone_page(chromium, live_server):
    """A fresh page in a 360 px wide phone viewport, French, pointed at the live server.

    Browser tests run on a transactional database whose tables are emptied after each test: fixtures that
    need pages go through `site_pages` (relais.demo recreates Wagtail's root page when it is missing).
    """
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", base_url=live_server.url,
                                   device_scale_factor=1, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def desktop_page(chromium, live_server):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


class CspWatch:
    """Every Content-Security-Policy violation in a browser context, across navigations: the page's
    ``securitypolicyviolation`` events and Chromium's console messages about the policy."""

    INIT = """document.addEventListener("securitypolicyviolation", function (e) {
        window.__relaisCspViolation({directive: e.violatedDirective, blocked: e.blockedURI,
                                     sample: e.sample, source: e.sourceFile + ":" + e.lineNumber,
                                     page: location.pathname});
    });"""

    def __init__(self, context):
        self.violations: list[dict] = []
        context.expose_binding("__relaisCspViolation", lambda _source, found: self.violations.append(found))
        context.add_init_script(self.INIT)
        context.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.violations.append({"console": message.text})

    def assert_none(self, page):
        page.wait_for_timeout(150)  # let the last events and console messages arrive
        assert self.violations == [], "CSP violations:\n" + "\n".join(map(str, self.violations))


@pytest.fixture
def csp_watch():
    """csp_watch(context) → a CspWatch; ``.assert_none(page)`` fails on any violation seen so far."""
    return CspWatch


# axe-core as package-lock.json pins it (`make install` runs `npm ci`): a current release, never downloaded here.
AXE_SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "node_modules", "axe-core",
                          "axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice", "experimental"]


@pytest.fixture(scope="session")
def axe_check():
    """axe_check(page) fails the test on any serious or critical violation: WCAG 2.0–2.2 A/AA, best practices and
    axe's experimental rules, run by the axe-core that `make install` put in node_modules/."""
    import json

    if not os.path.exists(AXE_SCRIPT):
        pytest.fail(f"{AXE_SCRIPT} is missing: `make install` installs it (npm ci, package-lock.json)")
    with open(AXE_SCRIPT, encoding="utf-8") as script:
        source = script.read()

    def check(page, *, context=None):
        options = {"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": AXE_TAGS}}
        # Evaluated through the DevTools protocol: the page's Content-Security-Policy does not apply to it.
        page.evaluate(source)
        results = page.evaluate("([context, options]) => axe.run(context || document, options)",
                                [context, options])
        bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        if bad:
            lines = [f"{v['id']} ({v['impact']}): {v['help']} → "
                     + "; ".join(json.dumps(n["target"], ensure_ascii=False) for n in v["nodes"][:5]) for v in bad]
            pytest.fail(f"axe {results['testEngine']['version']} found {len(bad)} serious/critical violation(s) on "
                        f"{page.url}:\n" + "\n".join(lines))
        return results

    return check


@pytest.fixture
def login_in_browser(live_server):
    """login_in_browser(page, user) signs the page's context in through the real login form."""

    def login(page, user, password=PASSWORD):
        page.goto("/espace-pro/connexion/")
        page.get_by_label("Identifiant").fill(user.username)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url("**/espace-pro/")
        return page

    return login


@pytest.fixture
def search_index_now(monkeypatch):
    """Index updates wait for a commit that never comes inside a test's transaction: run them at once."""
    from search import indexing

    monkeypatch.setattr(indexing, "_after_commit", lambda keys: indexing._safe_refresh(list(keys)) if keys else None)


# --- Channels ------------------------------------------------------------------------------------------
@pytest.fixture
def as_user():
    """as_user(asgi_app, user) → the app with that user in its scope, as AuthMiddlewareStack would set it."""

    def wrap(app, user):
        async def app_as_user(scope, receive, send):
            return await app({**scope, "user": user}, receive, send)

        return app_as_user

    return wrap


@pytest.fixture
def redis_channel_layer(settings):
    """redis_channel_layer(db, **config) → channels-redis on REDIS_URL's server, in database ``db``.

    A database of the test's own: other suites' ``cache.clear()`` must not wipe its groups mid-run.
    """
    from uuid import uuid4

    from channels.layers import channel_layers

    from relais.env import redis_db_url

    def make(db: int, **config):
        url = os.environ.get("REDIS_URL")
        if not url:
            pytest.skip("REDIS_URL is not set (service tests run in the second pass of make test)")
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {
            "hosts": [redis_db_url(url, db)], "prefix": f"test-{uuid4().hex[:8]}", **config}}}
        channel_layers.backends.clear()
        return channel_layers["default"]

    yield make

    channel_layers.backends.clear()


@pytest.fixture
def dummy_tasks(settings):
    """Background tasks are queued, not run (django-tasks' dummy backend): ``queued(task)`` lists what the
    request handed to the worker, with its arguments. Without this fixture tests run tasks at once."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()

    def queued(task):
        return [r for r in default_task_backend.results if r.task.func is task.func]

    default_task_backend.queued = queued
    yield default_task_backend
    default_task_backend.clear()
