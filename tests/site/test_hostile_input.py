"""Hostile input never gives a 5xx: every URL of the catalogue and every form, fed one corpus of bad values.

(a) Query strings: each URL of tests/url_catalogue.py, anonymously and as a département admin, with each
    corpus value in each query parameter its view reads (QUERY_PARAMS, read from the views), and the values
    that can trouble the middleware in a parameter no view reads; Wagtail's own admin URLs get the corpus in
    their list parameters in one request.
(b) Forms: public (feedback, idea, error report, territory, self check-in, reply, login), professional
    (meetings) and admin (Wagtail create/edit forms of the directory, guide, meetings and indicators
    models, the login forms): each field in turn gets a corpus value (an admin add form: every field at once,
    its fields being cleaned one by one through the edit form); a refused post answers with a French message
    and leaves the database as it was.
"""

from __future__ import annotations

import contextlib
import re
import sys
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from tests.url_catalogue import catalogue

# --- The corpus -----------------------------------------------------------------------------------

CORPUS = {
    "superscript-2": "²",
    "superscript-1": "¹",
    "nul": "\x00",
    "nul-inside": "62\x00041",
    "huge": "x" * 100_000,
    "rtl-override": "\u202eevil\u202c",
    "ltr-mark": "\u200eArras",
    "emoji": "🏠🙂",
    "formula": "=1+1",
    "plus": "+1",
    "minus": "-1",
    "at": "@SUM(A1)",
    "tab-formula": "\t=1+1",
    "huge-number": "99999999999999999999",
    "nan": "nan",
    "inf": "inf",
    "negative-infinity": "-inf",
}
# Raw query-string fragments (already percent-encoded): invalid UTF-8 and repeated keys.
RAW = {
    "invalid-utf8": "%ff%fe%fd",
    "overlong-utf8": "%c0%af",
    "lone-surrogate": "%ed%a0%80",
}
LIST_VALUES = ["1", "²"]  # a list where a scalar is expected: the same key twice

# Query parameters each project view reads (see the views); every URL also gets GENERIC.
GENERIC = "zz"
SEARCH = ["q", "type", "theme", "public", "typologie", "territoire", "age", "rayon", "lat", "lon", "pres_de", "tri",
          "page"]
DASHBOARD = ["annee", "territoire", "instances", "debut", "fin", "format"]
QUERY_PARAMS = {
    "directory:list": ["q", "territoire", "theme", "public", "type", "age", "page", "vue"],
    "directory:export-csv": ["q", "territoire"],
    "search:search": SEARCH,
    "search:api": SEARCH,
    "search:suggestions": ["q"],
    "guide:territory": ["next", "q"],
    "guide:territory-suggestions": ["q"],
    "guide:print": ["theme"],
    "meetings:sheet": ["fragment"],
    "meetings:qr": ["svg"],
    "indicators:dashboard": DASHBOARD,
    "indicators:detail": DASHBOARD,
    "indicators:api": DASHBOARD,
    "indicators:api-detail": DASHBOARD,
    "indicators:export": DASHBOARD,
    "indicators:operator-report": ["mois", "format", "territoire", "operateur"],
    "indicators:operator-overview": ["mois"],
    "indicators:operator-tables-export": ["mois", "annee", "operateur", "format"],
    "relais:login": ["next"],
    "directory_history": ["organisation", "page"],
    "directory_error_reports": ["page"],
}
# Wagtail's list views read these; its other views ignore them.
WAGTAIL_PARAMS = ["q", "p", "ordering", "collection_id", "tag", "locale", "parent_page_id", "next"]
# URLs whose job is to act or to stream something heavy: one request each, no corpus loop.
SKIP = {"relais:logout", "wagtailadmin_logout", "wagtailadmin_error_test", "guide:print-pdf"}
JSON_NAMES = {"search:api", "search:suggestions", "guide:territory-suggestions", "indicators:api",
              "indicators:api-detail", "healthz"}


def _query(param: str, value) -> str:
    if isinstance(value, list):
        return "&".join(f"{quote(param)}={quote(v)}" for v in value)
    return f"{quote(param)}={quote(value)}"


# URLs whose parameters go through the same parser as a URL walked in full (search:api, indicators:api and
# indicators:dashboard): a few values each are enough to prove they are wired to it, and keep the run short.
SHARED_PARSER = {"search:search", "indicators:detail", "indicators:api-detail", "indicators:export",
                 "directory:export-csv"}
