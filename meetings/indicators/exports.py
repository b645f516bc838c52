"""The matrix and the monthly operator report as XLSX (for people) and CSV (for French Excel).

CSV files are UTF-8 with a byte-order mark and ";" separators, so that Excel in French opens them with the
accents and columns right; decimals use a comma there, as Excel in French expects.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from meetings.indicators.formatting import (
    basis_label,
    counting_rule,
    display_gap,
    display_reached,
    display_target,
    display_value,
    numerator,
    selection_text,
)
from meetings.indicators.matrix import Matrix, build_matrix, territoires_of
from meetings.indicators.models import Indicator
from relais import tabular

MATRIX_HEADERS = ["Année", "Périmètre", "Indicateur", "Code", "Mode de calcul", "Unité", "Cible", "Résultat",
                  "Écart", "Objectif", "Présence retenue", "Ce qui est compté", "Instances comptées", "Numérateur",
                  "Dénominateur", "Autre définition", "Résultat (autre définition)", "Numérateur (autre définition)",
                  "Dénominateur (autre définition)", "Séances passées non clôturées (non comptées)"]
PERCENT_FORMAT = "0.0 %"
GAP_PERCENT_FORMAT = '+0.0" pts";-0.0" pts";0" pts"'
COUNT_FORMAT = "0"


def matrices_for_export(*, year: int, territory=None, body_ids=None, bodies_label: str = "") -> list[Matrix]:
    """The chosen scope first, then (for the whole département or no territory) each territoire on its own."""
    memo: dict = {}
    matrices = [build_matrix(year=year, territory=territory, body_ids=body_ids, memo=memo)]
    matrices[0].bodies_label = bodies_label
    if body_ids is None:
        for territoire in territoires_of(territory):
            matrices.append(build_matrix(year=year, territory=territoire, with_trend=False,
                                         indicators=[row.indicator for row in matrices[0].rows], memo=memo))
    return matrices


def _row_cells(matrix: Matrix, row):
    return [matrix.year, matrix.territory_label, row.indicator.name, row.indicator.code, row.indicator.definition,
            row.indicator.get_unit_display()]


def _number_or_blank(value):
    return "" if value is None else value


def definition_cells(row) -> list:
    """Columns 11–20: what is counted, on which bodies, with numerator and denominator on both definitions."""
    ind, result = row.indicator, row.result
    other = result.other
    cells = [basis_label(result.basis), counting_rule(ind) if not ind.is_manual else "",
             selection_text(ind), _number_or_blank(numerator(ind, result)), _number_or_blank(result.denominator)]
    if other is not None:
        cells += [basis_label(other.basis), display_value(ind, other), _number_or_blank(other.numerator),
                  _number_or_blank(other.denominator)]
    else:
        cells += ["", "", "", ""]
    cells.append(result.unclosed if not ind.is_manual else "")
    return cells


def matrix_csv(matrices: list[Matrix]) -> bytes:
    rows = [_row_cells(matrix, row) + [display_target(row.indicator, row.target),
                                       display_value(row.indicator, row.result), display_gap(row.indicator, row.gap),
                                       display_reached(row.reached)] + definition_cells(row)
            for matrix in matrices for row in matrix.rows]
    return tabular.csv_bytes(rows, header=MATRIX_HEADERS)


def _cell_number(ws, row: int, column: int, indicator: Indicator, value, *, gap: bool = False, text=None):
    cell = ws.cell(row=row, column=column)
    if value is None:
        cell.value = text if text is not None else ("–" if gap else "Pas de données")
        return
    if indicator.unit == Indicator.Unit.PERCENT:
        cell.value = float(Decimal(value) / 100) if not gap else float(value)
        cell.number_format = PERCENT_FORMAT if not gap else GAP_PERCENT_FORMAT
    elif indicator.unit == Indicator.Unit.YES_NO and not gap:
        cell.value = text if text is not None else ("Oui" if value else "Non")
    else:
        cell.value = int(value) if Decimal(value) == int(value) else float(value)
        cell.number_format = COUNT_FORMAT if cell.value == int(cell.value) else "0.00"


def _header(ws, headers, widths):
    ws.append(headers)
    for index, width in enumerate(widths, start=1):
        ws.cell(row=1, column=index).font = Font(bold=True)
        ws.cell(row=1, column=index).alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"


def matrix_xlsx(matrices: list[Matrix]) -> bytes:
    workbook = tabular.workbook()
    ws = workbook.active
    ws.title = "Matrice"
    _header(ws, MATRIX_HEADERS, [8, 26, 48, 24, 60, 14, 12, 16, 12, 14, 18, 60, 40, 12, 12, 18, 16, 12, 12, 14])
    line = 2
    for matrix in matrices:
        for row in matrix.rows:
            ind = row.indicator
            for column, value in enumerate(_row_cells(matrix, row), start=1):
                ws.cell(row=line, column=column, value=value).alignment = Alignment(wrap_text=column == 5,
                                                                                   vertical="top")
            _cell_number(ws, line, 7, ind, row.target, text="–" if row.target is None else None)
            yes_no_text = display_value(ind, row.result) if ind.unit == Indicator.Unit.YES_NO else None
            _cell_number(ws, line, 8, ind, row.result.value, text=yes_no_text)
            _cell_number(ws, line, 9, ind, row.gap, gap=True)
            ws.cell(row=line, column=10, value=display_reached(row.reached))
            for column, value in enumerate(definition_cells(row), start=11):
                ws.cell(row=line, column=column, value=value if value != "" else None).alignment = Alignment(
                    wrap_text=column in (12, 13), vertical="top")
            line += 1
    first = matrices[0]
    trend = workbook.create_sheet("Tendance")
    headers = ["Indicateur", "Périmètre"]
    for year in first.years:  # each year's figure with what it is made of, as on the other sheets
        headers += [f"Cible {year}", f"Résultat {year}", f"Numérateur {year}", f"Dénominateur {year}"]
    _header(trend, headers, [48, 26] + [14] * (4 * len(first.years)))
    for line, row in enumerate(first.rows, start=2):
        trend.cell(row=line, column=1, value=row.indicator.name)
        trend.cell(row=line, column=2, value=first.territory_label)
        for index, point in enumerate(row.trend):
            column = 3 + 4 * index
            _cell_number(trend, line, column, row.indicator, point.target, text="–" if point.target is None else None)
            text = display_value(row.indicator, point.result) if row.indicator.unit == Indicator.Unit.YES_NO else None
            _cell_number(trend, line, column + 1, row.indicator, point.result.value, text=text)
            trend.cell(row=line, column=column + 2, value=point.result.numerator)
            trend.cell(row=line, column=column + 3, value=point.result.denominator)
    return tabular.xlsx_bytes(workbook)


def report_headers(report) -> list[str]:
    """The columns of the operator report; the comité de suivi's says which presence it counts."""
    return ["Organisation", "Mois", "Périmètre",
            f"Présences au comité de suivi ({basis_label(report.basis)})",
            "Permanences effectuées (présent·e soi-même, permanence tenue)",
            "Professionnels formés (toutes les demi-journées émargées)"]


