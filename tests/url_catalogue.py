"""Every URL pattern of the project, with a concrete URL: the base of tests that walk the whole site.

    from tests.url_catalogue import catalogue

    def test_something(url_world):               # fixture: one object of each kind a URL takes
        for entry in catalogue(url_world):       # -> list[Entry(name, route, url, methods)]
            client.get(entry.url)

- ``name``: the namespaced pattern name (``"directory:organisation"``), ``""`` for unnamed patterns;
  two patterns may share a name (Wagtail's ``wagtailsettings:edit``), ``route`` tells them apart.
- ``route``: the full pattern text, prefixes included (``"annuaire/<slug:slug>/"``).
- ``url``: a path that resolves to this very pattern, filled with ``url_world``'s ids, slugs and tokens
  (a few Wagtail patterns that need objects this project never creates get an id that does not exist:
  see ``ABSENT``).
- ``methods``: the HTTP methods the view answers, read from the view (class views: their handlers;
  function views: ``require_POST`` / a ``request.method == "POST"`` branch). Best effort, never empty.

``catalogue()`` raises ``UnfilledPatterns`` when a pattern has a parameter it cannot fill: a new URL
pattern must get its filler here (``PARAMS`` or ``BY_NAME``), so that no test that walks every URL forgets it.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern


@dataclass(frozen=True)
class Entry:
    name: str
    route: str
    url: str
    methods: tuple[str, ...]


class UnfilledPatterns(Exception):
    """Patterns the catalogue cannot fill yet: add their parameters to PARAMS or BY_NAME."""


# Ids that exist nowhere: patterns whose object the project never creates (kept short on purpose).
ABSENT = 987654


# --- The world ------------------------------------------------------------------------------------

@pytest.fixture
def url_world(db, site_pages, settings, tmp_path):
    """One of each object that a URL pattern takes, wired together as the app would.

    Attributes: territories (dep, territoire, commune), org, service, contact, error_report, national_org (a
    draft national record suspected to duplicate org), duplicate (that pair), glossary_term,
    feedback, pages (home, index, theme, article, path, private), body, meeting, invitation, training_body,
    training, trainee (a training session and its one trainee), minutes,
    decision, action, checkin_token, reply_token, convention, indicator, indicator_value, operator, image, document,
    collection, private_collection, redirect, site, admin_user, group, workflow, task, workflow_state,
    task_state, revision, uploaded_image, uploaded_document, editing_session, page_restriction,
    collection_restriction.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.files.base import ContentFile
    from django.utils import timezone
    from wagtail.admin.models import EditingSession
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import (
        Collection,
        CollectionViewRestriction,
        PageViewRestriction,
        Site,
        Task,
        UploadedFile,
        Workflow,
    )

    from directory.models import ErrorReport, SuspectedDuplicate
    from guide.models import ArticlePage, Feedback, GlossaryTerm, GuideIndexPage, PathPage, StandardPage, ThemePage
    from meetings import checkin, convocations, services
    from meetings.indicators.models import Convention, Indicator, IndicatorValue
    from meetings.models import Action, Body, BodyMember, Decision
    from tests import builders

    settings.MEDIA_ROOT = str(tmp_path / "media")
    w = SimpleNamespace()
    w.dep, w.territoire, w.commune = builders.territory_world("62", "62-ARR", "arras").values()
    w.org = builders.make_org("Mission locale de l'Arrageois", slug="mission-locale-arrageois", commune=w.commune,
                              email="accueil@exemple.invalid", serving=[w.territoire])
    w.service = builders.make_service(w.org, name="Accompagnement vers l'emploi", status="published",
                                      thematiques=["trouver-un-emploi"], publics=["jeunes"], age_min=16, age_max=25)
    w.contact = builders.make_contact(w.org, name="Accueil jeunes", role="conseiller", email="jeunes@exemple.invalid",
                                      visibility="public")
    w.error_report = ErrorReport.objects.create(organisation=w.org, message="Le numéro a changé.")
    w.national_org = builders.make_org("Mission locale Arrageois", status="draft", commune=w.commune,
                                       source="soliguide", source_id="soliguide--ml-arrageois")
    w.duplicate = SuspectedDuplicate.objects.create(local=w.org, incoming=w.national_org, score=0.95,
                                                    reason="name_address", detail="nom 0,95")
    w.glossary_term = GlossaryTerm.objects.create(term="CJM", expansion="contrat jeune majeur", slug="cjm",
                                                  definition="Un accord avec le Département après 18 ans.")

    home = site_pages
    index = home.add_child(instance=GuideIndexPage(title="Le guide", slug="guide", intro="Pour tes 16-25 ans."))
    theme = index.add_child(instance=ThemePage(title="Logement", slug="logement", intro="Trouver où dormir."))
    article = theme.add_child(instance=ArticlePage(title="Trouver un logement", slug="trouver-un-logement",
                                                   summary="Les solutions.", age_min=16, age_max=25,
                                                   updated_on=dt.date(2026, 3, 2),
                                                   body=[{"type": "text", "value": "<p>Le CJM.</p>"}]))
    path_page = index.add_child(instance=PathPage(title="Mon parcours", slug="mon-parcours", intro="À chaque âge."))
    private = home.add_child(instance=StandardPage(title="Page réservée", slug="page-reservee",
                                                      body="<p>Réservée aux partenaires.</p>"))
    for page in (index, theme, article, path_page, private):
        page.save_revision().publish()
    w.pages = SimpleNamespace(home=home, index=index, theme=theme, article=article, path=path_page, private=private)
    w.revision = article.save_revision()
    w.page_restriction = PageViewRestriction.objects.create(page=private, restriction_type="password",
                                                            password="mot-de-passe")
    w.feedback = Feedback.objects.create(kind="page", page=article, helpful=True, comment="Merci.")
    # The article's English translation (wagtail-localize: its source, the translation, its review).
    from wagtail.models import Locale
    from wagtail_localize.models import StringSegment, Translation, TranslationSource

    from relais.models import TranslationReview

    w.locale = Locale.objects.get_or_create(language_code="en")[0]
    source, _created = TranslationSource.get_or_create_from_instance(article)
    w.translation = Translation.objects.create(source=source, target_locale=w.locale)
    w.string_segment = StringSegment.objects.filter(source=source).first()
    english = article.copy_for_translation(w.locale, copy_parents=True)
    w.translation_review = TranslationReview.objects.create(page=english, status="to_review")

    w.body = Body.objects.create(name="Comité de suivi de l'Arrageois", slug="suivi-arrageois", kind="comite_suivi",
                                 territory=w.territoire, is_decision_body=True, youth_seats=1)
    BodyMember.objects.create(body=w.body, organisation=w.org, contact=w.contact, seat="titulaire")
    w.meeting = builders.make_meeting(w.body, place="MDS de l'Arrageois", convene=True)
    w.invitation = w.meeting.invitations.exclude(is_youth_seat=True).first()
    w.checkin_token = checkin.make_token(w.meeting)
    w.reply_token = convocations.reply_token(w.invitation)
    w.minutes = services.save_minutes(w.meeting, "<p>Relevé de décisions.</p>")
    w.decision = Decision.objects.create(meeting=w.meeting, text="Ouvrir une permanence à Arras.")
    w.action = Action.objects.create(body=w.body, meeting=w.meeting, title="Préparer la permanence",
                                     owner_organisation=w.org)
    w.training_body = Body.objects.create(name="Formation référent de parcours", slug="formation-referent",
                                          kind="formation", territory=w.territoire, organiser=w.org)
    w.training = builders.make_meeting(w.training_body, convene=False, trainer_name="Camille Formatrice")
    services.freeze_invitations(w.training, people=[w.contact])
    w.trainee = w.training.invitations.get()

    w.convention = Convention.objects.create(name="Convention 2025-2027", first_year=2025, last_year=2027)
    w.indicator = Indicator.objects.create(convention=w.convention, code="contrats-jeunes-majeurs",
                                           name="Contrats jeunes majeurs", definition="Nombre de CJM signés.",
                                           computation=Indicator.Computation.MANUAL, unit=Indicator.Unit.COUNT)
    w.indicator_value = IndicatorValue.objects.create(indicator=w.indicator, year=2026, value=231)
    from meetings.indicators.models import ReportingOperator

    w.operator = ReportingOperator.objects.create(organisation=w.org, territory=w.territoire,
                                                  first_month=dt.date(2026, 1, 1))

    w.collection = Collection.get_first_root_node()
    w.private_collection = w.collection.add_child(name="Documents internes")
    w.collection_restriction = CollectionViewRestriction.objects.create(
        collection=w.private_collection, restriction_type="password", password="mot-de-passe")
    w.image = Image.objects.create(title="Affiche", file=get_test_image_file())
    w.document = Document.objects.create(title="Guide papier", file=ContentFile(b"guide", name="guide.txt"))
    w.uploaded_image = UploadedFile.objects.create(file=get_test_image_file(filename="envoi.png"),
                                                   for_content_type=None)
    w.uploaded_document = UploadedFile.objects.create(file=ContentFile(b"envoi", name="envoi.txt"),
                                                      for_content_type=None)
    w.redirect = Redirect.objects.create(old_path="/ancien-guide", redirect_page=index)
    w.site = Site.objects.get(is_default_site=True)
    w.admin_user = get_user_model().objects.create_user("catalogue", "catalogue@exemple.invalid", "x")
    w.group = Group.objects.get_or_create(name="Catalogue")[0]
    w.workflow = Workflow.objects.filter(active=True).first() or Workflow.objects.create(name="Relecture")
    w.task = Task.objects.filter(active=True).first()
    w.workflow_state = w.workflow.start(article, w.admin_user)
    w.task_state = w.workflow_state.current_task_state
    from django.contrib.contenttypes.models import ContentType

    w.editing_session = EditingSession.objects.create(
        user=w.admin_user, content_type=ContentType.objects.get_for_model(article.specific_class),
        object_id=str(article.pk), last_seen_at=timezone.now())
    return w


