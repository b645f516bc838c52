"""Opening status as a reader sees it on a 360 px phone: appointment-only and a closure, never "ouvert"."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.builders import make_org, territory_world
from tests.directory.test_opening_pages import FRENCH_DAYS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def orgs(db):
    places = territory_world("62", "62-ARR", "arras")
    today = timezone.localdate()
    closed = make_org("CCAS d'Arras", commune=places["arras"], opening_hours="Mo-Su 09:00-17:00",
                      closed_from=today, closed_until=today + timedelta(days=2), closure_note="travaux",
                      services=[{"name": "Permanence psychologue",
                                 "opening_hours": 'We 14:00-17:00 "sur rendez-vous"'}])
    appointment = make_org("Point Accueil Écoute Jeunes", commune=places["arras"],
                           opening_hours='"Sur rendez-vous uniquement"')
    return closed, appointment


def _status(page) -> str:
    return page.locator("#horaires + .directory-open").inner_text().replace("\xa0", " ")


def test_status_as_a_reader_sees_it(phone_page, axe_check, orgs):
    closed, appointment = orgs
    phone_page.route(re.compile(r"https://tile\.openstreetmap\.org/.*"), lambda route: route.abort())
    phone_page.goto(closed.get_absolute_url())
    until = timezone.localdate() + timedelta(days=2)
    reopening = FRENCH_DAYS[(until + timedelta(days=1)).weekday()]
    status = _status(phone_page)
    assert status.startswith(f"Fermé jusqu'au {until.day} ") and status.endswith(f"ouvre {reopening} à 9 h")
    assert phone_page.get_by_text("Travaux", exact=True).is_visible()
    service = phone_page.locator("#service-" + str(closed.services.get().pk))
    assert "Horaires du service" in service.inner_text() and "Ouvert maintenant" not in service.inner_text()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(phone_page)

    phone_page.goto(appointment.get_absolute_url())
    assert _status(phone_page) == "Sur rendez-vous"
    assert "Ouvert maintenant" not in phone_page.locator("main").inner_text()
