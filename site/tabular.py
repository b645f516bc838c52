"""The one CSV and XLSX writer of Relais, with the spreadsheet-formula guard.

A name typed as ``=HYPERLINK(...)`` or ``+33…`` must not run as a formula when a partner opens an export in
Excel or LibreOffice (OWASP, "CSV Injection"): every text cell whose first character, after leading spaces, is
``=``, ``+``, ``-`` or ``@``, or which starts with a tab or a carriage return, gets a leading ``'``. Numbers,
dates and booleans stay what they are, so that sums still work. Every export of the project (directory,
attendance sheets, indicators, operator report) goes through here; the directory import strips the guard
again (``unguard``) so that its own CSV round-trips.

    content = tabular.csv_bytes(rows, header=[...])                  # French Excel: ";" and a BOM
    text = tabular.csv_text(dict_rows, fieldnames=[...], delimiter=",", lineterminator="\\n")
    wb = tabular.workbook(); ws = wb.active; ws.append([...])          # openpyxl, formatted as you like
    content = tabular.xlsx_bytes(wb)                                   # every text cell guarded on save
    return tabular.download(content, "export.csv")                      # HttpResponse with the right type
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PASS_THROUGH = (bool, int, float, Decimal, dt.date, dt.datetime, dt.time, dt.timedelta)


def is_dangerous(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula (or as one once its blanks are gone)."""
    return text[:1] in CONTROL_STARTS or text.lstrip()[:1] in FORMULA_STARTS


def guard(value):
    """The cell value made inert: a dangerous text gets a leading ``'``; numbers, dates and None pass."""
    if value is None or isinstance(value, _PASS_THROUGH):
        return value
    text = str(value)
    return "'" + text if is_dangerous(text) else text


def unguard(text: str) -> str:
    """Reverse of ``guard`` for reading back our own exports (the import of the directory CSV)."""
    if text.startswith("'") and is_dangerous(text[1:]):
        return text[1:]
    return text


def csv_text(rows: Iterable, *, header: Sequence | None = None, fieldnames: Sequence[str] | None = None,
             delimiter: str = ";", lineterminator: str = "\r\n") -> str:
    """CSV as text. ``rows`` are sequences, or mappings when ``fieldnames`` is given (missing keys: empty)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)
    if fieldnames is not None:
        writer.writerow([guard(name) for name in fieldnames])
    elif header is not None:
        writer.writerow([guard(cell) for cell in header])
    for row in rows:
        if fieldnames is not None:
            if not isinstance(row, Mapping):
                raise TypeError("rows must be mappings when fieldnames is given")
            row = [row.get(name, "") for name in fieldnames]
        writer.writerow([guard(cell) for cell in row])
    return out.getvalue()


def csv_bytes(rows: Iterable, *, header: Sequence | None = None, fieldnames: Sequence[str] | None = None,
              delimiter: str = ";", lineterminator: str = "\r\n", bom: bool = True) -> bytes:
    """CSV for French Excel by default: ``;`` separators and a UTF-8 byte-order mark (accents right)."""
    text = csv_text(rows, header=header, fieldnames=fieldnames, delimiter=delimiter, lineterminator=lineterminator)
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def workbook():
    """A new openpyxl workbook; write it out with ``xlsx_bytes`` (which guards every text cell)."""
    from openpyxl import Workbook

    return Workbook()


def xlsx_bytes(wb) -> bytes:
    """The workbook as bytes, after guarding every text and formula cell of every sheet."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and (cell.data_type == "f" or is_dangerous(cell.value)):
                    cell.value = guard(cell.value)
                    cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def download(content: bytes | str, filename: str):
    """An attachment response for a ``.csv`` or ``.xlsx`` file made by this module."""
    from django.http import HttpResponse

    content_type = XLSX_CONTENT_TYPE if filename.endswith(".xlsx") else CSV_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
