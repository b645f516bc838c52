"""Accessibility of the meetings pages a keyboard or screen-reader user reaches: the QR page renews its code
without a meta refresh, and every scrolling table is a focusable, named region."""

import re

from bs4 import BeautifulSoup
from django.urls import reverse

from meetings import checkin
from meetings.models import Body
from tests import builders


def _scroll_regions(html):
    return BeautifulSoup(html, "html.parser").select(".table-scroll")


def _assert_reachable(html):
    regions = _scroll_regions(html)
    assert regions, "no scrolling table on the page"
    for region in regions:
        assert region.get("tabindex") == "0" and region.get("role") == "region"
        assert (region.get("aria-label") or "").strip() or region.get("aria-labelledby")


def test_qr_page_renews_the_code_without_meta_refresh(client_as, body_secretary, meeting):
    client = client_as(body_secretary)
    html = client.get(reverse("meetings:qr", args=[meeting.pk])).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find("meta", attrs={"http-equiv": re.compile("refresh", re.I)})
    assert soup.find("script", src=re.compile(r"meetings/qr\.js"))
    box = soup.find(id="qr-code")
    assert box.find("svg") is not None and box["data-rotation"] == str(checkin.ROTATION_SECONDS)
    assert soup.find(id="qr-manual").find("a")["href"] == reverse("meetings:qr", args=[meeting.pk])
    svg = client.get(box["data-svg-url"])
    assert svg["Content-Type"] == "image/svg+xml" and "no-store" in svg["Cache-Control"]
    assert svg.content.decode().startswith("<svg")


def test_body_page_members_table_is_keyboard_reachable(client_as, body_secretary, body):
    _assert_reachable(client_as(body_secretary).get(reverse("meetings:body", args=[body.slug])).content.decode())


def test_meeting_page_invitations_table_is_keyboard_reachable(client_as, body_secretary, meeting):
    html = client_as(body_secretary).get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    _assert_reachable(html)


def test_training_sheet_table_is_keyboard_reachable(client_as, secretary, make_body):
    from guardian.shortcuts import assign_perm

    training = make_body("Formation repérage", members=2, youth_seats=0, kind=Body.Kind.FORMATION)
    assign_perm("meetings.manage_body", secretary, training)
    session = builders.make_meeting(training, hours=3, convene=True)
    html = client_as(secretary).get(reverse("meetings:sheet", args=[session.pk])).content.decode()
    _assert_reachable(html)
