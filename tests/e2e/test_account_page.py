"""The account page of the professional space, in real Chromium on a phone."""

import pytest
from django.core import mail

pytestmark = pytest.mark.browser


def test_account_page_passes_axe_and_asks_before_changing_the_address(phone_page, axe_check, site_pages,
                                                                       professional, login_in_browser):
    login_in_browser(phone_page, professional)
    phone_page.get_by_role("link", name="Mon compte").click()
    phone_page.wait_for_url("**/espace-pro/compte/")
    axe_check(phone_page)
    phone_page.get_by_label("Nouveau courriel").fill("sacha@nouvelle-adresse.invalid")
    phone_page.get_by_label("Mot de passe actuel").fill("un-mot-de-passe-de-test")
    phone_page.get_by_role("button", name="Envoyer le lien de confirmation").click()
    phone_page.get_by_text("Un lien de confirmation a été envoyé").wait_for()
    phone_page.screenshot(path="/tmp/member-account.png", full_page=True)
    professional.refresh_from_db()
    assert professional.email == "pro@exemple.invalid"
    assert [m.to for m in mail.outbox] == [["sacha@nouvelle-adresse.invalid"]]