def report_rows(report, scope_label: str) -> list[list]:
    """One line per organisation, then the total (each column's total is the indicator's figure for the month
    on the same bodies; an empty month still says its scope)."""
    label = f"{report.period.start:%Y-%m}"
    rows = [[row["name"], label, scope_label, row["suivi"], row["permanences"], row["trainings"]]
            for row in report.rows]
    totals = report.totals
    rows.append(["Total", label, scope_label, totals["suivi"], totals["permanences"], totals["trainings"]])
    return rows


def report_rules(report) -> list[list[str]]:
    """What each column counts and on which bodies (the indicators' definitions and selections)."""
    from meetings.indicators.compute import REPORT_COLUMNS

    titles = {"suivi": "Présences au comité de suivi", "permanences": "Permanences effectuées",
              "trainings": "Professionnels formés"}
    lines = []
    for column, computation in REPORT_COLUMNS.items():
        indicator = report.indicators.get(column)
        if indicator is None:
            indicator, chosen = Indicator(computation=computation, presence_basis=report.basis), ""
            bodies = "Instances : toutes celles de la règle (aucun indicateur actif de ce calcul)."
        else:
            chosen, bodies = f"{indicator.name} ({indicator.code})", selection_text(indicator)
        lines.append([titles[column], counting_rule(indicator, report.basis if column == "suivi" else None),
                      bodies, chosen])
    return lines


def report_csv(report, scope_label: str) -> bytes:
    return tabular.csv_bytes(report_rows(report, scope_label), header=report_headers(report))


