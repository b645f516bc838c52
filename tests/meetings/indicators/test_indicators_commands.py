"""The management commands: the same matrix and report as the download buttons; bad arguments refused."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook


def test_export_indicators_xlsx_and_csv(world, tmp_path):
    target = tmp_path / "matrice.xlsx"
    out = io.StringIO()
    call_command("export_indicators", "--year", "2026", "--format", "xlsx", "--output", str(target), stdout=out)
    assert "lignes écrites" in out.getvalue()
    sheet = load_workbook(target)["Matrice"]
    partner = next(r for r in sheet.iter_rows(min_row=2) if r[3].value == "presence-partenaires")
    assert partner[1].value == "Tous les territoires"
    assert partner[7].value == pytest.approx(6 / 9, abs=0.001) and partner[7].number_format == "0.0 %"
    assert partner[6].value == pytest.approx(0.7)
    target = tmp_path / "matrice.csv"
    call_command("export_indicators", "--year", "2026", "--territory", "62-ARR", "--format", "csv",
                 "--output", str(target), stdout=io.StringIO())
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    line = next(r for r in rows if r[3] == "presence-partenaires")
    assert line[1] == "Arrageois" and line[7] == "50 %" and line[8] == "−20 pts"


@pytest.mark.parametrize("args,message", [
    (["--year", "2031"], "hors de la convention"),
    (["--year", "deux-mille"], "Année invalide"),
    (["--year", "2026", "--territory", "99-ZZZ"], "Territoire inconnu"),
])
def test_export_indicators_refuses_bad_arguments(world, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_indicators", *args, "--output", str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


def test_export_operator_report(world, tmp_path):
    target = tmp_path / "reporting.csv"
    call_command("export_operator_report", "--month", "2026-10", "--format", "csv", "--output", str(target),
                 stdout=io.StringIO())
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert ["Mission locale Alpha", "2026-10", "Tous les territoires", "0", "0", "2"] in rows
    with pytest.raises(CommandError, match="AAAA-MM"):
        call_command("export_operator_report", "--month", "octobre")


def test_demo_loads_the_seeds_targets_on_the_demo_years_and_is_idempotent(db):
    from meetings.indicators.models import Indicator, IndicatorTarget, IndicatorValue
    from relais.demo import indicators as demo

    demo.load(lambda _m: None)
    counts = (Indicator.objects.count(), IndicatorTarget.objects.count(), IndicatorValue.objects.count())
    demo.load(lambda _m: None)
    assert (Indicator.objects.count(), IndicatorTarget.objects.count(), IndicatorValue.objects.count()) == counts

    def targets(code):
        return [int(v) for v in IndicatorTarget.objects.filter(indicator__code=code).order_by("year")
                .values_list("value", flat=True)]

    assert targets("presence-partenaires") == [50, 70, 80]
    assert targets("presence-jeunes") == [30, 60, 80]
    assert targets("professionnels-formes") == [30, 50, 100]
    assert targets("personne-ressource") == [50, 75, 100]
    assert targets("contrats-jeunes-majeurs") == [210, 250, 280]
    assert targets("sorties-positives") == [50, 75, 90]
    assert set(IndicatorTarget.objects.values_list("year", flat=True)) == {2025, 2026, 2027}
    assert set(IndicatorValue.objects.values_list("year", flat=True)) == {2025, 2026}
    for value in IndicatorValue.objects.select_related("indicator"):
        value.full_clean()
