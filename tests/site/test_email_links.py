"""Every e-mail the site sends links to it only by absolute addresses built from RELAIS_BASE_URL
(relais.links): a link is opened in a mail client, far from any request, often behind a proxy's host."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from directory import accounts as contact_accounts
from directory import notifications, reminders
from directory.models import Contact, ErrorReport, Organisation
from directory.permissions import assign_editor
from meetings import convocations
from meetings.models import AgendaItem, Body, BodyMember, Meeting
from meetings.services import freeze_invitations
from relais import accounts
from tests.conftest import PUBLIC_BASE_URL

HREF = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def _check(message, assert_public_links) -> list[str]:
    """Every link of the text body and of each HTML alternative starts with the public address; an HTML
    ``href``/``src`` is never relative."""
    links = assert_public_links(message.body)
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            links += assert_public_links(content)
            urls = HREF.findall(content)
            relative = [url for url in urls if not re.match(r"^(https?:|mailto:|tel:|cid:)", url)]
            assert not relative, f"relative links in the HTML of « {message.subject} »: {relative}"
            # An inline image (cid:, the personal check-in QR) names a part the message carries.
            attached = {f"cid:{part.get('Content-ID', '').strip('<>')}" for part in message.message().walk()}
            missing = [url for url in urls if url.startswith("cid:") and url not in attached]
            assert not missing, f"inline parts missing from « {message.subject} »: {missing}"
    return links


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Mission locale de l'Arrageois", status="published",
                                       email="accueil@ml-arras.invalid")


def test_error_report_email(organisation, partner_editor, dept_admin, assert_public_links):
    assign_editor(organisation, partner_editor)
    report = ErrorReport.objects.create(organisation=organisation, message="Le numéro a changé depuis mars.")
    assert notifications.notify_error_report(report) == 1
    [message] = mail.outbox
    assert _check(message, assert_public_links) == [PUBLIC_BASE_URL + organisation.get_absolute_url()]


def test_stale_record_reminders(organisation, partner_editor, dept_admin, assert_public_links):
    organisation.last_confirmed_at = timezone.now() - timedelta(days=200)
    organisation.save()
    assign_editor(organisation, partner_editor)
    assert reminders.send_stale_reminders().emails == 2
    for message in mail.outbox:
        assert _check(message, assert_public_links) == [PUBLIC_BASE_URL + organisation.get_absolute_url()]


def test_contact_link_email(organisation, professional, assert_public_links):
    Contact.objects.create(organisation=organisation, name="Lou Martin", email="lou.martin@ml-arras.invalid")
    assert contact_accounts.request_link(professional, "lou.martin@ml-arras.invalid") == 1
    [link] = _check(mail.outbox[0], assert_public_links)
    assert link.startswith(PUBLIC_BASE_URL + "/espace-pro/")


def test_email_change_emails(professional, assert_public_links):
    accounts.request_email_change(professional, "sacha@nouvelle-adresse.invalid")
    [link] = _check(mail.outbox[0], assert_public_links)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    accounts.confirm_email_change(professional, token)
    notice = mail.outbox[1]  # to the old address: no link is needed, none may be relative
    assert not re.search(r"(?<![\w.:/])/[a-z][\w-]*/", notice.body)


@pytest.mark.parametrize("kind", ["convocation", "update", "cancel", "reminder"])
def test_meeting_emails(db, kind, assert_public_links):
    body = Body.objects.create(name="Comité de suivi de l'Artois", kind=Body.Kind.COMITE_SUIVI)
    member = Organisation.objects.create(name="Partenaire 1", slug="partenaire-1", status="published")
    contact = Contact.objects.create(organisation=member, name="Personne 1", email="personne1@exemple.invalid")
    BodyMember.objects.create(body=body, organisation=member, contact=contact, seat="titulaire")
    start = timezone.now().replace(microsecond=0) + timedelta(days=5)
    meeting = Meeting.objects.create(body=body, starts_at=start, ends_at=start + timedelta(hours=2),
                                     place="MDS de l'Artois")
    AgendaItem.objects.create(meeting=meeting, title="Bilan", sort_order=1)
    freeze_invitations(meeting)
    assert convocations.send_to_invitations(meeting, kind) == 1
    links = _check(mail.outbox[0], assert_public_links)
    assert PUBLIC_BASE_URL + meeting.get_absolute_url() in links


def test_password_reset_email(dept_admin, assert_public_links, settings):
    settings.WAGTAILADMIN_BASE_URL = PUBLIC_BASE_URL  # set from RELAIS_BASE_URL in settings.py
    settings.ALLOWED_HOSTS = ["interne"]  # the request arrives under a proxy's internal name
    Client(HTTP_HOST="interne:8000").post("/admin/password_reset/", {"email": dept_admin.email})
    [link] = _check(mail.outbox[0], assert_public_links)
    assert link.startswith(PUBLIC_BASE_URL + "/admin/password_reset/confirm/")
