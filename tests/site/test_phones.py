"""Every phone number shown is a tap-to-call link named "Appeler le …" (relais.phones), and the numbers written
in text become links without touching existing links or the digits of a URL."""

import re

import pytest

from relais.phones import call_label, link_phones, phone_link, tel_href

SHORT = {"15", "17", "18", "112", "114", "115", "119", "3114", "3919"}


@pytest.mark.parametrize("number,href", [
    ("03 21 00 00 00", "tel:+33321000000"),
    ("0321000000", "tel:+33321000000"),
    ("03.21.00.00.00", "tel:+33321000000"),
    ("+33 3 21 00 00 00", "tel:+33321000000"),
    ("0 800 235 236", "tel:+33800235236"),
    ("115", "tel:115"),
    ("3114", "tel:3114"),
    ("3919", "tel:3919"),
    ("15", "tel:15"),
    ("112", "tel:112"),
])
def test_tel_href_dials_the_number(number, href):
    assert tel_href(number) == href


@pytest.mark.parametrize("value", ["", "pas un numéro", "12"])
def test_what_is_not_a_number_gets_no_link(value):
    assert tel_href(value) == ""
    assert "<a" not in str(phone_link(value))


def test_phone_link_carries_an_accessible_name_containing_the_visible_number():
    link = str(phone_link("01 99 00 00 01", "Mission locale d'Arras"))
    assert link.startswith('<a class="tel" href="tel:+33199000001"')
    label = re.search(r'aria-label="([^"]*)"', link).group(1)
    assert label == "Appeler le 01 99 00 00 01 (Mission locale d&#x27;Arras)"
    assert ">01 99 00 00 01</a>" in link  # the visible text is within the name (WCAG 2.5.3)
    assert call_label("115") == "Appeler le 115"


def test_the_same_number_is_named_in_each_readers_language():
    from django.utils import translation

    with translation.override("fr"):
        assert 'aria-label="Appeler le 01 99 00 00 01 (CCAS)"' in phone_link("01 99 00 00 01", "CCAS")
    with translation.override("en"):  # the link of the same number and name is not the French one kept
        assert 'aria-label="Call 01 99 00 00 01 (CCAS)"' in phone_link("01 99 00 00 01", "CCAS")
    with translation.override("fr"):
        assert 'aria-label="Appeler le 01 99 00 00 01 (CCAS)"' in phone_link("01 99 00 00 01", "CCAS")


def test_phone_link_escapes_what_it_shows():
    assert "<script" not in str(phone_link("<script>", "x"))
    assert "&lt;b&gt;" in str(phone_link("01 99 00 00 01", "<b>"))


def test_numbers_written_in_an_article_become_links():
    html = str(link_phones("<p>Si tu penses au suicide, appelle le <strong>3114</strong>. En cas de danger "
                           "immédiat, appelle le <strong>15</strong> ou le <strong>112</strong>. Le 115 est géré par "
                           "le SIAO ; le secrétariat : 01 23 45 67 89.</p>", short_numbers=SHORT))
    for number, href in [("3114", "tel:3114"), ("15", "tel:15"), ("112", "tel:112"), ("115", "tel:115"),
                         ("01 23 45 67 89", "tel:+33123456789")]:
        assert f'href="{href}" aria-label="Appeler le {number}">{number}</a>' in html


@pytest.mark.parametrize("text", [
    "<p>Avant tes 18 ans, parle-en.</p>",
    "<p>Le 15 mars, l'entretien de tes 17 ans.</p>",
    "<p>Le pécule est de 115 € au plus, 15 heures par semaine.</p>",
    "<p>Entre 15 et 17 ans.</p>",
])
def test_ages_dates_and_amounts_are_not_numbers_to_call(text):
    assert str(link_phones(text, short_numbers=SHORT)) == text


def test_existing_links_and_numbers_in_urls_are_left_alone():
    html = ('<p><a href="/annuaire/foyer/">Appelle le 01 23 45 67 89 au foyer</a> ; '
            'voir https://www.exemple.invalid/fiche-0123456789 ou '
            '<a href="https://www.exemple.invalid/?tel=0123456789">le 115</a>.</p>')
    assert str(link_phones(html, short_numbers=SHORT)) == html


def test_attributes_are_never_rewritten():
    html = '<p><img alt="appelle le 115" src="/media/01-23-45-67-89.png"> Texte.</p>'
    assert str(link_phones(html, short_numbers=SHORT)) == html
