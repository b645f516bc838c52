"""The live attendance sheet in real Chromium, served by a real Daphne (HTTP + websockets) in this process.

pytest-django's live server speaks WSGI only, so the sheet's websocket needs Daphne: ``daphne_url``
(tests/e2e/conftest.py) runs it in a thread on a free port, against the same test database, for the session.
"""


import pytest
from django.test import Client
from guardian.shortcuts import assign_perm
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_meeting(db, secretary):
    from meetings.models import Body
    from tests.builders import make_meeting, seat_partner

    body = Body.objects.create(name="Comité de suivi – Artois", kind=Body.Kind.COMITE_SUIVI, is_decision_body=True,
                               quorum=3, youth_seats=1)
    for n in range(6):
        seat_partner(body, {"name": f"Partenaire {n + 1}", "slug": f"partenaire-{n + 1}"},
                     {"name": f"Camille Membre{n + 1}", "email": f"m{n}@exemple.invalid"})
    meeting = make_meeting(body, place="Salle 1", convene=True)
    assign_perm("meetings.manage_body", secretary, body)
    return meeting


def _page(chromium, base_url, user, **context_args):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    context = chromium.new_context(base_url=base_url, locale="fr-FR", **context_args)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_a_tap_on_one_sheet_appears_on_the_other_within_a_second(chromium, daphne_url, live_meeting, secretary,
                                                                 axe_check, csp_watch):
    tablet_ctx, tablet = _page(chromium, daphne_url, secretary, viewport={"width": 1024, "height": 800})
    phone_ctx, phone = _page(chromium, daphne_url, secretary, viewport={"width": 360, "height": 740},
                             is_mobile=True, has_touch=True)
    # Under the real Content-Security-Policy: the same-origin websocket is allowed by connect-src 'self'.
    watches = [csp_watch(tablet_ctx), csp_watch(phone_ctx)]
    try:
        url = f"/instances/seances/{live_meeting.pk}/feuille/"
        for page in (tablet, phone):
            page.goto(url)
            expect(page.locator("#sheet")).to_have_attribute("data-live", "open")
        row = f"#inv-{live_meeting.invitations.get(person_name='Camille Membre2').pk}"
        tablet.locator(row).get_by_role("button", name="Présent·e – Camille Membre2").click()
        expect(phone.locator(f"{row} [data-role=state]")).to_contain_text("Présent·e", timeout=1000)
        expect(phone.locator('[data-count="present"]')).to_have_text("1", timeout=1000)
        expect(phone.locator(row).get_by_role("button", name="Présent·e – Camille Membre2")).to_have_attribute(
            "aria-pressed", "true")
        # And back the other way, from the phone.
        phone.locator(row).get_by_role("button", name="Excusé·e – Camille Membre2").click()
        expect(tablet.locator(f"{row} [data-role=state]")).to_contain_text("Excusé·e", timeout=1000)
        assert live_meeting.attendances.get().status == "excused"
        # A self check-in from a third phone shows up on the open sheets.
        from meetings.checkin import make_token

        guest_ctx = chromium.new_context(base_url=daphne_url, locale="fr-FR", viewport={"width": 360, "height": 740})
        guest = guest_ctx.new_page()
        guest.goto(f"/instances/pointage/{make_token(live_meeting)}/")
        guest.get_by_label("Votre nom", exact=True).select_option(label="Camille Membre4 – Partenaire 4")
        guest.get_by_role("button", name="Je suis présent·e").click()
        expect(guest.get_by_role("status")).to_contain_text("présence est enregistrée")
        row4 = f"#inv-{live_meeting.invitations.get(person_name='Camille Membre4').pk}"
        expect(tablet.locator(f"{row4} [data-role=state]")).to_contain_text("Présent·e", timeout=1000)
        axe_check(guest)
        guest_ctx.close()
        # The sheet at 360 px: accessible, nothing overflows sideways.
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        axe_check(phone)
        for watch, page in zip(watches, (tablet, phone), strict=True):
            watch.assert_none(page)
    finally:
        tablet_ctx.close()
        phone_ctx.close()