def report_xlsx(report, scope_label: str) -> bytes:
    workbook = tabular.workbook()
    ws = workbook.active
    ws.title = f"Reporting {report.period.start:%Y-%m}"
    _header(ws, report_headers(report), [44, 10, 30, 22, 22, 22])
    for values in report_rows(report, scope_label):
        ws.append(values)
    rules = workbook.create_sheet("Ce qui est compté")
    _header(rules, ["Colonne", "Ce qui est compté", "Instances comptées", "Indicateur"], [28, 80, 50, 40])
    for values in report_rules(report):
        rules.append(values)
        for cell in rules[rules.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return tabular.xlsx_bytes(workbook)


def report_scope(territory=None, bodies=None, operators=()) -> tuple[str, str]:
    """(label, file-name part) of an operator report's real scope: territory, bodies, operator(s)."""
    labels, slugs = [], []
    if territory is not None:
        labels.append(territory.name)
        slugs.append(territory.code)
    elif bodies is None:
        labels.append("Tous les territoires")
        slugs.append("tous-territoires")
    if bodies is not None:
        labels.append("Instances : " + ", ".join(sorted(body.name for body in bodies)))
        body_slugs = sorted(body.slug for body in bodies)
        slugs.append("instances-" + "-".join(body_slugs) if len(body_slugs) <= 3 else f"{len(body_slugs)}-instances")
    operators = list(operators)
    if operators:
        names = sorted(op.organisation.name for op in operators)
        labels.append(("Opérateur : " if len(names) == 1 else "Opérateurs : ") + ", ".join(names))
        op_slugs = sorted(op.organisation.slug for op in operators)
        slugs.append("operateur-" + "-".join(op_slugs) if len(op_slugs) <= 3 else f"{len(op_slugs)}-operateurs")
    return " · ".join(labels), "-".join(slugs)


def report_filename(report, slug: str, extension: str) -> str:
    return f"reporting-operateurs-{report.period.start:%Y-%m}-{slug}.{extension}"


def matrix_filename(year: int, territory, extension: str, bodies=None) -> str:
    """Named by the real scope: the territory, and the bodies when the export is narrowed to some."""
    parts = [territory.code if territory is not None else ("tous-territoires" if bodies is None else "")]
    if bodies is not None:
        slugs = sorted(body.slug for body in bodies)
        parts.append("instances-" + "-".join(slugs) if len(slugs) <= 3 else f"{len(slugs)}-instances")
    suffix = "-".join(part for part in parts if part)
    return f"indicateurs-{year}-{suffix}.{extension}"


DETAIL_HEADERS = ["Ligne", "Date ou période", "Instance ou périmètre", "Organisation ou indicateur",
                  "Dénominateur (attendus)", "Numérateur (présents)", "Résultat", "Tenue",
                  "Adresse de la séance, ou ce qui est compté", "Feuille d'émargement, ou instances comptées"]


def detail_rows(matrix: Matrix, row, details) -> list[list]:
    """One line for the figure (with what it counts), then its sessions, organisations and open sessions."""
    from django.urls import reverse

    from relais.links import absolute_url

    ind, result = row.indicator, row.result
    lines = [["Chiffre", str(matrix.period), matrix.territory_label, ind.name, result.denominator,
              result.numerator if result.numerator is not None else result.value, display_value(ind, result),
              "", counting_rule(ind), selection_text(ind)]]
    if result.other is not None:
        other = result.other
        lines.append([f"Autre définition ({basis_label(other.basis)})", "", "", "", other.denominator,
                      other.numerator, display_value(ind, other), "", counting_rule(ind, other.basis), ""])
    if details is None:
        return lines
    for session in details.sessions:
        meeting = session["meeting"]
        held = session.get("held")
        lines.append(["Séance", session["date"].strftime("%d/%m/%Y"), session["body"], "", session["expected"],
                      session["present"], "" if session["rate"] is None else f"{session['rate']} %",
                      "" if held is None else ("Oui" if held else "Non : aucun membre attendu présent"),
                      absolute_url(meeting.get_absolute_url()), absolute_url(reverse("meetings:sheet",
                                                                                   args=[meeting.pk]))])
    for organisation in details.organisations:
        lines.append(["Organisation", "", "", organisation["name"], organisation["expected"],
                      organisation["present"], "" if organisation["rate"] is None else f"{organisation['rate']} %",
                      "", "", ""])
    for session in details.unclosed:
        meeting = session["meeting"]
        lines.append(["Non clôturée (non comptée)", session["date"].strftime("%d/%m/%Y"), session["body"], "", "",
                      "", "", "", absolute_url(meeting.get_absolute_url()), ""])
    return lines


def detail_file(matrix: Matrix, row, details, fmt: str) -> bytes:
    lines = detail_rows(matrix, row, details)
    if fmt == "csv":
        return tabular.csv_bytes(lines, header=DETAIL_HEADERS)
    workbook = tabular.workbook()
    ws = workbook.active
    ws.title = "Détail"
    _header(ws, DETAIL_HEADERS, [22, 12, 30, 30, 10, 10, 12, 16, 40, 40])
    for values in lines:
        ws.append([value if value is not None else "" for value in values])
    return tabular.xlsx_bytes(workbook)
