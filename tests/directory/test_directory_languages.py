"""Partners in the reader's language (docs/guide.md, "Languages"): the partners' own words stay as they wrote
them; the labels around them (themes, publics, the days of the week, the open status, the page's interface)
are the reader's. The label messages come from the installed data·inclusion schema, never typed by hand."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext, override

from directory import vocabulary
from directory.management.commands.write_vocabulary_labels import render
from tests.builders import make_org

HOUSING, YOUNG = "logement-hebergement--louer-un-logement", "jeunes"


def test_the_label_messages_are_the_installed_schemas():
    written = Path(vocabulary.__file__).with_name("vocabulary_labels.py").read_text(encoding="utf-8")
    assert written == render(), "the schema's labels changed: run manage.py write_vocabulary_labels"
    assert len(vocabulary.translatable_labels()) == 99


def _in(language: str, french: str) -> str:
    with override(language):
        return gettext(french)


@pytest.fixture
def foyer(db):
    return make_org("Foyer Les Tilleuls", description="Chambres meublées pour les 18-25 ans, près de la gare.",
                    opening_hours="Mo-Fr 09:00-12:00", phone="01 99 00 10 01",
                    services=[{"name": "Chambre meublée", "thematiques": [HOUSING], "publics": [YOUNG],
                               "description": "Une chambre pour six mois, renouvelable."}])


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_partner_page_gives_its_labels_in_the_readers_language_and_its_text_as_written(client, foyer,
                                                                                          language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(f"/annuaire/{foyer.slug}/").content.decode()
    with override(language):
        monday = str(WEEKDAYS[0])
    labels = {"Louer un logement": _in(language, "Louer un logement"), "Jeunes": _in(language, "Jeunes"),
              "Thèmes": _in(language, "Thèmes"), "Horaires de la semaine": _in(language, "Horaires de la semaine")}
    for french, translated in labels.items():
        assert translated != french, f"{french!r} has no {language} translation"
        assert translated in html, translated
    assert monday in html and "lundi" not in html
    assert "Louer un logement" not in html and "Horaires de la semaine" not in html
    # the partner's own words, as written
    assert "Chambres meublées pour les 18-25 ans, près de la gare." in html
    assert "Une chambre pour six mois, renouvelable." in html


def test_the_directory_filters_list_themes_and_publics_in_the_readers_language(client, foyer):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    html = client.get("/annuaire/").content.decode()
    assert f'>{_in("ar", "Logement et hébergement")}<' in html
    assert f'— {_in("ar", "Louer un logement")}<' in html
    assert f'>{_in("ar", "Jeunes")}<' in html
    assert "Logement et hébergement" not in html
    # and back in French, nothing of the Arabic labels stays behind
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get("/annuaire/").content.decode()
    assert ">Logement et hébergement<" in html and _in("ar", "Logement et hébergement") not in html


def test_the_open_status_is_told_in_the_readers_language(foyer):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from directory import opening

    tuesday_8am = datetime(2026, 12, 8, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))
    with override("fr"):
        french = opening.status_line(foyer.opening_hours, tuesday_8am)
    with override("ar"):
        arabic = opening.status_line(foyer.opening_hours, tuesday_8am)
    assert french == "Fermé, ouvre à 9\u00a0h"
    assert arabic != french and "ouvre" not in arabic and "9" in arabic
