"""Young people's voice: "Cette page t'a aidé ?" and ideas; stored, checked, throttled, moderated."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from guide.models import Feedback

# Every test here runs in the guide's tree, built once for the module (tests.module_data.BuiltOnce).
pytestmark = pytest.mark.usefixtures("guide_tree")
URL = "/guide/avis/"


def post(client, article, address="203.0.113.5", **data):
    payload = {"page": article.pk, "helpful": "oui", "comment": "", "contact": "", "site_web": ""}
    payload.update(data)
    return client.post(URL, payload, REMOTE_ADDR=address)


def test_a_yes_with_a_comment_is_stored_for_moderation(client, guide_tree):
    article = guide_tree["article"]
    response = post(client, article, comment="Merci, j'ai trouvé mon FJT.")
    assert response.status_code == 302 and response["Location"] == article.url + "#avis"
    feedback = Feedback.objects.get()
    assert (feedback.kind, feedback.page_id, feedback.helpful, feedback.status) == ("page", article.pk, True, "nouveau")
    assert feedback.comment == "Merci, j'ai trouvé mon FJT." and feedback.contact == ""
    page = client.get(response["Location"]).content.decode()
    assert "Merci, ton avis est bien envoyé." in page


def test_no_answer_is_rejected_with_a_french_message(client, guide_tree):
    response = post(client, guide_tree["article"], helpful="")
    assert response.status_code == 400
    assert "Choisis « Oui » ou « Non »." in response.content.decode()
    assert not Feedback.objects.exists()


def test_oversized_comment_is_rejected_and_kept_in_the_form(client, guide_tree):
    response = post(client, guide_tree["article"], comment="a" * 1001)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ton message est trop long : 1000 caractères au plus (il en fait 1001)." in html
    assert "a" * 1001 in html  # the young person does not lose what they wrote
    assert not Feedback.objects.exists()


def test_unknown_page_is_refused(client, guide_tree):
    response = client.post(URL, {"page": "999999", "helpful": "oui"})
    assert response.status_code == 400 and not Feedback.objects.exists()
    assert client.post(URL, {"page": "abc", "helpful": "oui"}).status_code == 400


def test_honeypot_bots_see_a_thank_you_but_nothing_is_stored(client, guide_tree):
    response = post(client, guide_tree["article"], site_web="http://spam.exemple.invalid")
    assert response.status_code == 302
    assert not Feedback.objects.exists()


def test_floods_are_throttled_per_address_without_losing_legitimate_ones(client, guide_tree, private_cache):
    article = guide_tree["article"]
    for i in range(10):
        assert post(client, article, comment=f"avis {i}").status_code == 302
    flooded = post(client, article, comment="un de trop")
    assert flooded.status_code == 429
    assert "rien n&#x27;a été enregistré" in flooded.content.decode()
    assert post(client, article, address="198.51.100.7", comment="autre jeune").status_code == 302
    assert Feedback.objects.count() == 11
    assert not Feedback.objects.filter(comment="un de trop").exists()


def test_idea_form_stores_an_idea_with_an_optional_contact(client, guide_tree):
    page = client.get("/guide/idee/").content.decode()
    assert "Ton contact (facultatif)" in page and "effacé au bout de 90 jours" in page
    theme = guide_tree["theme"]
    response = client.post("/guide/idee/", {"message": "Il manque les horaires du CLLAJ.", "theme": str(theme.pk),
                                            "contact": "jeune@exemple.invalid"})
    assert response.status_code == 302
    idea = Feedback.objects.get()
    assert (idea.kind, idea.page_id, idea.contact) == ("idee", theme.pk, "jeune@exemple.invalid")


@pytest.mark.parametrize("message,error", [("   ", "Écris ton idée avant d&#x27;envoyer."),
                                           ("x" * 1001, "Ton message est trop long")])
def test_empty_or_oversized_idea_is_rejected(client, guide_tree, message, error):
    response = client.post("/guide/idee/", {"message": message})
    assert response.status_code == 400 and error in response.content.decode()
    assert not Feedback.objects.exists()


def test_idea_honeypot_and_flood(client, guide_tree, private_cache):
    assert client.post("/guide/idee/", {"message": "spam", "site_web": "x"}).status_code == 302
    assert not Feedback.objects.exists()
    for i in range(10):
        client.post("/guide/idee/", {"message": f"idée {i}"})
    assert client.post("/guide/idee/", {"message": "encore"}).status_code == 429
    assert Feedback.objects.count() == 10


def test_admin_sees_usefulness_scores_per_page(client_as, dept_admin, guide_tree):
    article = guide_tree["article"]
    Feedback.objects.bulk_create([Feedback(kind="page", page=article, helpful=h) for h in (True, True, True, False)]
                                 + [Feedback(kind="page", page=article, helpful=False, status="rejete")])
    html = client_as(dept_admin).get("/admin/guide/utilite/").content.decode()
    assert "Trouver un logement quand on a 18 ans" in html
    assert "<td>3</td><td>1</td>" in html and "75 %" in html


def test_professionals_cannot_read_feedback(client_as, professional, guide_tree):
    client = client_as(professional)
    assert client.get("/admin/guide/utilite/").status_code in (302, 403)
    assert client.get("/admin/snippets/guide/feedback/").status_code in (302, 403)


def test_admin_moderates_feedback_in_the_snippet_listing(client_as, dept_admin, guide_tree):
    Feedback.objects.create(kind="idee", comment="Ajouter un article sur le permis.")
    client = client_as(dept_admin)
    response = client.get("/admin/snippets/guide/feedback/")
    assert response.status_code == 200 and "Ajouter un article sur le permis." in response.content.decode()


def test_purge_erases_old_contacts_but_keeps_messages(settings, db):
    now = timezone.now()
    old = Feedback.objects.create(kind="idee", comment="vieux", contact="06 99 00 00 01",
                                  created_at=now - timezone.timedelta(days=91))
    recent = Feedback.objects.create(kind="idee", comment="récent", contact="jeune@exemple.invalid",
                                     created_at=now - timezone.timedelta(days=10))
    call_command("purge_feedback_contacts")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.contact, old.comment) == ("", "vieux")
    assert recent.contact == "jeune@exemple.invalid"
    settings.RELAIS_FEEDBACK_CONTACT_RETENTION_DAYS = 7
    call_command("purge_feedback_contacts")
    recent.refresh_from_db()
    assert recent.contact == ""


def test_behind_a_proxy_each_young_person_has_their_own_limit(client, guide_tree, via_proxy):
    article = guide_tree["article"]
    payload = {"page": article.pk, "helpful": "oui", "comment": "", "contact": "", "site_web": ""}
    for _ in range(10):
        assert client.post(URL, payload, **via_proxy("198.51.100.1")).status_code == 302
    assert client.post(URL, payload, **via_proxy("198.51.100.1")).status_code == 429
    assert client.post(URL, payload, **via_proxy("198.51.100.2")).status_code == 302
    for _ in range(10):
        assert client.post("/guide/idee/", {"message": "Une idée."}, **via_proxy("198.51.100.1")).status_code == 302
    assert client.post("/guide/idee/", {"message": "Encore."}, **via_proxy("198.51.100.1")).status_code == 429
    assert client.post("/guide/idee/", {"message": "La mienne."}, **via_proxy("198.51.100.2")).status_code == 302
    assert Feedback.objects.count() == 22


def test_a_made_up_forwarded_address_does_not_escape_the_feedback_limit(client, guide_tree, forged_forwarding):
    payload = {"page": guide_tree["article"].pk, "helpful": "oui", "comment": "", "contact": "", "site_web": ""}
    statuses = [client.post(URL, payload, **forged_forwarding(n)).status_code for n in range(11)]
    assert statuses == [302] * 10 + [429]
    statuses = [client.post("/guide/idee/", {"message": "Idée."}, **forged_forwarding(n)).status_code
                for n in range(11)]
    assert statuses == [302] * 10 + [429]
