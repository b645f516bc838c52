"""The organisation page tells the truth about opening: appointment-only, a closure, the services' own hours."""

import html
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from directory.permissions import assign_editor

FRENCH_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]  # as a French page names them


def text_of(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def test_appointment_only_page_never_says_open(client, territories, make_org):
    org = make_org("Point Accueil Écoute Jeunes", commune=territories["arras"],
                   opening_hours='Mo-Su 08:00-20:00 "sur rendez-vous"')
    body = text_of(client.get(org.get_absolute_url()))
    assert "Sur rendez-vous" in body and "Ouvert maintenant" not in body
    assert "8 h – 20 h" in body and "Accueil sur rendez-vous uniquement" in body


def test_comment_alone_is_shown_without_a_week(client, territories, make_org):
    org = make_org("Permanence logement", opening_hours='"Sur rendez-vous uniquement"')
    body = text_of(client.get(org.get_absolute_url()))
    assert "Sur rendez-vous" in body and "Ouvert maintenant" not in body and "0 h – 24 h" not in body
    assert "directory-hours" not in body


def test_closure_says_until_when_and_the_opening_after_it(client, territories, make_org):
    today = timezone.localdate()
    until = today + timedelta(days=3)
    org = make_org("CCAS d'Arras", commune=territories["arras"], opening_hours="Mo-Su 09:00-17:00",
                   closed_from=today - timedelta(days=1), closed_until=until, closure_note="travaux")
    body = text_of(client.get(org.get_absolute_url()))
    reopening = FRENCH_DAYS[(until + timedelta(days=1)).weekday()]
    assert f"Fermé jusqu'au {until.day} " in body and f"inclus, ouvre {reopening} à 9 h" in body
    assert "Travaux" in body and "Ouvert maintenant" not in body and "ouvre demain" not in body


def test_coming_closure_is_announced(client, territories, make_org):
    start = timezone.localdate() + timedelta(days=20)
    org = make_org("CCAS de Calais", opening_hours="Mo-Fr 09:00-17:00", closed_from=start,
                   closed_until=start + timedelta(days=9), closure_note="congés annuels")
    body = text_of(client.get(org.get_absolute_url()))
    assert f"Fermeture du {start.day} " in body and "(congés annuels)" in body


def test_service_hours_shown_where_they_differ(client, territories, make_org):
    org = make_org("Mission locale", opening_hours="Mo-Fr 09:00-17:00", services=[
        {"name": "Permanence psychologue", "opening_hours": 'We 14:00-17:00 "sur rendez-vous"'},
        {"name": "Accueil emploi", "opening_hours": "Mo-Fr 09:00-17:00"},
        {"name": "Atelier CV"}])
    body = text_of(client.get(org.get_absolute_url()))
    assert body.count("Horaires du service") == 1
    block = body.split('Permanence psychologue</h3>')[1].split("</article>")[0]
    assert "Horaires du service" in block and "Sur rendez-vous" in block and "14 h – 17 h" in block
    assert "Ouvert maintenant" not in block


def test_unreadable_hours_are_shown_as_written(client, territories, make_org):
    org = make_org("Ancienne fiche", opening_hours="lundi matin")  # imported before hours were checked
    body = text_of(client.get(org.get_absolute_url()))
    assert "Horaires indiqués : lundi matin" in body
    assert "Ouvert maintenant" not in body and "Fermé" not in body


def test_editor_sets_a_closure_in_the_admin(client_as, partner_editor, territories, make_org):
    org = make_org("CCAS d'Arras", commune=territories["arras"], opening_hours="Mo-Fr 09:00-17:00")
    assign_editor(org, partner_editor)
    form = client_as(partner_editor).get(reverse("wagtailsnippets_directory_organisation:edit", args=[org.pk]))
    body = form.content.decode()
    assert "Fermeture temporaire" in body and 'name="closed_until"' in body and 'name="closure_note"' in body