# --- Parameter fillers ----------------------------------------------------------------------------

def _model_for_namespace(namespace: str):
    """The model a Wagtail snippet/model viewset's URLs are about, from the viewset's namespace."""
    from django.apps import apps

    m = re.match(r"wagtailsnippet(?:s|choosers)_([a-z0-9]+)_([a-z0-9]+)$", namespace)
    if m:
        return apps.get_model(m.group(1), m.group(2))
    named = {"indicator": "indicators.Indicator", "indicatorvalue": "indicators.IndicatorValue",
             "convention": "indicators.Convention", "wagtailsites": "wagtailcore.Site",
             "wagtailusers_users": "auth.User", "wagtailusers_groups": "auth.Group",
             "wagtailadmin_collections": "wagtailcore.Collection", "wagtailredirects": "wagtailredirects.Redirect",
             "meetings": "meetings.Meeting", "wagtaildocs_chooser": "wagtaildocs.Document",
             "wagtailimages_chooser": "wagtailimages.Image"}
    if namespace in named:
        return apps.get_model(named[namespace])
    return None


def _object_of(model, w):
    """The world's instance of ``model`` (matched by class, or by concrete class for pages)."""
    for value in vars(w).values():
        if type(value) is model:
            return value
    found = {"Group": w.group, "User": w.admin_user}.get(model.__name__)
    if found is not None:
        return found
    raise LookupError(model)


