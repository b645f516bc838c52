"""Record rules: validation messages, history of services and contacts, completeness, hours, freshness."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from directory.history import acting_as
from directory.models import ChangeRecord, Contact, Organisation, Service
from directory.opening import describe
from directory.quality import organisation_completeness


def test_invalid_phone_hours_and_codes_are_refused_in_french(territories):
    org = Organisation(name="Test", slug="test", phone="12", opening_hours="lundi matin")
    with pytest.raises(ValidationError) as error:
        org.full_clean()
    assert "Numéro de téléphone non reconnu" in str(error.value)
    assert "Horaires illisibles" in str(error.value)
    service = Service(organisation=Organisation.objects.create(name="Org"), name="S", thematiques=["zzz"],
                      publics=["martiens"], age_min=25, age_max=16)
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    text = str(error.value)
    assert "Thématique inconnue : zzz" in text and "Public inconnu : martiens" in text and "âge maximum" in text


def test_service_and_contact_changes_are_recorded_with_their_author(territories, make_org, partner_editor):
    org = make_org("CCAS", services=[{"name": "Aide"}])
    service = org.services.get()
    with acting_as(partner_editor):
        service.name = "Aide d'urgence"
        service.save()
        contact = Contact.objects.create(organisation=org, name="Accueil", visibility="public")
        contact.delete()
    edit = ChangeRecord.objects.get(model="service", action="edit")
    assert edit.user == partner_editor and edit.changes["name"] == ["Aide", "Aide d'urgence"]
    assert edit.organisation == org
    assert ChangeRecord.objects.filter(model="contact", action="create", user=partner_editor).exists()
    assert ChangeRecord.objects.filter(model="contact", action="delete", user=partner_editor).exists()
    org.delete()  # cascading deletions are recorded once, on the organisation
    assert ChangeRecord.objects.filter(model="organisation", action="delete", organisation=None).count() == 1


def test_completeness_lists_what_is_missing(territories, make_org):
    bare = make_org("Vide")
    full = make_org("Complète", typologie="mission-locale", phone="01 99 00 00 01", address="1 rue",
                    commune=territories["arras"], opening_hours="Mo-Fr 09:00-17:00", accessibility="Plain-pied",
                    description="Une description assez longue pour dépasser les cinquante caractères demandés.",
                    services=[{"name": "Accompagnement",
                               "thematiques": ["trouver-un-emploi--repondre-a-des-offres-demploi"],
                               "publics": ["jeunes"], "frais": "gratuit", "modes_mobilisation": ["telephoner"],
                               "mobilisable_par": ["usagers"], "description": "x" * 250}])
    low, high = organisation_completeness(bare), organisation_completeness(full)
    assert low.score < 30 < 80 <= high.score
    assert "horaires d'ouverture" in [str(m) for m in low.missing]


def test_readable_week_and_open_state():
    monday_10 = datetime(2026, 11, 23, 10, 0)
    hours = describe("Mo-Fr 09:00-12:00,13:30-17:00; Sa 10:00-12:00", monday_10)
    week = [d.text.replace("\xa0", " ") for d in hours.week]
    assert week[:2] == ["9 h – 12 h et 13 h 30 – 17 h"] * 2
    assert week[5] == "10 h – 12 h" and week[6] == "fermé"
    assert hours.is_open and hours.status_text.replace("\xa0", " ") == "Ouvert maintenant, jusqu'à 12 h"
    assert not describe("Mo-Fr 09:00-12:00", datetime(2026, 11, 23, 13, 0)).is_open
    assert describe("pas des horaires") is None


def test_stale_after_six_months(territories, make_org):
    old = make_org("Ancienne", last_confirmed_at=timezone.now() - timedelta(days=190))
    recent = make_org("Récente", last_confirmed_at=timezone.now() - timedelta(days=20))
    assert old.is_stale() and not recent.is_stale()
    assert list(Organisation.objects.stale()) == [old]


def test_purge_error_reports_clears_old_emails_and_handled_reports(territories, make_org):
    from io import StringIO

    from django.core.management import call_command

    from directory.models import ErrorReport

    org = make_org("CCAS")
    old = timezone.now() - timedelta(days=400)
    kept = ErrorReport.objects.create(organisation=org, message="Numéro faux", email="a@exemple.invalid",
                                      created_at=old)
    ErrorReport.objects.create(organisation=org, message="Adresse fausse", created_at=old, handled=True)
    fresh = ErrorReport.objects.create(organisation=org, message="Horaires", email="b@exemple.invalid")
    call_command("purge_error_reports", stdout=StringIO())
    kept.refresh_from_db()
    fresh.refresh_from_db()
    assert kept.email == "" and fresh.email == "b@exemple.invalid"
    assert ErrorReport.objects.count() == 2


def test_editor_sees_completeness_professional_sees_freshness_in_list(client_as, territories, make_org,
                                                                     partner_editor, professional):
    from directory.permissions import assign_editor

    org = make_org("Mission locale", last_confirmed_at=timezone.now() - timedelta(days=40))
    assign_editor(org, partner_editor)
    page = client_as(partner_editor).get(org.get_absolute_url()).content.decode()
    assert "Complétude de la fiche" in page and "horaires d&#x27;ouverture" in page
    listing = client_as(professional).get("/annuaire/").content.decode()
    assert "Confirmée il y a" in listing
    assert "Complétude" not in client_as(professional).get(org.get_absolute_url()).content.decode()