def test_sheet_works_without_javascript(chromium, daphne_url, live_meeting, secretary):
    context, page = _page(chromium, daphne_url, secretary, java_script_enabled=False,
                          viewport={"width": 360, "height": 740})
    try:
        page.goto(f"/instances/seances/{live_meeting.pk}/feuille/")
        row = f"#inv-{live_meeting.invitations.get(person_name='Camille Membre1').pk}"
        page.locator(row).get_by_role("button", name="À distance – Camille Membre1").click()
        expect(page.locator(f"{row} [data-role=state]")).to_contain_text("À distance")
        assert live_meeting.attendances.get().status == "remote"
    finally:
        context.close()


def test_a_signature_drawn_on_the_sheet_is_drawn_in_the_pdf(chromium, daphne_url, live_meeting, secretary,
                                                           axe_check):
    """A person signs with the pointer on the phone-sized sheet; the strokes are what the PDF draws."""
    from meetings import services
    from meetings.models import DrawnSignature
    from tests.meetings.evidence_helpers import pdf_drawings, stroke_ops

    invitation = live_meeting.invitations.get(person_name="Camille Membre3")
    services.record_attendance(invitation, "present")
    context, page = _page(chromium, daphne_url, secretary, viewport={"width": 360, "height": 740}, has_touch=True)
    try:
        page.goto(f"/instances/seances/{live_meeting.pk}/feuille/")
        expect(page.locator("#sheet")).to_have_attribute("data-live", "open")
        page.wait_for_load_state("networkidle")  # the sheet fetched again on connecting
        row = page.locator(f"#inv-{invitation.pk}")
        row.locator("summary", has_text="Signer sur l'écran").click()
        expect(row.locator("canvas.signature-canvas")).to_be_visible()
        canvas = row.locator("canvas.signature-canvas")
        box = canvas.bounding_box()
        page.mouse.move(box["x"] + 10, box["y"] + box["height"] / 2)
        page.mouse.down()
        for n in range(1, 11):
            page.mouse.move(box["x"] + 10 + n * box["width"] * 0.08,
                            box["y"] + box["height"] * (0.25 if n % 2 else 0.75), steps=3)
        page.mouse.up()
        axe_check(page)
        row.get_by_role("button", name="Valider la signature – Camille Membre3").click()
        expect(row.locator('[data-role="signature"]')).to_contain_text("Signé à")
        signature = DrawnSignature.objects.get(invitation=invitation)
        assert len(signature.strokes) == 1 and len(signature.strokes[0]) >= 10
        pdf = context.request.get(f"/instances/seances/{live_meeting.pk}/emargement.pdf")
        assert pdf.ok and pdf.body().startswith(b"%PDF")
        assert stroke_ops(signature.strokes[0]) in pdf_drawings(pdf.body())
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


def test_a_tick_before_the_start_asks_for_the_time_with_the_start_filled_in(chromium, daphne_url, live_meeting,
                                                                            secretary):
    from datetime import timedelta

    from django.utils import timezone

    from meetings.models import Attendance

    tomorrow = live_meeting.starts_at + timedelta(days=1)
    live_meeting.__class__.objects.filter(pk=live_meeting.pk).update(starts_at=tomorrow,
                                                                     ends_at=tomorrow + timedelta(hours=2))
    start = timezone.localtime(tomorrow).strftime("%H:%M")
    invitation = live_meeting.invitations.get(person_name="Camille Membre5")
    context, page = _page(chromium, daphne_url, secretary, viewport={"width": 360, "height": 740})
    try:
        page.goto(f"/instances/seances/{live_meeting.pk}/feuille/")
        expect(page.locator("#sheet")).to_have_attribute("data-live", "open")
        page.wait_for_load_state("networkidle")
        row = page.locator(f"#inv-{invitation.pk}")
        row.get_by_role("button", name="Présent·e – Camille Membre5").click()
        expect(page.locator("#sheet-error")).to_contain_text(f"début de la séance proposé : {start}")
        arrival = row.get_by_label("Heure d'arrivée")
        expect(arrival).to_be_focused()
        expect(arrival).to_have_value(start)
        row.get_by_role("button", name="Présent·e – Camille Membre5").click()
        expect(row.locator("[data-role=state]")).to_contain_text(f"Présent·e à {start}")
        assert timezone.localtime(Attendance.objects.get(invitation=invitation).arrived_at).strftime("%H:%M") == start
    finally:
        context.close()