# Parameter → value, whatever the pattern (a callable of the world).
PARAMS = {
    "page_id": lambda w: w.pages.article.pk,
    "parent_page_id": lambda w: w.pages.theme.pk,
    "page_to_move_id": lambda w: w.pages.article.pk,
    "destination_id": lambda w: w.pages.index.pk,
    "revision_id": lambda w: w.revision.pk,
    "task_state_id": lambda w: w.task_state.pk,
    "workflow_state_id": lambda w: w.workflow_state.pk,
    "task_id": lambda w: w.task.pk,
    "page_pk": lambda w: w.pages.article.pk,
    "workflow_pk": lambda w: w.workflow.pk,
    "collection_id": lambda w: w.private_collection.pk,
    "document_id": lambda w: w.document.pk,
    "doc_id": lambda w: w.document.pk,
    "image_id": lambda w: w.image.pk,
    "redirect_id": lambda w: w.redirect.pk,
    "session_id": lambda w: w.editing_session.pk,
    "restriction_id": lambda w: w.collection_restriction.pk,
    "page_view_restriction_id": lambda w: w.page_restriction.pk,
    "content_type_app_name": lambda w: "guide",
    "content_type_model_name": lambda w: "articlepage",
    "action_name": lambda w: "approve",
    "filter_spec": lambda w: "fill-80x80",
    "code": lambda w: w.indicator.code,
    "fmt": lambda w: "csv",
    "path": lambda w: "original_images/absent.png",
    "translation_id": lambda w: w.translation.pk,
    "translation_source_id": lambda w: w.translation.source_id,
    "string_segment_id": lambda w: w.string_segment.pk,
    "overridable_segment_id": lambda w: ABSENT,  # a text article has no overridable segment
    "mode": lambda w: "default",
}

