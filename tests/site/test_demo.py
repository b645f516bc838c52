"""`make run` loads the demo each time: a second load must change nothing and fail nothing."""

import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()
            if model._meta.managed and not model._meta.proxy}


@pytest.mark.once_postgresql
def test_load_demo_twice_changes_nothing_and_prints_the_accounts(capsys):
    """The whole demo, loaded as `make run` loads it; each app's part is checked on this one load (loading it
    takes 15 s on PostgreSQL)."""
    call_command("load_demo")
    first_output = capsys.readouterr().out
    _directory_demo_covers_every_territory_and_theme_with_fictional_contacts()
    first = _row_counts()
    call_command("load_demo")
    second = _row_counts()
    changed = {label: (first[label], second[label]) for label in first if first[label] != second[label]}
    assert changed == {}
    assert "relais-demo-2026" in first_output
    from meetings.indicators.models import OperatorTable

    # The pilot's overview has something to show: the demo operator's October submitted, November a draft.
    states = sorted(OperatorTable.objects.values_list("operator__organisation__source_id", "month", "status"))
    assert [(source, f"{month:%Y-%m}", status) for source, month, status in states] == [
        ("demo--62-ARR--ml", "2026-10", "submitted"), ("demo--62-ARR--ml", "2026-11", "draft")]
    assert "admin" in first_output and "superutilisateur" in first_output


def _directory_demo_covers_every_territory_and_theme_with_fictional_contacts():
    from data_inclusion.schema.v1 import Categorie
    from django.contrib.auth import get_user_model

    from directory.models import Contact, Organisation, Service, Territory
    from directory.queries import partners_for

    assert Territory.objects.filter(kind="commune", code__startswith="62").count() > 850
    assert Territory.objects.filter(kind="territoire", parent__code="62").count() == 9
    assert Territory.objects.filter(kind="territoire", parent__code="49").count() >= 9
    published = Organisation.objects.published()
    assert published.count() >= 150
    for territory in Territory.objects.filter(kind="territoire"):
        assert partners_for(territory=territory).exists(), territory.name
    themes = {code.split("--")[0] for codes in Service.objects.values_list("thematiques", flat=True) for code in codes}
    assert {c.value for c in Categorie} <= themes
    assert set(Contact.objects.values_list("visibility", flat=True)) == {"public", "professionals", "internal"}
    # No real person's address or phone: reserved domains and numbers only.
    assert not Contact.objects.exclude(email="").exclude(email__endswith="@exemple.invalid").exists()
    assert not Organisation.objects.exclude(phone__in=["115"]).exclude(phone__startswith="01 99 00").exists()
    editor = get_user_model().objects.get(username="editeur")
    assert sum(editor.has_perm("directory.change_organisation", o) for o in published) == 2


def test_demo_refuses_production(settings):
    from django.core.management.base import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo")



def test_demo_loads_in_production_only_when_explicitly_allowed(settings, monkeypatch, capsys):
    """A staging check needs content in a production-mode database: it must ask for it, and is warned.
    deploy/smoke.sh loads the real demo this way; here the loaders are stubs, to keep the test short."""
    from relais.demo import accounts, pages
    from relais.demo.management.commands import load_demo

    loaded = []
    monkeypatch.setattr(pages, "load_site_pages", lambda log: loaded.append("pages"))
    monkeypatch.setattr(accounts, "load_users", lambda log: loaded.append("users") or [])
    monkeypatch.setattr(load_demo, "APP_LOADERS", [])
    settings.PRODUCTION = True
    call_command("load_demo", "--allow-production")
    assert loaded == ["pages", "users"]
    assert "préproduction" in capsys.readouterr().err