FEW = ("superscript-2", "nul-inside", "huge-number", "list")
# A parameter no view reads (GENERIC) reaches only what reads the whole query string (the middleware, the page
# cache's key, QueryDict's decoding): the values that can trouble those, not those a view's parser refuses.
UNREAD = ("nul", "nul-inside", "huge", "rtl-override", "invalid-utf8", "overlong-utf8", "lone-surrogate", "list")


def _variants(param: str, few: bool = False):
    kept = FEW if few else UNREAD if param == GENERIC else None
    for label, query in _every_variant(param):
        if kept is None or label in kept:
            yield label, query


def _every_variant(param: str):
    for label, value in CORPUS.items():
        yield label, _query(param, value)
    for label, raw in RAW.items():
        yield label, f"{quote(param)}={raw}"
    yield "list", _query(param, LIST_VALUES)


def _client(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _is_json_response(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _walk(entries, client, failures, who):
    """GET each entry with each corpus value in each parameter its view reads; record 5xx and HTML errors of APIs."""
    for entry in entries:
        if "GET" not in entry.methods or entry.name in SKIP:
            continue
        base = entry.url.split("?")[0]
        for param in [*QUERY_PARAMS.get(entry.name, []), GENERIC]:
            for label, query in _variants(param, few=entry.name in SHARED_PARSER):
                response = client.get(base, QUERY_STRING=query)
                where = f"{who} GET {base}?{param}=<{label}>"
                if response.status_code >= 500:
                    failures.append(f"{where} → {response.status_code}")
                elif entry.name in JSON_NAMES and response.status_code >= 400 and not _is_json_response(response):
                    failures.append(f"{where} → {response.status_code} not JSON")


def _project(entries):
    return [e for e in entries if not e.route.startswith("admin/") or e.name.startswith("directory_")]


def _wagtail_admin(entries):
    return [e for e in entries if e.route.startswith("admin/") and not e.name.startswith("directory_")]


@pytest.mark.once_postgresql
def test_project_urls_anonymously(url_world):
    failures = []
    _walk(_project(catalogue(url_world)), _client(), failures, "anonymous")
    assert not failures, f"{len(failures)} failure(s):\n" + "\n".join(failures[:60])


@pytest.mark.once_postgresql
def test_project_urls_as_departement_admin(url_world, dept_admin):
    from guardian.shortcuts import assign_perm

    assign_perm("meetings.manage_body", dept_admin, url_world.body)
    failures = []
    _walk(_project(catalogue(url_world)), _client(dept_admin), failures, "département admin")
    assert not failures, f"{len(failures)} failure(s):\n" + "\n".join(failures[:60])


@pytest.mark.once_postgresql
def test_wagtail_admin_urls_as_departement_admin(url_world, dept_admin):
    """Each admin URL once, with the corpus spread over the parameters Wagtail's list views read."""
    client = _client(dept_admin)
    values = list(CORPUS.values())
    failures = []
    for entry in _wagtail_admin(catalogue(url_world)):
        if "GET" not in entry.methods or entry.name in SKIP:
            continue
        for shift in (0, 1):
            pairs = [_query(param, values[(index + shift * 7) % len(values)])
                     for index, param in enumerate([*WAGTAIL_PARAMS, GENERIC])]
            query = "&".join(pairs) + f"&{GENERIC}2={RAW['invalid-utf8']}"
            with _exceptions() as raised:
                response = client.get(entry.url.split("?")[0], QUERY_STRING=query)
            if response.status_code >= 500:
                why = raised[-1] if raised else ""
                failures.append(f"GET {entry.url}?{query[:200]} → {response.status_code} {why}")
    assert not failures, f"{len(failures)} failure(s):\n" + "\n".join(failures[:60])


# --- (b) Forms ------------------------------------------------------------------------------------

# One value per kind of trouble, posted in each field in turn (the whole corpus would multiply the run time
# by four for the same code paths: the query-string walk above sends every value).
FORM_VALUES = {
    "nul-inside": "62\x00041",
    "superscript-2": "²",
    "huge-number": "99999999999999999999",
    "tab-formula": "\t=1+1",
    "rtl-override": "\u202eevil\u202c",
    "huge": "x" * 100_000,
}
ADMIN_VALUES = {label: FORM_VALUES[label] for label in ("nul-inside", "tab-formula")}
# Formset bookkeeping: management counts, and the hidden ids of inline rows (tampered row ids have their own
# test below, test_tampered_inline_row_ids_are_refused_not_crashed).
NOT_FUZZED = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS", "-id", "-ORDER", "-DELETE")
ADD_VALUES = {"nul-inside": FORM_VALUES["nul-inside"]}
FRENCH_ERROR = re.compile(
    r"Ce champ|Saisissez|Sélectionne|Choisis|Assurez-vous|caractère|invalide|n'est pas|ne peut|incorrect|inconnu|"
    r"doit|[Ee]rreur|trop long|n'existe pas|Écris|Indiquez|Veuillez|au plus|refusé|Aucun|Trop|bloqu|déjà|pris")
BIDI_AND_CONTROLS = re.compile("[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _snapshot(models):
    return [list(model.objects.order_by("pk").values_list()) for model in models]


def _choice_names(html: str, form_selector: str) -> set[str]:
    """Fields whose value is one of fixed options (select, checkbox, radio)."""
    form = BeautifulSoup(html, "html.parser").select_one(form_selector)
    return {f.get("name") for f in form.find_all(["select", "input"])
            if f.name == "select" or f.get("type") in ("checkbox", "radio")}


def _form_data(html: str, form_selector: str | None = None) -> dict:
    """The data a browser would post from the page's largest POST form, as it stands (prefilled values)."""
    soup = BeautifulSoup(html, "html.parser")
    forms = ([soup.select_one(form_selector)] if form_selector
             else soup.find_all("form", method=re.compile("post", re.I)))
    form = max((f for f in forms if f is not None), key=lambda f: len(f.find_all(["input", "select", "textarea"])))
    data: dict[str, list[str]] = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or name == "csrfmiddlewaretoken" or field.has_attr("disabled"):
            continue
        if field.name == "textarea":
            data.setdefault(name, []).append(field.text)
        elif field.name == "select":
            chosen = field.find_all("option", selected=True) or field.find_all("option")[:1]
            if field.has_attr("multiple"):
                chosen = field.find_all("option", selected=True)
            data.setdefault(name, []).extend(o.get("value", o.text) for o in chosen)
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
            else:
                data.setdefault(name, [])
        elif field.get("type") not in ("submit", "button", "file", "image", "reset"):
            data.setdefault(name, []).append(field.get("value", ""))
    return data


@contextlib.contextmanager
def _exceptions():
    """The exceptions views raise meanwhile (type and message), to say why a 500 happened."""
    from django.core.signals import got_request_exception

    raised = []

    def record(sender, **kwargs):
        error = sys.exc_info()[1]
        raised.append(f"{type(error).__name__}: {str(error)[:160]}")

    got_request_exception.connect(record)
    try:
        yield raised
    finally:
        got_request_exception.disconnect(record)


def _refused(response) -> bool:
    """A post the view turned down: 4xx, or the form shown again with its errors."""
    if response.status_code >= 400:
        return True
    content = response.content.decode(errors="replace") if response.status_code == 200 else ""
    return any(marker in content for marker in ('class="errorlist', 'role="alert"', "error-message", "help-critical"))


def _fuzz_form(client, url, base, models, failures, *, fields=None, check_french=True, values=FORM_VALUES,
               together=False):
    """Post ``base`` with each field in turn replaced by each value (``together``: every field at once, one post
    per value); record 5xx, silent refusals, DB changes."""
    from axes.utils import reset as reset_login_failures
    from django.core.cache import cache

    names = fields if fields is not None else [n for n in base if not n.endswith(NOT_FUZZED)]
    for posted in [[*names, GENERIC]] if together else [[name] for name in [*names, GENERIC]]:
        for label, value in values.items():
            cache.clear()  # rate limits and login lockouts would hide the validation behind a 429
            reset_login_failures()
            data = {**base, **dict.fromkeys(posted, value)}
            before = _snapshot(models)
            with _exceptions() as raised:
                response = client.post(url, data)
            where = f"POST {url} {'every field' if together else posted[0]}=<{label}>"
            if response.status_code >= 500:
                failures.append(f"{where} → {response.status_code} {raised[-1] if raised else ''}")
            elif _refused(response):
                if _snapshot(models) != before:
                    failures.append(f"{where} → {response.status_code} but the database changed")
                html = "html" in response.get("Content-Type", "")
                if check_french and html and not FRENCH_ERROR.search(response.content.decode(errors="replace")):
                    failures.append(f"{where} → {response.status_code} without a French message")


def _clean_names(failures):
    """Single-line names never keep NUL, tabs or bidi overrides, whatever form they came through."""
    from directory.models import Contact, Organisation, Service, Territory
    from meetings.indicators.models import Convention, Indicator
    from meetings.models import Attendance, Body, Meeting

    for model, field in ((Organisation, "name"), (Service, "name"), (Contact, "name"), (Contact, "role"),
                         (Territory, "name"), (Body, "name"), (Meeting, "title"), (Meeting, "place"),
                         (Indicator, "name"), (Convention, "name"), (Attendance, "person_name"),
                         (Attendance, "represented_by")):
        for value in model.objects.values_list(field, flat=True):
            if value and BIDI_AND_CONTROLS.search(value):
                failures.append(f"{model.__name__}.{field} stored {value[:40]!r}")


def test_public_forms(url_world):
    from directory.models import ErrorReport
    from guide.models import Feedback
    from meetings.models import Attendance, HalfDaySignature, Invitation

    w = url_world
    anonymous = _client()
    failures = []
    feedback = [Feedback]
    _fuzz_form(anonymous, "/guide/avis/", {"page": w.pages.article.pk, "helpful": "oui", "comment": "Merci",
                                           "contact": "", "site_web": ""}, feedback, failures)
    _fuzz_form(anonymous, "/guide/idee/", {"message": "Il manque une page sur le permis de conduire.",
                                           "theme": "", "contact": "", "site_web": ""}, feedback, failures)
    _fuzz_form(anonymous, "/guide/territoire/", {"territoire": w.territoire.code, "commune": "", "code": ""}, [],
               failures)
    _fuzz_form(anonymous, f"/annuaire/{w.org.slug}/signaler/", {"message": "Le numéro de téléphone a changé.",
                                                                "email": "", "website": ""}, [ErrorReport], failures)
    attendance = [Attendance, HalfDaySignature, Invitation]
    checkin = f"/instances/pointage/{w.checkin_token}/"
    for base in ({"invitation": w.invitation.pk}, {"name": "Camille Martin"}, {"youth_label": "Sam B."}):
        _fuzz_form(anonymous, checkin, base, attendance, failures)
    _fuzz_form(anonymous, f"/instances/reponse/{w.reply_token}/oui/", {}, [], failures, check_french=False)
    _clean_names(failures)
    assert not failures, f"{len(failures)} failure(s):\n" + "\n".join(failures[:80])


def test_login_forms_refuse_long_and_hostile_usernames(url_world, dept_admin):
    from django.contrib.auth import get_user_model

    failures = []
    users = [get_user_model()]
    for url in ("/espace-pro/connexion/", "/admin/login/"):
        _fuzz_form(_client(), url, {"username": "pilote", "password": "mauvais"}, users, failures,
                   values={**FORM_VALUES, "long-username": "u" * 300})
        response = _client().post(url, {"username": "u" * 300, "password": "un-mot-de-passe-de-test"})
        assert response.status_code == 200 and FRENCH_ERROR.search(response.content.decode())
    assert not failures, f"{len(failures)} failure(s):\n" + "\n".join(failures[:80])


def test_professional_forms(url_world, dept_admin):
    """The meetings module's forms, as the secretary of the body (here the département admin)."""
    from guardian.shortcuts import assign_perm

    from meetings.models import (
        Action,
        AgendaItem,
        Attendance,
        Decision,
        HalfDay,
        HalfDaySignature,
        Invitation,
        Meeting,
        MinutesVersion,
    )

    w = url_world
    assign_perm("meetings.manage_body", dept_admin, w.body)
    client = _client(dept_admin)
    youth = w.meeting.invitations.filter(is_youth_seat=True).first()
    session = f"/instances/seances/{w.meeting.pk}"
    sheet = [Attendance, Invitation, HalfDaySignature, HalfDay]
    meeting_fields = _form_data(client.get(f"{session}/modifier/").content.decode())
    failures = []
    _fuzz_form(client, f"{session}/modifier/", {k: v[-1] if v else "" for k, v in meeting_fields.items()},
               [Meeting], failures)
    _fuzz_form(client, f"/instances/{w.body.slug}/nouvelle-seance/",
               {"title": "", "starts_at": "2026-12-01T14:00", "ends_at": "2026-12-01T16:00", "place": "MDS",
                "video_link": "", "trainer_name": ""}, [Meeting], failures)
    _fuzz_form(client, f"{session}/ordre-du-jour/", {"title": "Bilan", "description": ""}, [AgendaItem], failures)
    _fuzz_form(client, f"{session}/feuille/statut/", {"invitation": w.invitation.pk, "status": "present",
                                                       "represented_by": ""}, sheet, failures)
    _fuzz_form(client, f"{session}/feuille/sans-convocation/", {"name": "Camille Martin", "organisation": w.org.pk},
               sheet, failures)
    _fuzz_form(client, f"{session}/feuille/siege-jeune/", {"invitation": youth.pk, "label": "Sam B."}, sheet,
               failures)
    _fuzz_form(client, f"{session}/feuille/signature/", {"invitation": w.invitation.pk, "half_day": "",
                                                          "signed": "1"}, sheet, failures)
    _fuzz_form(client, f"{session}/compte-rendu/", {"text": "Relevé de décisions."}, [MinutesVersion], failures)
    _fuzz_form(client, f"{session}/decisions/", {"text": "Ouvrir une permanence."}, [Decision], failures)
    _fuzz_form(client, f"{session}/actions/", {"title": "Préparer", "owner_organisation": w.org.pk,
                                                "due_date": "2026-12-01"}, [Action], failures)
    _fuzz_form(client, f"/instances/actions/{w.action.pk}/etat/", {"status": "done"}, [Action], failures)
    # Last: these change the session's state for good (generate, close, cancel).
    _fuzz_form(client, f"/instances/{w.body.slug}/generer/", {}, [Meeting], failures, check_french=False)
    _fuzz_form(client, f"{session}/feuille/cloture/", {}, [Meeting], failures, check_french=False)
    _fuzz_form(client, f"{session}/annuler/", {"notify": ""}, [Meeting], failures, check_french=False)
    _clean_names(failures)
    assert not failures, f"{len(failures)} failure(s):\n" + "\n".join(failures[:80])


# Wagtail create and edit forms of the project's models: (add URL, edit URL of the world's object, models,
# fields made unique for the add form).
def _admin_forms(w):
    return [
        ("/admin/snippets/directory/organisation/add/", f"/admin/snippets/directory/organisation/edit/{w.org.pk}/",
         "directory.Organisation", {"slug": "nouvelle-fiche"}),
        ("/admin/snippets/directory/service/add/", f"/admin/snippets/directory/service/edit/{w.service.pk}/",
         "directory.Service", {}),
        ("/admin/snippets/directory/contact/add/", f"/admin/snippets/directory/contact/edit/{w.contact.pk}/",
         "directory.Contact", {}),
        ("/admin/snippets/directory/territory/add/", f"/admin/snippets/directory/territory/edit/{w.commune.pk}/",
         "directory.Territory", {"code": "62999", "slug": "nouvelle-commune"}),
        ("/admin/snippets/guide/glossaryterm/add/",
         f"/admin/snippets/guide/glossaryterm/edit/{w.glossary_term.pk}/", "guide.GlossaryTerm",
         {"term": "FJT", "slug": "fjt"}),
        (None, f"/admin/snippets/guide/feedback/edit/{w.feedback.pk}/", "guide.Feedback", {}),
        ("/admin/snippets/meetings/body/add/", f"/admin/snippets/meetings/body/edit/{w.body.pk}/", "meetings.Body",
         {"slug": "nouvelle-instance"}),
        ("/admin/snippets/meetings/meeting/add/", f"/admin/snippets/meetings/meeting/edit/{w.meeting.pk}/",
         "meetings.Meeting", {}),
        ("/admin/indicator/new/", f"/admin/indicator/edit/{w.indicator.pk}/", "indicators.Indicator",
         {"code": "nouvel-indicateur"}),
        ("/admin/indicatorvalue/new/", f"/admin/indicatorvalue/edit/{w.indicator_value.pk}/",
         "indicators.IndicatorValue", {"year": "2027"}),
        ("/admin/convention/new/", f"/admin/convention/edit/{w.convention.pk}/", "indicators.Convention", {}),
    ]


@pytest.mark.once_postgresql
def test_admin_forms(url_world, superuser):
    """Each field of each create and edit form in turn, as an administrator who may use them all."""
    from django.apps import apps

    client = _client(superuser)
    failures = []
    for add_url, edit_url, label, unique in _admin_forms(url_world):
        model = apps.get_model(label)
        page = client.get(edit_url)
        assert page.status_code == 200, edit_url
        data = _form_data(page.content.decode(), "form#w-editor-form")
        base = {name: values if len(values) > 1 else (values[0] if values else "") for name, values in data.items()}
        base.pop("action-publish", None)
        choices = _choice_names(page.content.decode(), "form#w-editor-form")
        fuzzed = [n for n in base if not n.endswith(NOT_FUZZED)]
        _fuzz_form(client, edit_url, base, [model], failures, values=ADMIN_VALUES,
                   fields=[n for n in fuzzed if n not in choices])
        # An option list refuses every value outside its options on one code path: one value is enough.
        _fuzz_form(client, edit_url, base, [model], failures, values=ADD_VALUES,
                   fields=[n for n in fuzzed if n in choices])
        if add_url:  # the add form cleans the same fields (above, one by one): its own path is the refusal
            _fuzz_form(client, add_url, {**base, **unique}, [model], failures, values=ADD_VALUES,
                       fields=[n for n in base if "-" not in n], together=True)
    _clean_names(failures)
    assert not failures, f"{len(failures)} failure(s):\n" + "\n".join(failures[:80])


def test_public_filters_say_what_they_ignored_in_french(url_world):
    """The values that used to give a 500 are now ignored with a French note, and the rest of the search runs."""
    client = _client()
    page = client.get("/annuaire/", {"age": "²", "territoire": "62\x00041", "q": "mission"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "âge" in html and "territoire" in html
    search = client.get("/recherche/", {"age": "²", "rayon": "¹", "page": "²", "q": "mission"})
    assert search.status_code == 200 and "L&#x27;âge doit être un nombre" in search.content.decode()
    api = client.get("/api/recherche", {"age": "²", "lat": "nan", "lon": "2", "q": "mission"})
    assert api.status_code == 200
    assert "L'âge doit être un nombre entre 1 et 99 : ce filtre est ignoré." in api.json()["errors"]
    assert "Position invalide : la recherche autour de vous est ignorée." in api.json()["errors"]


def test_json_endpoints_answer_errors_in_json(url_world, dept_admin):
    client = _client()
    unreadable = client.get("/api/recherche", {"q": "mission\x00"})
    assert unreadable.status_code == 400 and _is_json_response(unreadable)
    assert unreadable.json()["errors"] == ["Texte de recherche illisible (caractère nul) : il est ignoré."]
    missing = client.get("/api/inconnue/")
    assert missing.status_code == 404 and _is_json_response(missing) and missing.json()["error"]
    admin = _client(dept_admin)
    refused = admin.get("/indicateurs/api/indicateurs/", {"instances": "99999999999999999999"})
    assert refused.status_code == 400 and _is_json_response(refused)


def test_tampered_inline_row_ids_are_refused_not_crashed(url_world, superuser):
    """A body's member rows carry their id in a hidden field: a tampered id is refused with the form's message."""
    from meetings.models import BodyMember

    client = _client(superuser)
    url = f"/admin/snippets/meetings/body/edit/{url_world.body.pk}/"
    data = _form_data(client.get(url).content.decode(), "form#w-editor-form")
    base = {name: values if len(values) > 1 else (values[0] if values else "") for name, values in data.items()}
    id_fields = [name for name in base if name.startswith("members-") and name.endswith("-id") and base[name]]
    assert id_fields, "the body has member rows"
    failures = []
    _fuzz_form(client, url, base, [BodyMember], failures, fields=id_fields,
               values={**ADMIN_VALUES, "superscript-2": "²", "huge-number": "99999999999999999999", "word": "abc"})
    assert not failures, "\n".join(failures)