# Pattern name → {parameter: value}: where the same parameter means different things.
_LOCALE = {"pk": lambda w: w.locale.pk}
_SNIPPET = {"app_label": "guide", "model_name": "glossaryterm", "pk": lambda w: str(w.glossary_term.pk)}
BY_NAME = {
    **{f"wagtaillocales:{view}": _LOCALE for view in ("edit", "delete", "history", "history_results", "usage",
                                                        "copy")},
    "wagtail_localize:submit_snippet_translation": _SNIPPET,
    "wagtail_localize:snippets_api_listing": _SNIPPET,
    "wagtail_localize:snippets_api_detail": _SNIPPET,
    "wagtail_bulk_action": {"app_label": "wagtailcore", "model_name": "page", "action": "publish"},
    "wagtailadmin_pages:choose_parent": {"app_label": "guide", "model_name": "articlepage"},
    "wagtailadmin_tag_model_autocomplete": {"app_name": "wagtailimages", "model_name": "image"},
    "wagtailadmin_editing_sessions:ping": {"app_label": "wagtailcore", "model_name": "page",
                                           "object_id": lambda w: str(w.pages.article.pk)},
    "wagtailadmin_workflows:add_task": {"app_label": "wagtailcore", "model_name": "groupapprovaltask"},
    "wagtailadmin_workflows:edit_task": {"pk": lambda w: w.task.pk},
    "wagtailadmin_workflows:disable_task": {"pk": lambda w: w.task.pk},
    "wagtailadmin_workflows:enable_task": {"pk": lambda w: w.task.pk},
    "wagtailadmin_workflows:enable": {"pk": lambda w: w.workflow.pk},
    "wagtailadmin_workflows:disable": {"pk": lambda w: w.workflow.pk},
    "wagtailadmin_workflows:edit": {"pk": lambda w: w.workflow.pk},
    "wagtailadmin_workflows:usage": {"pk": lambda w: w.workflow.pk},
    "wagtailadmin_workflows:usage_results": {"pk": lambda w: w.workflow.pk},
    # The project registers no settings model: Wagtail answers 404 for any name.
    "wagtailsettings:edit": {"app_name": "relais", "model_name": "reglages", "pk": lambda w: w.site.pk},
    "wagtailsettings:preview_on_edit": {"app_name": "relais", "model_name": "reglages", "pk": lambda w: w.site.pk},
    "wagtailimages:create_multiple_from_uploaded_image": {"uploaded_file_id": lambda w: w.uploaded_image.pk},
    "wagtailimages:delete_upload_multiple": {"uploaded_file_id": lambda w: w.uploaded_image.pk},
    "wagtaildocs:create_multiple_from_uploaded_document": {"uploaded_file_id": lambda w: w.uploaded_document.pk},
    "wagtaildocs:delete_upload_multiple": {"uploaded_file_id": lambda w: w.uploaded_document.pk},
    "wagtailadmin_password_reset_confirm": {"uidb64": lambda w: _uid(w.admin_user),
                                            "token": lambda w: _reset_token(w.admin_user)},
    "wagtailforms:list_submissions": {"page_id": lambda w: w.pages.home.pk},
    "wagtailforms:list_submissions_results": {"page_id": lambda w: w.pages.home.pk},
    "wagtailforms:delete_submissions": {"page_id": lambda w: w.pages.home.pk},
    "wagtailcore_authenticate_with_password": {"page_id": lambda w: w.pages.private.pk},
    "wagtailadmin_pages:workflow_preview": {"task_id": lambda w: w.task.pk},
    "wagtailadmin_pages:workflow_action": {"action_name": "approve"},
    "wagtailadmin_pages:collect_workflow_action_data": {"action_name": "approve"},
    "directory:organisation": {"slug": lambda w: w.org.slug},
    "directory:report-error": {"slug": lambda w: w.org.slug},
    "directory:confirm": {"slug": lambda w: w.org.slug},
    "directory_organisation_editors": {"pk": lambda w: w.org.pk},
    "directory_contact_account": {"pk": lambda w: w.contact.pk},
    "directory_organisation_confirm": {"pk": lambda w: w.org.pk},
    "directory_duplicate": {"pk": lambda w: w.duplicate.pk},
    "meetings:checkin": {"token": lambda w: w.checkin_token},
    "meetings:checkin-code": {"code": lambda w: w.invitation.checkin_code},
    "relais:email-confirm": {"token": lambda w: _email_token(w)},
    "relais:contact-link-confirm": {"token": lambda w: _contact_link_token(w)},
    "meetings:reply": {"token": lambda w: w.reply_token, "answer": "oui"},
    "meetings:action-status": {"pk": lambda w: w.action.pk},
    "meetings:body": {"slug": lambda w: w.body.slug},
    "meetings:generate": {"slug": lambda w: w.body.slug},
    "meetings:meeting-new": {"slug": lambda w: w.body.slug},
    "meetings:feed": {"slug": lambda w: w.body.slug, "token": lambda w: w.body.feed_token},
    "meetings:certificate": {"pk": lambda w: w.training.pk, "invitation": lambda w: w.trainee.pk},
    "indicators:api-detail": {"code": lambda w: w.indicator.code},
    "indicators:operator-table": {"operator_id": lambda w: w.operator.pk, "month": "2026-03"},
    "indicators:operator-table-reopen": {"operator_id": lambda w: w.operator.pk, "month": "2026-03"},
    "indicators:detail-export": {"code": lambda w: w.indicator.code},
    "indicators:period": {"pk": lambda w: _period_closure(w).pk},
    "wagtailimages:edit_multiple": {"image_id": lambda w: w.image.pk},
    "wagtailadmin_collections:edit": {"pk": lambda w: w.private_collection.pk},  # the root is not editable
    "wagtailadmin_collections:delete": {"pk": lambda w: w.private_collection.pk},
    "wagtailadmin_api:pages:detail": {"pk": lambda w: w.pages.article.pk},
    "wagtailadmin_api:pages:action": {"pk": lambda w: w.pages.article.pk, "action_name": "copy"},
    "wagtailadmin_api:documents:detail": {"pk": lambda w: w.document.pk},
    "wagtailadmin_api:images:detail": {"pk": lambda w: w.image.pk},
}

