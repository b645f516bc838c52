"""Every CSV and XLSX export comes out of relais.tabular: a name typed as a formula is inert in each of them."""

import csv
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from relais import tabular

FORMULA = "\t=1+1"


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+33 1 99", "'+33 1 99"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"), ("\r=1", "'\r=1"), ("  =1+1", "'  =1+1"), ("Mission locale", "Mission locale"),
    ("−20 pts", "−20 pts"), ("", ""), (None, None), (-3, -3), (2.5, 2.5), (0, 0),
])
def test_guard(value, expected):
    assert tabular.guard(value) == expected


def test_unguard_reads_our_own_cells_back():
    for value in ("=1+1", "+33 1 99 00 00 05", "Mission locale", "'quoted"):
        assert tabular.unguard(tabular.guard(value)) == value


def _csv(response, delimiter=";"):
    # getvalue(): the body of a plain or a streamed response (the directory's export is streamed)
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=delimiter))


def _xlsx_cells(response):
    workbook = load_workbook(io.BytesIO(response.content))
    return [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row]


def _inert_csv_cells(rows):
    cells = [cell for row in rows for cell in row if "1+1" in cell]
    assert cells, "the record named as a formula is missing from the export"
    return all(cell.startswith("'") for cell in cells)


def _inert_xlsx_cells(cells):
    found = [cell for cell in cells if isinstance(cell.value, str) and "1+1" in cell.value]
    assert found, "the record named as a formula is missing from the export"
    return all(cell.data_type == "s" and cell.value.startswith("'") for cell in found)


@pytest.fixture
def formula_world(url_world):
    """The catalogue's world, with the organisation and the indicator named as a formula, and a held session."""
    from directory.models import Organisation
    from meetings import services
    from meetings.indicators.models import Indicator
    from meetings.models import Meeting

    w = url_world
    Organisation.objects.filter(pk=w.org.pk).update(name=FORMULA)
    Indicator.objects.filter(pk=w.indicator.pk).update(name=FORMULA)
    services.record_attendance(w.invitation, "present")
    Meeting.objects.filter(pk=w.meeting.pk).update(status=Meeting.Status.HELD)
    return w


def test_every_export_neutralises_a_formula_name(formula_world, dept_admin, client_as):
    from guardian.shortcuts import assign_perm

    w = formula_world
    admin = client_as(dept_admin)
    assign_perm("meetings.manage_body", dept_admin, w.body)
    year, month = timezone.localdate(w.meeting.starts_at).year, timezone.localdate(w.meeting.starts_at).month

    directory_csv = admin.get("/annuaire/export.csv")
    assert directory_csv.status_code == 200
    assert _inert_csv_cells(_csv(directory_csv, delimiter=","))

    sheet_csv = admin.get(f"/instances/seances/{w.meeting.pk}/emargement.csv")
    sheet_xlsx = admin.get(f"/instances/seances/{w.meeting.pk}/emargement.xlsx")
    assert sheet_csv.status_code == sheet_xlsx.status_code == 200
    assert _inert_csv_cells(_csv(sheet_csv))
    assert _inert_xlsx_cells(_xlsx_cells(sheet_xlsx))

    matrix_csv = admin.get("/indicateurs/export/", {"annee": "2026", "format": "csv"})
    matrix_xlsx = admin.get("/indicateurs/export/", {"annee": "2026", "format": "xlsx"})
    assert matrix_csv.status_code == matrix_xlsx.status_code == 200
    assert _inert_csv_cells(_csv(matrix_csv))
    assert _inert_xlsx_cells(_xlsx_cells(matrix_xlsx))

    month_value = f"{year:04d}-{month:02d}"
    report_csv = admin.get("/indicateurs/rapport-operateurs/", {"mois": month_value, "format": "csv"})
    report_xlsx = admin.get("/indicateurs/rapport-operateurs/", {"mois": month_value, "format": "xlsx"})
    assert report_csv.status_code == report_xlsx.status_code == 200
    rows = _csv(report_csv)
    assert _inert_csv_cells(rows)
    assert [row[3] for row in rows[1:]] == ["1", "1"]  # numbers stay numbers (the line, then the total)
    assert _inert_xlsx_cells(_xlsx_cells(report_xlsx))
    numbers = [cell.value for cell in _xlsx_cells(report_xlsx)
               if cell.parent.title.startswith("Reporting") and cell.row == 2 and cell.column > 3]
    assert len(numbers) == 3
    assert all(isinstance(value, int) for value in numbers)


def test_export_commands_write_through_the_same_guard(formula_world, tmp_path):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("export_directory", "--format", "csv", stdout=out)
    assert _inert_csv_cells(list(csv.reader(io.StringIO(out.getvalue()))))
    target = tmp_path / "matrice.xlsx"
    call_command("export_indicators", "--year", "2026", "--format", "xlsx", "--output", str(target),
                 stdout=io.StringIO())
    assert _inert_xlsx_cells([c for ws in load_workbook(target).worksheets for r in ws.iter_rows() for c in r])

