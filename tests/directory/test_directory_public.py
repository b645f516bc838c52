"""Public and professional pages: what each visitor sees, bad filters, error reports, open data export."""

import json

import pytest
from data_inclusion.schema import v1 as di
from django.core import mail
from django.urls import reverse

from directory.models import ErrorReport, Organisation
from directory.permissions import assign_editor

PRO_CONTACT = "Camille Exemple"
INTERNAL_CONTACT = "Direction interne"


@pytest.fixture
def org(territories, make_org):
    return make_org(
        "Mission locale de l'Arrageois", commune=territories["arras"], serving=[territories["62-ARR"]],
        typologie="mission-locale", address="1 rue de la Paix", postal_code="62000", phone="01 99 00 00 01",
        email="accueil@exemple.invalid", opening_hours="Mo-Fr 09:00-12:00,13:30-17:00; PH off",
        description="Accueil des jeunes de 16 à 25 ans pour l'emploi, la formation et le logement.",
        accessibility="Accès de plain-pied.", notice="Fermé le 24 décembre.",
        services=[{"name": "Accompagnement CEJ", "thematiques": ["trouver-un-emploi--repondre-a-des-offres-demploi"],
                   "publics": ["jeunes"], "age_min": 16, "age_max": 25, "frais": "gratuit",
                   "description": "Un accompagnement intensif vers l'emploi.", "phone": "01 99 00 00 02"}],
        contacts=[{"name": "Accueil du public", "visibility": "public", "phone": "01 99 00 00 03"},
                  {"name": PRO_CONTACT, "role": "référente ASE", "visibility": "professionals",
                   "email": "camille@exemple.invalid"},
                  {"name": INTERNAL_CONTACT, "visibility": "internal"}],
    )