# Regular-expression patterns: the whole URL, by (name, route) since their groups are positional.
REGEX_URLS = {
    ("wagtailadmin_pages:revisions_compare"): lambda w: (
        f"/admin/pages/{w.pages.article.pk}/revisions/compare/earliest...latest/"),
    ("wagtaildocs_serve"): lambda w: f"/documents/{w.document.pk}/guide.txt",
    ("wagtail_serve"): lambda w: w.pages.article.url,
    (""): lambda w: "/admin/inexistant/",  # Wagtail admin's catch-all (`^.*/$`)
}


def _uid(user):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return urlsafe_base64_encode(force_bytes(user.pk))


def _email_token(w):
    from relais.accounts import make_email_token

    return make_email_token(w.admin_user, "nouveau@exemple.invalid")


def _contact_link_token(w):
    from directory.accounts import make_link_token

    return make_link_token(w.admin_user, w.contact)


def _reset_token(user):
    from django.contrib.auth.tokens import default_token_generator

    return default_token_generator.make_token(user)


# --- Walking the resolver -------------------------------------------------------------------------

def patterns():
    """(name, [pattern segments], callback) of every URL pattern, nested resolvers walked (admin included)."""

    def walk(items, segments, namespace):
        for item in items:
            if isinstance(item, URLResolver):
                ns = namespace
                if item.namespace:
                    ns = f"{namespace}:{item.namespace}" if namespace else item.namespace
                yield from walk(item.url_patterns, [*segments, item.pattern], ns)
            elif isinstance(item, URLPattern):
                name = f"{namespace}:{item.name}" if namespace and item.name else (item.name or "")
                yield name, [*segments, item.pattern], item.callback

    return list(walk(get_resolver().url_patterns, [], ""))


