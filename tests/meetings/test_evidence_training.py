"""A training's evidence: the training sheet (organiser, half-days and hours, trainer, trainees' drawn signatures),
each trainee's attendance certificate, archival PDFs (PDF/A) with the records' fingerprint on every page, and
half-days that follow the training's dates without losing a signature."""

import hashlib
import json
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from meetings import evidence, exports, services
from meetings.models import Body, HalfDay, Meeting, SheetEvent
from relais import pdf
from relais.links import absolute_url
from tests import builders
from tests.meetings.evidence_helpers import hhmm, pdf_drawings, stroke_ops

PARIS = ZoneInfo("Europe/Paris")
STROKES = [[[12, 60], [70, 25], [130, 75]], [[180, 50], [250, 30]]]


@pytest.fixture
def organiser(db):
    return builders.make_org("Institut régional de formation sociale")


@pytest.fixture
def training(make_body, secretary, organiser):
    """A two-day training (9:00 on day one to 17:00 on day two) with two trainees, convened."""
    body = make_body("Formation repérage des situations", members=2, youth_seats=0, kind=Body.Kind.FORMATION,
                     organiser=organiser)
    assign_perm("meetings.manage_body", secretary, body)
    day = timezone.localdate() + timedelta(days=7)
    meeting = Meeting.objects.create(
        body=body, title="Repérer les situations de rupture", trainer_name="Dominique Formatrice",
        starts_at=datetime.combine(day, time(9, 0), tzinfo=PARIS),
        ends_at=datetime.combine(day + timedelta(days=1), time(17, 0), tzinfo=PARIS), place="MDS de l'Artois")
    services.freeze_invitations(meeting)
    services.ensure_half_days(meeting)
    return meeting


def _trainees(meeting):
    return list(meeting.invitations.order_by("position"))


def _sign(meeting, inv, half_day, **kwargs):
    services.record_attendance(inv, "present")
    return services.draw_signature(meeting, inv, half_day=half_day, **(kwargs or {"strokes": STROKES}))


