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
    call_command("load_demo")
    first_output = capsys.readouterr().out
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