def test_anonymous_sees_public_contacts_only_everywhere(client, org):
    page = client.get(org.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert "Accueil du public" in body and "Accompagnement CEJ" in body
    assert PRO_CONTACT not in body and "camille@exemple.invalid" not in body and INTERNAL_CONTACT not in body
    assert "confirmée à jour" not in body  # freshness is for professionals
    listing = client.get(reverse("directory:list")).content.decode()
    assert PRO_CONTACT not in listing and INTERNAL_CONTACT not in listing
    export = client.get(reverse("directory:export-json")).getvalue().decode()
    assert PRO_CONTACT not in export and INTERNAL_CONTACT not in export and "camille@" not in export
    assert client.get(reverse("directory:export-csv")).status_code == 302  # to the login page


def test_professional_sees_professional_contacts_and_freshness(client_as, professional, org):
    body = client_as(professional).get(org.get_absolute_url()).content.decode()
    assert PRO_CONTACT in body and "camille@exemple.invalid" in body
    assert INTERNAL_CONTACT not in body
    assert "Fiche jamais confirmée" in body


def test_page_shows_hours_notice_accessibility(client, org):
    body = client.get(org.get_absolute_url()).content.decode().replace("\xa0", " ")
    assert "9 h – 12 h et 13 h 30 – 17 h" in body
    assert ("Ouvert maintenant" in body) or ("Fermé" in body)
    assert "Fermé le 24 décembre." in body and "Accès de plain-pied." in body


def test_draft_organisation_is_not_public(client, make_org):
    draft = make_org("Brouillon", status=Organisation.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_bad_filters_are_ignored_with_a_visible_note(client, org):
    response = client.get(reverse("directory:list"), {"theme": "n-importe-quoi", "territoire": "99999",
                                                      "age": "-3", "page": "abc", "type": "<script>"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "ont été ignorés" in body and "n-importe-quoi" in body and "99999" in body
    assert "<script>" not in body.split("ont été ignorés")[1][:500]
    assert "Mission locale de l&#x27;Arrageois" in body


def test_filters_by_commune_theme_and_text(client, org, make_org, territories):
    make_org("FJT de Calais", serving=[territories["calais"]],
             services=[{"thematiques": ["logement-hebergement"]}])
    body = client.get(reverse("directory:list"), {"territoire": "Arras", "theme": "trouver-un-emploi",
                                                  "q": "mission"}).content.decode()
    assert "1 structure trouvée" in body and "FJT de Calais" not in body
    body = client.get(reverse("directory:list"), {"territoire": "62100"}).content.decode()  # postal code
    assert "FJT de Calais" in body and "Mission locale" not in body


def test_a_card_names_its_first_three_matching_services(client, territories, make_org):
    housing, jobs = "logement-hebergement", "trouver-un-emploi"
    make_org("Maison des jeunes", commune=territories["arras"], serving=[territories["62-ARR"]], services=[
        {"name": "Douche et laverie", "thematiques": [housing]},
        {"name": "Atelier CV", "thematiques": [jobs]},
        {"name": "Colocation solidaire", "thematiques": [housing]},
        {"name": "Bail glissant", "thematiques": [housing]},
        {"name": "Accueil de nuit", "thematiques": [housing]},
        {"name": "Appartement relais", "thematiques": [housing], "status": "draft"},
    ])

    def listed(params):
        body = client.get(reverse("directory:list"), params).content.decode()
        services = body.split('class="directory-card__services">', 1)[1].split("</ul>", 1)[0]
        return [item.split("</li>", 1)[0] for item in services.split("<li>")[1:]]

    # By name, the unpublished one left out, only those of the theme asked for, three at most.
    assert listed({"territoire": "62041", "theme": housing}) == ["Accueil de nuit", "Bail glissant",
                                                                 "Colocation solidaire"]
    assert listed({"territoire": "62041", "theme": jobs}) == ["Atelier CV"]
    assert listed({"q": "maison jeunes"}) == ["Accueil de nuit", "Atelier CV", "Bail glissant"]


def test_a_text_search_in_a_departement_reads_its_serving_area_once(client, org, territories, monkeypatch):
    from directory import territories as places

    read = []
    real = places.serving
    monkeypatch.setattr(places, "serving", lambda territory: read.append(territory.code) or real(territory))
    body = client.get(reverse("directory:list"), {"territoire": "62", "q": "mission"}).content.decode()
    assert "1 structure trouvée" in body and "Mission locale de l&#x27;Arrageois" in body
    assert read == ["62"]  # the SQL filter and the text search share it (a query of its descendants each)


def test_list_and_detail_queries_do_not_grow(client, org, make_org, territories, django_assert_max_num_queries):
    for i in range(30):
        make_org(f"Partenaire {i:02d}", commune=territories["arras"], serving=[territories["62"]],
                 services=[{"thematiques": ["trouver-un-emploi"]}, {"thematiques": ["sante"]}],
                 contacts=[{"name": "Accueil", "visibility": "public"}, {"name": "X", "visibility": "professionals"}])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("directory:list"), {"territoire": "62041", "theme": "trouver-un-emploi",
                                                          "q": "partenaire"})
    assert response.content.decode().count('class="card directory-card"') == 20
    with django_assert_max_num_queries(12):
        client.get(reverse("directory:list"), {"vue": "carte"})
    with django_assert_max_num_queries(10):
        assert client.get(org.get_absolute_url()).status_code == 200


def test_error_report_is_stored_mailed_and_rate_limited(client, org, partner_editor, dept_admin):
    assign_editor(org, partner_editor)
    target = reverse("directory:report-error", args=[org.slug])
    response = client.post(target, {"message": "Le numéro de téléphone a changé.", "email": ""})
    assert response.status_code == 302
    assert ErrorReport.objects.filter(organisation=org).count() == 1
    assert sorted(mail.outbox[0].to) == ["editeur@exemple.invalid", "pilote@exemple.invalid"]
    bad = client.post(target, {"message": "court"})
    assert bad.status_code == 400 and "10 caractères" in bad.content.decode()
    for _ in range(6):
        client.post(target, {"message": "Encore une erreur sur cette fiche."})
    assert ErrorReport.objects.filter(organisation=org).count() == 5


def test_open_data_export_validates_with_data_inclusion_schema(client, org):
    payload = json.loads(client.get(reverse("directory:export-json")).getvalue())
    assert len(payload["structures"]) == 1 and len(payload["services"]) == 1
    for item in payload["structures"]:
        di.Structure.model_validate(item)
    for item in payload["services"]:
        di.Service.model_validate(item)
    structure = payload["structures"][0]
    assert structure["code_insee"] == "62041" and structure["telephone"] == "+33199000001"
    assert structure["reseaux_porteurs"] == ["mission-locale"]
    assert structure["courriel"] is None  # reserved-domain placeholder dropped, never an invalid record


def test_professional_export_csv_requires_permission(client_as, professional, partner_editor, org):
    response = client_as(professional).get(reverse("directory:export-csv"))
    body = response.getvalue().decode()
    assert response.status_code == 200 and "Mission locale de l'Arrageois" in body
    assert PRO_CONTACT not in body
    assert client_as(partner_editor).get(reverse("directory:export-csv")).status_code == 404


def test_names_cannot_break_out_of_the_map_data(client, territories, make_org):
    org = make_org("</script><script>alert(1)</script>", commune=territories["arras"])
    body = client.get(org.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    listing = client.get("/annuaire/?vue=carte").content.decode()
    assert "<script>alert(1)</script>" not in listing


def test_free_text_shares_the_search_vocabulary_and_ranking(client, make_org, territories, search_synonyms):
    """/annuaire/'s free text goes through search/: acronyms expand, names rank above descriptions."""
    make_org("Foyer de jeunes travailleurs d'Arras", serving=[territories["arras"]])
    make_org("Accueil de jour", serving=[territories["arras"]],
             description="Oriente vers le foyer de jeunes travailleurs le plus proche.")
    make_org("Foyer de jeunes travailleurs d'Angers", serving=[territories["angers"]])
    body = client.get(reverse("directory:list"), {"territoire": "Arras", "q": "FJT"}).content.decode()
    assert "2 structures trouvées" in body
    assert "Angers" not in body.split("structures trouvées")[1]
    assert body.index("Foyer de jeunes travailleurs d&#x27;Arras") < body.index("Accueil de jour")


REPORT = {"message": "Le numéro de téléphone a changé.", "email": ""}


def test_behind_a_proxy_each_visitor_has_their_own_report_limit(client, org, via_proxy):
    target = reverse("directory:report-error", args=[org.slug])
    for _ in range(6):
        client.post(target, REPORT, **via_proxy("198.51.100.1"))
    assert ErrorReport.objects.count() == 5
    assert client.post(target, REPORT, **via_proxy("198.51.100.2")).status_code == 302
    assert ErrorReport.objects.count() == 6


def test_a_made_up_forwarded_address_does_not_escape_the_report_limit(client, org, forged_forwarding):
    target = reverse("directory:report-error", args=[org.slug])
    for n in range(6):
        client.post(target, REPORT, **forged_forwarding(n))
    assert ErrorReport.objects.count() == 5


def test_error_report_email_links_to_the_public_address(client, org, partner_editor, assert_public_links):
    assign_editor(org, partner_editor)
    client.post(reverse("directory:report-error", args=[org.slug]), REPORT)
    links = assert_public_links(mail.outbox[0].body)
    assert links == [f"https://relais.exemple.org{org.get_absolute_url()}"]


def test_open_data_links_to_the_public_address(client, org, settings):
    settings.RELAIS_BASE_URL = "https://relais.exemple.org"
    payload = json.loads(client.get(reverse("directory:export-json")).getvalue())
    assert payload["structures"][0]["lien_source"] == f"https://relais.exemple.org{org.get_absolute_url()}"
    assert payload["services"][0]["lien_source"] == f"https://relais.exemple.org{org.get_absolute_url()}"
