"""The shared toolkit's honeypot, PDF renderer, safe redirects and slugs (relais.forms, relais.pdf,
relais.links, relais.slugs), and the apps that use them."""

import socket

import pytest
from django.test import RequestFactory
from django.urls import reverse

from directory.models import ErrorReport, Organisation
from directory.permissions import assign_editor
from meetings.models import Body
from relais import pdf
from relais.links import absolute_url, safe_next
from relais.slugs import unique_slug, unique_slugs

# --- Honeypot ---------------------------------------------------------------------------------------


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Mission locale de l'Arrageois", status="published")


@pytest.mark.parametrize("message", ["Le numéro de téléphone a changé.", "court"])
def test_a_bot_filling_the_report_honeypot_is_answered_as_a_person_and_nothing_is_stored(client, organisation,
                                                                                          message):
    response = client.post(reverse("directory:report-error", args=[organisation.slug]),
                           {"message": message, "email": "", "website": "http://spam.exemple.invalid"})
    assert response.status_code == 302 and response.url == organisation.get_absolute_url()
    assert not ErrorReport.objects.exists()
    person = client.post(reverse("directory:report-error", args=[organisation.slug]),
                         {"message": "Le numéro de téléphone a changé.", "email": "", "website": ""})
    assert person.status_code == 302 and ErrorReport.objects.count() == 1


# --- PDF without network ----------------------------------------------------------------------------

HOSTILE_HTML = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="https://styles.exemple.invalid/site.css">
<style>@import url("http://styles.exemple.invalid/more.css");
body { background: url("http://images.exemple.invalid/fond.png"); }</style></head>
<body><h1>Feuille</h1>
<img src="http://images.exemple.invalid/traceur.png" alt="">
<img src="file:///etc/passwd" alt="">
<img src="/media/documents/confidentiel.png" alt="">
<img src="/static/../../settings.py" alt="">
<img src="/static/relais/favicon.svg" alt="logo">
</body></html>"""


@pytest.fixture
def no_network(monkeypatch):
    """Fails nothing by itself: records every attempt to resolve a host name or open a connection."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args[:2])
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", lambda self, *a: refuse(*a))
    return attempts


@pytest.fixture
def fetched(monkeypatch):
    """The URLs the renderer asked for, with whether it served them."""
    calls = []
    real = pdf.local_resource

    def spy(url):
        content, name = real(url)
        calls.append((url, content is not None))
        return content, name

    monkeypatch.setattr(pdf, "local_resource", spy)
    return calls


def test_pdf_rendering_never_reaches_the_network(no_network, fetched, settings):
    document = pdf.render_pdf(HOSTILE_HTML)
    assert document.startswith(b"%PDF-")
    assert no_network == []
    served = {url for url, ok in fetched if ok}
    assert served == {absolute_url("/static/relais/favicon.svg")}  # the site's own static file, from disk
    refused = {url for url, ok in fetched if not ok}
    assert "http://images.exemple.invalid/traceur.png" in refused
    assert "https://styles.exemple.invalid/site.css" in refused
    assert absolute_url("/media/documents/confidentiel.png") in refused  # private documents stay out


def test_the_fetcher_refuses_files_outside_static_and_public_media():
    fetcher = pdf.offline_fetcher()
    for url in ("file:///etc/passwd", "http://127.0.0.1:9200/", "ftp://exemple.invalid/x",
                absolute_url("/static/../site/settings.py"), absolute_url("/media/documents/a.pdf")):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    css = fetcher.fetch(absolute_url("/static/relais/css/relais.css"))
    assert css.content_type == "text/css" and css.read()


def test_the_meetings_sign_in_sheet_pdf_fetches_nothing(db, monkeypatch, no_network, fetched):
    from meetings import exports

    monkeypatch.setattr(exports, "render_pdf_html", lambda meeting, rows: HOSTILE_HTML)
    document = exports.to_pdf(meeting=None, rows=[])
    assert document.startswith(b"%PDF-")
    assert no_network == []
    assert ("http://images.exemple.invalid/traceur.png", False) in fetched


# --- Safe redirects ---------------------------------------------------------------------------------

@pytest.mark.parametrize("target,expected", [
    ("/guide/logement/", "/guide/logement/"),
    ("http://testserver/annuaire/", "http://testserver/annuaire/"),
    ("https://evil.exemple.invalid/", "/repli/"),
    ("//evil.exemple.invalid/", "/repli/"),
    ("/\\evil.exemple.invalid/", "/repli/"),
    ("javascript:alert(1)", "/repli/"),
    ("/annuaire/\x00", "/repli/"),
    ("/annuaire/\r\nSet-Cookie: x=1", "/repli/"),
    ("", "/repli/"),
])
def test_safe_next_keeps_the_visitor_on_the_site(target, expected):
    factory = RequestFactory()
    assert safe_next(factory.post("/", {"next": target}), "/repli/") == expected
    assert safe_next(factory.get("/", {"next": target}), "/repli/") == expected
    assert safe_next(factory.get("/"), "/repli/", target=target) == expected


