"""Every meetings page a secretary or a phone opens, on a 360 px phone and on a 768 × 1024 tablet, checked by the
current axe-core (experimental rules on): no serious or critical violation, and nothing wider than the screen.

Pages: the bodies list, a committee's body page, session page, live sheet and QR page; a training's body page,
session page and sheet (half-days, signatures); the room's check-in page and a personal-code page, for the
committee and for the training, and the answer once checked in. Served by Daphne, so the sheets are live when
they are checked.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_meetings_live import _page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {
    "phone 360 px": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
    "tablet 768 × 1024": {"viewport": {"width": 768, "height": 1024}, "is_mobile": True, "has_touch": True},
}


@pytest.fixture
def meetings_world(db, secretary):
    """A committee session under way (attendances, a representation, a walk-in, agenda, decision, action) and
    a training under way (half-days, trainees present and signed, one drawn signature), both run by
    ``secretary``."""
    from datetime import timedelta

    from django.utils import timezone
    from guardian.shortcuts import assign_perm

    from meetings import services
    from meetings.models import Action, AgendaItem, Body, Decision
    from tests.builders import make_meeting, seat_partner

    def body(name, kind, members, **fields):
        created = Body.objects.create(name=name, kind=kind, **fields)
        for n in range(members):
            seat_partner(created, {"name": f"Partenaire {name[:10]} {n + 1}", "slug": f"p-{created.pk}-{n + 1}"},
                         {"name": f"Camille Membre{n + 1}", "email": f"m{n}-{created.pk}@exemple.invalid"})
        assign_perm("meetings.manage_body", secretary, created)
        return created

    now = timezone.now().replace(microsecond=0)
    committee = body("Comité de suivi – Artois", Body.Kind.COMITE_SUIVI, 6, is_decision_body=True, quorum=3,
                     youth_seats=1)
    meeting = make_meeting(committee, start=now - timedelta(minutes=30), place="Salle 1", convene=True)
    make_meeting(committee, start=now + timedelta(days=30))
    people = list(meeting.invitations.filter(is_youth_seat=False).order_by("position"))
    services.record_attendance(people[0], "present")
    services.record_attendance(people[1], "excused")
    services.record_attendance(people[2], "represented", represented_by_organisation=people[0].organisation)
    services.add_walk_in(meeting, "Dominique Visiteur", organisation=None)
    AgendaItem.objects.create(meeting=meeting, title="Point d'étape du plan d'action", sort_order=1)
    Decision.objects.create(meeting=meeting, text="Le groupe de travail se réunira en janvier.")
    Action.objects.create(body=committee, meeting=meeting, title="Envoyer le bilan",
                          owner_organisation=people[0].organisation)

    training_body = body("Formation repérage", Body.Kind.FORMATION, 4, youth_seats=0)
    training = make_meeting(training_body, start=now - timedelta(hours=1), hours=3, place="Salle 2",
                            trainer_name="Alex Formateur", convene=True)
    services.ensure_half_days(training)
    half_day = services.current_half_day(training)
    trainees = list(training.invitations.order_by("position"))
    for trainee in trainees[:2]:
        services.record_attendance(trainee, "present")
        services.sign_half_day(half_day, trainee)
    services.record_attendance(trainees[2], "present")
    services.draw_signature(training, trainees[2], strokes=[[[10, 50], [60, 20], [120, 70], [200, 30]]],
                            half_day=half_day)
    return {"meeting": meeting, "training": training, "person": people[3], "trainee": trainees[3]}


def _pages(world):
    from meetings.checkin import make_token

    meeting, training = world["meeting"], world["training"]
    secretary_pages = {
        "bodies list": "/instances/",
        "committee body": f"/instances/{meeting.body.slug}/",
        "committee session": f"/instances/seances/{meeting.pk}/",
        "committee sheet": f"/instances/seances/{meeting.pk}/feuille/",
        "QR code": f"/instances/seances/{meeting.pk}/qr/",
        "training body": f"/instances/{training.body.slug}/",
        "training session": f"/instances/seances/{training.pk}/",
        "training sheet": f"/instances/seances/{training.pk}/feuille/",
    }
    phone_pages = {
        "room check-in": f"/instances/pointage/{make_token(meeting)}/",
        "personal code check-in": f"/instances/pointage/code/{world['person'].checkin_code}/",
        "training room check-in": f"/instances/pointage/{make_token(training)}/",
        "training personal code check-in": f"/instances/pointage/code/{world['trainee'].checkin_code}/",
    }
    return secretary_pages, phone_pages


# The innermost elements that reach past the screen's right edge (outside a scrolling region), for the message.
OVERFLOWING = """(width) => Array.from(document.querySelectorAll("body *")).filter((el) => {
    if (el.parentElement && el.parentElement.closest(".table-scroll")) return false;
    const past = (node) => node.getBoundingClientRect().right > width + 0.5;
    return past(el) && !Array.from(el.children).some(past);
}).slice(0, 8).map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "")
    + " (" + Math.round(el.getBoundingClientRect().right) + " px)")"""


def _check(page, kind, url, width, axe_check, failures):
    response = page.goto(url)
    if response is None or not response.ok:
        failures.append(f"{kind}: {url} answered {response and response.status}")
        return
    if page.locator("#sheet").count():
        expect(page.locator("#sheet")).to_have_attribute("data-live", "open")
        page.wait_for_load_state("networkidle")  # the sheet fetches its rows again on connecting
    if not page.locator("h1").first.is_visible():
        failures.append(f"{kind}: no visible h1")
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > width:
        failures.append(f"{kind}: the page is {wide} px wide on a {width} px screen; past the edge: "
                        + ", ".join(page.evaluate(OVERFLOWING, width)))
    try:
        axe_check(page)
    except pytest.fail.Exception as failure:
        failures.append(f"{kind}: {failure}")


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_meetings_pages_pass_the_current_axe_on_phone_and_tablet(chromium, daphne_url, meetings_world, secretary,
                                                                 axe_check, device):
    secretary_pages, phone_pages = _pages(meetings_world)
    width = VIEWPORTS[device]["viewport"]["width"]
    failures = []
    context, page = _page(chromium, daphne_url, secretary, **VIEWPORTS[device])
    try:
        for kind, url in secretary_pages.items():
            _check(page, kind, url, width, axe_check, failures)
    finally:
        context.close()
    phone = chromium.new_context(base_url=daphne_url, locale="fr-FR", **VIEWPORTS[device])
    try:
        page = phone.new_page()
        page.set_default_timeout(10_000)
        for kind, url in phone_pages.items():
            _check(page, kind, url, width, axe_check, failures)
        # The answer a phone gets once checked in (the training's personal code, last page opened).
        page.get_by_role("button", name="Je suis présent·e").click()
        expect(page.get_by_role("status")).to_contain_text("présence est enregistrée")
        try:
            axe_check(page)
        except pytest.fail.Exception as failure:
            failures.append(f"personal code check-in, once checked in: {failure}")
    finally:
        phone.close()
    assert not failures, f"{device}:\n" + "\n\n".join(failures)