def _pages(html: str) -> list[str]:
    """The text laid out on each page of the PDF rendered from ``html`` (margin boxes included)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=absolute_url("/"), url_fetcher=pdf.offline_fetcher()).render()
    pages = []
    for page in document.pages:
        chunks = []

        def walk(box, chunks=chunks):
            if isinstance(getattr(box, "text", None), str):
                chunks.append(box.text)
            for child in getattr(box, "children", None) or ():
                walk(child)

        walk(page._page_box)
        pages.append(" ".join(" ".join(chunks).split()))
    return pages


def test_training_half_days_have_hours_and_the_total(training):
    half_days = list(training.half_days.all())
    assert [(hd.period, hd.hours_label) for hd in half_days] == [
        ("am", "09:00–12:30"), ("pm", "13:30–17:00"), ("am", "09:00–12:30"), ("pm", "13:30–17:00")]
    assert sum(hd.minutes for hd in half_days) == 14 * 60
    afternoon = datetime.combine(timezone.localdate(), time(14, 15), tzinfo=PARIS)
    assert [(p, a.strftime("%H:%M"), b.strftime("%H:%M")) for _d, p, a, b in
            services.half_day_slots(afternoon, afternoon + timedelta(hours=3))] == [("pm", "14:15", "17:15")]


def test_training_sheet_pdf_shows_organiser_hours_trainer_and_trainees_signatures(training):
    first, second = _trainees(training)
    morning, afternoon, *_rest = training.half_days.all()
    signature = _sign(training, first, morning)
    services.draw_signature(training, first, half_day=afternoon, certified=True)
    services.sign_as_trainer(morning)
    morning.refresh_from_db()

    text = " ".join(_pages(exports.render_pdf_html(training, exports.sheet_rows(training))))
    assert "Feuille d'émargement de formation" in text and "Repérer les situations de rupture" in text
    assert "Organisme de formation : Institut régional de formation sociale" in text
    assert "4 demi-journées, 14 h de formation" in text
    assert text.count("09:00–12:30") >= 2 and text.count("13:30–17:00") >= 2
    assert "Formateur ou formatrice : Dominique Formatrice" in text
    assert f"Signé à {services.clock(training, morning.trainer_signed_at)}" in text
    row = re.search(re.escape(first.person_name) + r".*?" + re.escape(second.person_name), text).group(0)
    assert first.organisation.name in row and "7 h" in row
    assert f"Signé à {services.clock(training, signature.signed_at)}" in row and "Présence certifiée à" in row
    # Trainees are not committee members: no seat, no vote on their sheet.
    assert "Titulaire" not in text and "délibérative" not in text and "consultative" not in text
    # The trainee's drawing is in the PDF as vector paths.
    assert all(stroke_ops(s) in pdf_drawings(exports.to_pdf(training, exports.sheet_rows(training)))
               for s in STROKES)


def test_each_trainee_gets_an_attendance_certificate_of_the_hours_signed(client_as, secretary, training):
    first, second = _trainees(training)
    morning, afternoon, next_morning, _next_afternoon = training.half_days.all()
    for half_day in (morning, afternoon, next_morning):
        _sign(training, first, half_day, certified=True)

    client = client_as(secretary)
    sheet = client.get(reverse("meetings:sheet", args=[training.pk])).content.decode()
    url = reverse("meetings:certificate", args=[training.pk, first.pk])
    other = reverse("meetings:certificate", args=[training.pk, second.pk])
    assert f'href="{url}"' in sheet and f'href="{other}"' in sheet
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and "attestation-" in response["Content-Disposition"]

    text = " ".join(_pages(exports.certificate_html(training, first)))
    assert "Attestation de présence" in text and "Institut régional de formation sociale" in text
    assert first.person_name in text and first.organisation.name in text
    assert "Repérer les situations de rupture" in text
    day = morning.date
    assert f"du {day.day} " in text and f"au {(day + timedelta(days=1)).day} " in text
    assert "Durée de présence : 10 h 30, sur 14 h de formation." in text
    assert text.count("Présent·e (émargement signé)") == 3 and text.count("Absent·e (pas d'émargement)") == 1
    assert second.person_name not in text

    assert "Durée de présence : 0 h, sur 14 h" in " ".join(_pages(exports.certificate_html(training, second)))


def test_certificates_are_for_trainings_and_their_secretaries_only(client_as, client, secretary, training,
                                                                  body_secretary, meeting, make_user):
    trainee = _trainees(training)[0]
    member = make_user("membre-formation", "professionnel")
    assert client_as(member).get(reverse("meetings:certificate", args=[training.pk, trainee.pk])).status_code == 403
    staff = client_as(secretary)
    committee_member = meeting.invitations.filter(is_youth_seat=False).first()
    assert staff.get(reverse("meetings:certificate", args=[meeting.pk, committee_member.pk])).status_code == 404
    assert staff.get(reverse("meetings:certificate", args=[training.pk, committee_member.pk])).status_code == 404


def test_archival_pdfs_declare_pdf_a_and_print_the_fingerprint_on_every_page(training, make_body):
    first, _second = _trainees(training)
    _sign(training, first, training.half_days.first())
    digest = evidence.fingerprint(training)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)

    content = exports.to_pdf(training, exports.sheet_rows(training))
    metadata = pdf_drawings(content) + content.decode("latin-1")
    assert re.search(r"pdfaid:part[^0-9]{0,3}3", metadata) and re.search(r"pdfaid:conformance[^A-Z]{0,3}B", metadata)
    certificate = exports.certificate_pdf(training, first)
    assert re.search(r"pdfaid:part[^0-9]{0,3}3", pdf_drawings(certificate) + certificate.decode("latin-1"))

    # A committee's sheet long enough for several pages: the fingerprint is at the foot of each one.
    body = make_body("Comité technique du Ternois", members=45)
    session = builders.make_meeting(body, convene=True)
    pages = _pages(exports.render_pdf_html(session, exports.sheet_rows(session)))
    short = evidence.short(evidence.fingerprint(session))
    assert len(pages) >= 2 and all(f"Empreinte SHA-256 : {short}" in page for page in pages)
    pages = _pages(exports.certificate_html(training, first))
    assert all(f"Empreinte SHA-256 : {evidence.short(evidence.fingerprint(training, first.person_key))}" in page
               for page in pages)


def test_the_fingerprint_is_recomputed_by_the_auditor_and_changes_with_the_records(training, capsys):
    first, _second = _trainees(training)
    signature = _sign(training, first, training.half_days.first())
    short = evidence.short(evidence.fingerprint(training))
    assert f"Empreinte SHA-256 : {short}" in " ".join(_pages(
        exports.render_pdf_html(training, exports.sheet_rows(training))))

    call_command("verify_emargement", training.pk, empreinte=short, donnees=True)
    out = capsys.readouterr().out
    assert "Identique" in out and json.loads(out.splitlines()[0])["signatures"][0]["strokes"] == [
        [[float(x), float(y)] for x, y in s] for s in STROKES]
    # The auditor's own SHA-256 of the printed data gives the same figure (docs/meetings.md).
    assert hashlib.sha256(out.splitlines()[0].encode()).hexdigest() == evidence.fingerprint(training)
    assert evidence.fingerprint(training) == evidence.fingerprint(Meeting.objects.get(pk=training.pk))

    services.void_signature(signature, reason="Signature tracée par erreur")
    with pytest.raises(CommandError, match="Différente"):
        call_command("verify_emargement", training.pk, empreinte=short)
    personal = evidence.short(evidence.fingerprint(training, first.person_key))
    call_command("verify_emargement", training.pk, personne=first.pk, empreinte=personal)
    assert "Identique" in capsys.readouterr().out


def test_new_training_dates_rebuild_its_half_days(client_as, secretary, training):
    day = training.half_days.first().date
    form = {"title": training.title, "place": training.place, "trainer_name": training.trainer_name,
            "starts_at": f"{day:%Y-%m-%d}T09:30", "ends_at": f"{day + timedelta(days=2):%Y-%m-%d}T12:00",
            "checkin_people_per_phone": 1}
    response = client_as(secretary).post(reverse("meetings:meeting-edit", args=[training.pk]), form)
    assert response.status_code == 302
    assert [(hd.date - day, hd.period, hd.hours_label) for hd in training.half_days.all()] == [
        (timedelta(0), "am", "09:30–12:30"), (timedelta(0), "pm", "13:30–17:00"),
        (timedelta(1), "am", "09:00–12:30"), (timedelta(1), "pm", "13:30–17:00"),
        (timedelta(2), "am", "09:00–12:00")]
    event = SheetEvent.objects.get(meeting=training, field="demi-journées")
    assert event.by_id == secretary.pk and "09:30–12:30" in event.new_value


def test_a_date_change_that_would_drop_a_signed_half_day_is_refused(client_as, secretary, training):
    first, _second = _trainees(training)
    last = training.half_days.last()
    _sign(training, first, last, certified=True)
    before = list(training.half_days.values_list("pk", "date", "period"))
    day = training.half_days.first().date
    form = {"title": training.title, "place": training.place, "trainer_name": training.trainer_name,
            "starts_at": f"{day:%Y-%m-%d}T09:00", "ends_at": f"{day:%Y-%m-%d}T17:00", "checkin_people_per_phone": 1}
    response = client_as(secretary).post(reverse("meetings:meeting-edit", args=[training.pk]), form)
    assert response.status_code == 200
    assert "retireraient des demi-journées déjà signées" in response.content.decode()
    assert str(last) in response.content.decode()
    training.refresh_from_db()
    assert timezone.localtime(training.ends_at).date() == day + timedelta(days=1)
    assert list(training.half_days.values_list("pk", "date", "period")) == before
    # Dates changed by another path: the service refuses all the same, and the signed half-day stays.
    Meeting.objects.filter(pk=training.pk).update(ends_at=training.starts_at + timedelta(hours=8))
    with pytest.raises(services.MeetingRuleError, match="déjà signées"):
        services.ensure_half_days(Meeting.objects.get(pk=training.pk))
    assert HalfDay.objects.filter(pk=last.pk).exists()


def test_the_trainer_draws_the_half_day_signature_on_the_sheet_and_it_is_in_the_pdf(client_as, secretary,
                                                                                   make_body, organiser):
    body = make_body("Formation accueil inconditionnel", members=1, youth_seats=0, kind=Body.Kind.FORMATION,
                     organiser=organiser)
    assign_perm("meetings.manage_body", secretary, body)
    today, tz = timezone.localdate(), timezone.get_current_timezone()
    meeting = Meeting.objects.create(body=body, trainer_name="Dominique Formatrice",
                                     starts_at=datetime.combine(today, time(0, 0), tzinfo=tz),
                                     ends_at=datetime.combine(today, time(23, 59), tzinfo=tz))
    services.freeze_invitations(meeting)
    client = client_as(secretary)
    sheet = client.get(reverse("meetings:sheet", args=[meeting.pk])).content.decode()
    current = services.current_half_day(meeting)
    assert 'name="trainer" value="1"' in sheet and f"formateur ou formatrice, {current}" in sheet

    response = client.post(reverse("meetings:draw-sign", args=[meeting.pk]),
                           {"trainer": "1", "half_day": current.pk, "strokes": json.dumps(STROKES)},
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    current.refresh_from_db()
    signature = current.drawn_signatures.get()
    assert signature.person_key == "trainer" and signature.person_name == "Dominique Formatrice"
    assert current.trainer_signed_at is not None
    assert 'data-role="trainer-signature"' in client.get(reverse("meetings:sheet", args=[meeting.pk])).content.decode()
    content = exports.to_pdf(meeting, exports.sheet_rows(meeting))
    assert all(stroke_ops(s) in pdf_drawings(content) for s in STROKES)
    trainer_row = " ".join(_pages(exports.render_pdf_html(meeting, exports.sheet_rows(meeting)))).split(
        "Formateur ou formatrice Dominique Formatrice")[-1]
    assert f"Signé à {hhmm(signature.signed_at)}" in trainer_row

    # A drawn signature is not taken back by a tap: it is voided, with a reason.
    refused = client.post(reverse("meetings:sign", args=[meeting.pk]),
                          {"half_day": current.pk, "trainer": "1", "signed": "0"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400 and "annulez d'abord" in refused.json()["message"]
    services.void_signature(signature, reason="Tracé illisible", by=secretary)
    current.refresh_from_db()
    assert current.trainer_signed_at is None