def test_confirming_a_record_never_redirects_to_another_site(client_as, partner_editor, organisation):
    assign_editor(organisation, partner_editor)
    client = client_as(partner_editor)
    url = reverse("directory:confirm", args=[organisation.slug])
    for hostile in ("//evil.exemple.invalid/", "/\\evil.exemple.invalid/", "https://evil.exemple.invalid/"):
        assert client.post(url, {"next": hostile}).url == organisation.get_absolute_url()
    assert client.post(url, {"next": "/espace-pro/"}).url == "/espace-pro/"


# --- Slugs ------------------------------------------------------------------------------------------

def test_slugs_are_unique_and_keep_their_lengths_and_fallbacks(db):
    first = Organisation.objects.create(name="Mission locale de l'Arrageois")
    second = Organisation.objects.create(name="Mission locale de l’Arrageois !")
    third = Organisation.objects.create(name="Mission locale de l'Arrageois")
    assert [first.slug, second.slug, third.slug] == ["mission-locale-de-larrageois", "mission-locale-de-larrageois-2",
                                                     "mission-locale-de-larrageois-3"]
    assert Organisation.objects.create(name="!!!").slug == "fiche"
    assert Organisation.objects.create(name="x" * 150).slug == "x" * 150  # the name's own limit (PostgreSQL)
    assert unique_slug(Organisation, "z" * 300, max_length=150, fallback="fiche") == "z" * 150
    assert unique_slug(Organisation, "Mission locale de l'Arrageois", max_length=150, fallback="fiche",
                       exclude_pk=first.pk) == "mission-locale-de-larrageois"
    assert Body.objects.create(name="Comité de suivi").slug == "comite-de-suivi"
    assert Body.objects.create(name="Comité de suivi").slug == "comite-de-suivi-2"
    assert Body.objects.create(name="???").slug == "instance"
    assert Body.objects.create(name="y" * 200).slug == "y" * 100
    # Many at once (the import's bulk creation): unique among the table and among themselves.
    assert unique_slugs(Organisation, ["Mission locale de l'Arrageois", "Mission locale de l'Arrageois", "!!!",
                                       "Centre social"], max_length=150, fallback="fiche") == [
        "mission-locale-de-larrageois-4", "mission-locale-de-larrageois-5", "fiche-2", "centre-social"]


# --- Id lists as one parameter ------------------------------------------------------------------------


def test_an_id_list_sent_as_one_parameter_keeps_exactly_those_rows(db):
    from relais.idlists import IdIn

    kept = [Organisation.objects.create(name=f"Structure {i}", slug=f"structure-{i}").pk for i in range(6)]
    wanted = kept[1::2]
    assert sorted(Organisation.objects.filter(IdIn("id", wanted)).values_list("id", flat=True)) == wanted
    assert not Organisation.objects.filter(IdIn("id", [])).exists()  # as id__in=[]: nothing, not everything
    # More ids than SQLite takes as separate parameters (32,766): still one parameter, still exact.
    many = [*range(10**6, 10**6 + 40_000), kept[0]]
    assert list(Organisation.objects.filter(IdIn("id", many)).values_list("id", flat=True)) == [kept[0]]


def test_a_compiled_statement_binds_new_ids_and_reads_the_data_of_each_run(db):
    """``compiled`` keeps the SQL, never the rows: a statement run again sees the rows as they are now."""
    from relais.idlists import IdIn, compiled

    first, second = (Organisation.objects.create(name=name, slug=name.lower(), status="published").pk
                     for name in ("Alpha", "Beta"))

    def build():
        return (Organisation.objects.filter(IdIn("id", IdIn.SLOT), status="published").order_by("name")
                .values_list("name", flat=True))

    statement = compiled(("toolkit-test", "published names"), build)
    assert statement.rows([first, second]) == [("Alpha",), ("Beta",)]
    assert statement.rows([second]) == [("Beta",)]
    assert statement.rows([]) == []
    Organisation.objects.filter(pk=first).update(status="draft")
    again = compiled(("toolkit-test", "published names"), build)
    assert again is statement and again.rows([first, second]) == [("Beta",)]
    assert compiled(("toolkit-test", "none"), lambda: Organisation.objects.filter(IdIn("id", []))
                    .values_list("id")) is None  # matches nothing whatever is bound
