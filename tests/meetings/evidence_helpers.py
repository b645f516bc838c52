"""What the evidence suites share: a session at a chosen local hour, the sheet's and exports' text."""

import csv
import html
import io
import re
from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from meetings import exports
from relais import pdf
from relais.links import absolute_url
from tests import builders


def session_at(body, day_offset: int, start: time = time(14, 0), hours: int = 2):
    """A convened session of ``body`` on today + ``day_offset`` from ``start`` (local time) for ``hours``."""
    day = timezone.localdate() + timedelta(days=day_offset)
    begin = timezone.make_aware(datetime.combine(day, start))
    return builders.make_meeting(body, start=begin, hours=hours, convene=True, place="MDS de l'Artois")


def page_text(response) -> str:
    """The visible text of a page, entities decoded, spaces collapsed (what a reader sees, roughly)."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", response.content.decode(), flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(html.unescape(text).split())
    return text.replace("( ", "(").replace(" )", ")")


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def sheet_csv(client, meeting) -> dict[str, dict[str, str]]:
    """The sheet's CSV export, one dict (header → cell) per person."""
    response = client.get(reverse("meetings:export", args=[meeting.pk, "csv"]))
    assert response.status_code == 200
    header, *rows = csv_rows(response)
    return {row[1]: dict(zip(header, row, strict=False)) for row in rows}


def pdf_text(meeting) -> str:
    """The text laid out on the pages of the sheet's PDF, as WeasyPrint places it (relais.pdf's fetcher)."""
    from weasyprint import HTML

    source = exports.render_pdf_html(meeting, exports.sheet_rows(meeting))
    document = HTML(string=source, base_url=absolute_url("/"), url_fetcher=pdf.offline_fetcher()).render()
    chunks = []

    def walk(box):
        text = getattr(box, "text", None)
        if isinstance(text, str):
            chunks.append(text)
        for child in getattr(box, "children", None) or ():
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(" ".join(chunks).split())


def hhmm(when) -> str:
    return timezone.localtime(when).strftime("%H:%M")


def pdf_drawings(content: bytes) -> str:
    """The decompressed page content streams of a PDF: a drawn signature appears there as path operators
    ("10 50 m" then "60 20 l"…), in the SVG box's coordinates."""
    import zlib

    found = []
    # The end-of-line before "endstream" is left in and ignored by the decompressor (bytes after the end of the
    # compressed data): taking "\r\n" off with a pattern cut a stream whose last compressed byte is 0x0D, and
    # its drawing went missing (a signature read as absent one time in a few hundred).
    for match in re.finditer(rb"(?<!end)stream\r?\n(.*?)endstream", content, re.S):
        try:
            found.append(zlib.decompressobj().decompress(match.group(1)).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(found)


def stroke_ops(stroke) -> str:
    """The PDF path operators of one stroke, as WeasyPrint writes them."""
    (x0, y0), *rest = stroke
    return "\n".join([f"{x0:g} {y0:g} m", *(f"{x:g} {y:g} l" for x, y in rest)])