def _value(name, namespace, param, w):
    by_name = BY_NAME.get(name, {})
    if param in by_name:
        value = by_name[param]
    elif param in PARAMS:
        value = PARAMS[param]
    elif param == "pk" and (model := _model_for_namespace(namespace)) is not None:
        return _object_of(model, w).pk
    else:
        raise KeyError(param)
    return value(w) if callable(value) else value


_CONVERTER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<param>\w+)>")
_REGEX_LITERAL = re.compile(r"^\^?(?P<text>[\w\-./]*)\$?$")


def _fill(name, segments, w) -> str:
    namespace = name.rpartition(":")[0]
    parts = []
    for segment in segments:
        text = str(segment)
        if isinstance(segment, LocalePrefixPattern):
            continue  # i18n_patterns: the French address, unprefixed (other languages add /<code>/)
        if isinstance(segment, RoutePattern):
            parts.append(_CONVERTER.sub(lambda m: str(_value(name, namespace, m["param"], w)), text))
        elif isinstance(segment, RegexPattern) and (m := _REGEX_LITERAL.match(text)):
            parts.append(m["text"])
        else:
            raise KeyError(text)
    return "/" + "".join(parts)


# Views whose accepted methods cannot be read from the callback (Wagtail wrappers hide them).
METHODS = {
    "wagtailadmin_api:pages:action": ("POST",),
    "wagtailadmin_pages:set_page_position": ("POST",),
    "wagtailadmin_pages:lock": ("POST",),
    "wagtailadmin_pages:unlock": ("POST",),
}


def _methods(callback) -> tuple[str, ...]:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        found = tuple(m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m))
        return found or ("GET",)
    function = callback
    while function is not None:  # require_GET / require_POST / require_http_methods keep their list in a cell
        code = getattr(function, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = function.__closure__[code.co_freevars.index("request_method_list")]
            return tuple(m for m in ("GET", "POST", "PUT", "PATCH", "DELETE") if m in cell.cell_contents)
        function = getattr(function, "__wrapped__", None)
    try:
        source = inspect.getsource(inspect.unwrap(callback))
    except (OSError, TypeError):
        return ("GET",)
    if re.search(r"method\s*(==|!=)\s*[\"']POST|\.POST\b", source):
        return ("GET", "POST")
    return ("GET",)


def catalogue(world) -> list[Entry]:
    """One Entry per URL pattern of the resolver, filled from ``world`` (the ``url_world`` fixture)."""
    entries, missing = [], []
    for name, segments, callback in patterns():
        route = "".join(str(s) for s in segments)
        try:
            if name in REGEX_URLS and any(isinstance(s, RegexPattern) and not _REGEX_LITERAL.match(str(s))
                                          for s in segments):
                url = REGEX_URLS[name](world)
            else:
                url = _fill(name, segments, world)
        except (KeyError, LookupError) as error:
            missing.append(f"{name or '(unnamed)'} {route}: cannot fill {error}")
            continue
        entries.append(Entry(name=name, route=route, url=url, methods=METHODS.get(name) or _methods(callback)))
    if missing:
        raise UnfilledPatterns("\n".join(missing))
    return entries


def resolves_to_own_pattern(entry: Entry) -> bool:
    """True when ``entry.url`` is served by the pattern it was made from (not by an earlier catch-all)."""
    match = resolve(entry.url.split("?")[0])
    if entry.name:
        return match.view_name == entry.name
    return match.route == entry.route.replace("^", "")  # Django drops regex anchors when joining routes


def _period_closure(w):
    from meetings.indicators.models import PeriodClosure

    return PeriodClosure.objects.get_or_create(start="2026-01-01", end="2026-12-31", defaults={"label": "2026"})[0]
