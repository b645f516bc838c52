"""The check-in pages in real Chromium, served by a real Daphne: the room's QR code renews itself without a
meta refresh (and passes axe at 360 px and on a tablet), the personal-code page works on a phone, and a
refused sheet socket closes with 4403: the page stops retrying and says why."""

import re
import time

import pytest
from guardian.shortcuts import remove_perm
from playwright.sync_api import expect

from tests.e2e.test_meetings_live import _page, live_meeting  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 740}, {"width": 1024, "height": 768}])
def test_qr_page_renews_its_code_without_reloading(chromium, daphne_url, live_meeting, secretary,  # noqa: F811
                                                   axe_check, monkeypatch, viewport):
    monkeypatch.setattr("meetings.checkin.ROTATION_SECONDS", 1)
    context, page = _page(chromium, daphne_url, secretary, viewport=viewport)
    try:
        loads = []
        page.on("load", lambda: loads.append(1))
        page.goto(f"/instances/seances/{live_meeting.pk}/qr/")
        assert page.locator('meta[http-equiv="refresh" i]').count() == 0
        first = page.locator("#qr-code svg").inner_html()
        expect(page.locator("#qr-manual")).to_be_hidden()
        deadline = time.monotonic() + 8
        while page.locator("#qr-code svg").inner_html() == first and time.monotonic() < deadline:
            page.wait_for_timeout(250)
        assert page.locator("#qr-code svg").inner_html() != first, "the code did not change"
        assert len(loads) == 1, "the page reloaded"
        axe_check(page)
    finally:
        context.close()


def test_personal_code_page_on_a_phone(chromium, daphne_url, live_meeting, axe_check):  # noqa: F811
    invitation = live_meeting.invitations.get(person_name="Camille Membre3")
    context = chromium.new_context(base_url=daphne_url, locale="fr-FR", viewport={"width": 360, "height": 740},
                                   is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"/instances/pointage/code/{invitation.checkin_code}/")
        expect(page.locator("main")).to_contain_text("Camille Membre3")
        axe_check(page)
        page.get_by_role("button", name="Je suis présent·e").click()
        expect(page.get_by_role("status")).to_contain_text("présence est enregistrée")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        axe_check(page)
        assert live_meeting.attendances.get().invitation_id == invitation.pk
    finally:
        context.close()


def test_a_refused_socket_stops_retrying_and_says_why(chromium, daphne_url, live_meeting, secretary):  # noqa: F811
    context, page = _page(chromium, daphne_url, secretary, viewport={"width": 1024, "height": 768})
    attempts = []

    def withdraw_then_connect(ws):
        """The right is withdrawn between the page and its socket: the server must refuse with 4403."""
        attempts.append(ws.url)
        remove_perm("meetings.manage_body", secretary, live_meeting.body)
        ws.connect_to_server()

    try:
        page.route_web_socket(re.compile(r".*/ws/instances/seances/\d+/"), withdraw_then_connect)
        page.goto(f"/instances/seances/{live_meeting.pk}/feuille/")
        expect(page.locator("#sheet")).to_have_attribute("data-live", "refused")
        notice = page.locator("#live-status")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("accès")
        page.wait_for_timeout(3000)  # the old page retried after 0.5 s, 1 s, 2 s…
        assert len(attempts) == 1
    finally:
        context.close()


def test_a_signature_drawn_on_the_phone_after_checking_in_is_drawn_in_the_pdf(
        chromium, daphne_url, live_meeting, axe_check):  # noqa: F811
    """The personal-code page on a phone: check in, draw with the pointer on signature.js's pad, and the
    strokes are what the sheet's PDF draws."""
    from meetings import exports
    from meetings.models import DrawnSignature
    from tests.meetings.evidence_helpers import pdf_drawings, stroke_ops

    invitation = live_meeting.invitations.get(person_name="Camille Membre3")
    context = chromium.new_context(base_url=daphne_url, locale="fr-FR", viewport={"width": 360, "height": 740},
                                   is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"/instances/pointage/code/{invitation.checkin_code}/")
        page.get_by_role("button", name="Je suis présent·e").click()
        page.wait_for_load_state("load")  # the pad's script (deferred) listens before anyone draws
        canvas = page.locator("canvas.signature-canvas")
        expect(canvas).to_be_visible()
        axe_check(page)
        canvas.scroll_into_view_if_needed()  # the pad sits below the fold on a phone: draw where it is shown
        box = canvas.bounding_box()
        page.mouse.move(box["x"] + 10, box["y"] + box["height"] / 2)
        page.mouse.down()
        for n in range(1, 11):
            page.mouse.move(box["x"] + 10 + n * box["width"] * 0.08,
                            box["y"] + box["height"] * (0.25 if n % 2 else 0.75), steps=3)
        page.mouse.up()
        expect(canvas).to_have_attribute("data-dirty", "1")  # signature.js holds the strokes
        page.get_by_role("button", name="Valider ma signature").click()
        expect(page.locator('[data-role="signature"]')).to_contain_text("Signé à")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        signature = DrawnSignature.objects.get(invitation=invitation)
        assert signature.recorded_via == "self_checkin" and len(signature.strokes[0]) >= 10
        drawn = pdf_drawings(exports.to_pdf(live_meeting, exports.sheet_rows(live_meeting)))
        assert stroke_ops(signature.strokes[0]) in drawn
    finally:
        context.close()
