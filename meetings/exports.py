"""Feuille d'émargement of a session: PDF (WeasyPrint), CSV and XLSX (openpyxl), from the same rows; a
training's sheet and each trainee's attendance certificate (attestation de présence).

The PDFs are archival (PDF/A, ``ARCHIVE_VARIANT``) and each page's footer carries the fingerprint of the
records it shows (meetings.evidence).
"""

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import evidence
from meetings.models import Attendance, DrawnSignature, HalfDaySignature, Invitation, Meeting
from meetings.queries import sheet_history
from meetings.services import clock
from relais import pdf, tabular


@dataclass
class SheetRow:
    organisation: str
    person: str
    seat: str
    voting: str
    youth: bool
    status: str
    represented_by: str
    arrived_at: str
    left_at: str
    recorded_at: str
    recorded_by: str
    recorded_via: str
    reply: str
    expected: bool
    half_days: list[bool] = field(default_factory=list)
    signature: str = ""  # the drawn signature as an SVG data: URI (PDF), "" when none
    signed: str = ""  # "Signé à 14:05" / "Présence certifiée à 14:05"
    half_day_signatures: list[tuple[str, str]] = field(default_factory=list)  # (svg data URI, label) per half-day
    attended_minutes: int = 0  # a training: the length of the half-days signed

    @property
    def attended(self) -> str:
        return hours_text(self.attended_minutes)


# WeasyPrint's PDF/A-3B: fonts embedded, colours in sRGB, XMP metadata declaring the conformance.
ARCHIVE_VARIANT = "pdf/a-3b"


def hours_text(minutes: int) -> str:
    """7 h, 3 h 30, 0 h."""
    hours, rest = divmod(int(minutes), 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def attended_minutes(half_days, signed_flags) -> int:
    return sum(hd.minutes for hd, signed in zip(half_days, signed_flags, strict=True) if signed)


def _recorder(att) -> str:
    if att is None or att.recorded_by_id is None:
        return ""
    return att.recorded_by.get_full_name() or att.recorded_by.get_username()


def _times(meeting: Meeting, att) -> dict:
    """Arrival and departure (as they happened) apart from when the row was recorded and by whom."""
    if att is None:
        return {"arrived_at": "", "left_at": "", "recorded_at": "", "recorded_by": ""}
    recorded = timezone.localtime(att.recorded_at).strftime("%d/%m/%Y %H:%M") if att.recorded_at else ""
    return {"arrived_at": clock(meeting, att.arrived_at), "left_at": clock(meeting, att.left_at),
            "recorded_at": recorded, "recorded_by": _recorder(att)}


def sheet_rows(meeting: Meeting) -> list[SheetRow]:
    invitations = meeting.invitations.select_related(
        "organisation", "attendance", "attendance__recorded_by", "attendance__represented_by_organisation",
    ).order_by("is_youth_seat", "organisation__name", "position", "pk")
    half_days = list(meeting.half_days.all()) if meeting.body.is_training else []
    signed = set(HalfDaySignature.objects.filter(half_day__meeting=meeting).values_list("half_day_id", "person_key"))
    drawn = {(sig.half_day_id, sig.person_key): sig
             for sig in DrawnSignature.objects.filter(meeting=meeting, voided_at__isnull=True)}

    def signed_label(sig) -> str:
        return _signed_label(meeting, sig.signed_at, sig.certified) if sig is not None else ""

    def drawing(sig) -> str:
        return sig.svg_data_uri() if sig is not None and not sig.certified else ""

    def signatures(key) -> dict:
        session = drawn.get((None, key))
        per_half_day = [drawn.get((hd.pk, key)) for hd in half_days]
        return {"signature": drawing(session), "signed": signed_label(session),
                "half_day_signatures": [(drawing(sig), signed_label(sig)) for sig in per_half_day]}

    rows = []
    for inv in invitations:
        att = getattr(inv, "attendance", None) if hasattr(inv, "attendance") else None
        rows.append(SheetRow(**signatures(inv.person_key),
            organisation=inv.organisation.name if inv.organisation_id else _("Jeune accompagné·e"),
            person=str(inv.display_name), seat=inv.get_seat_display() if not inv.is_youth_seat else _("Siège jeune"),
            voting=_("délibérative") if inv.voting else _("consultative"), youth=inv.is_youth_seat,
            status=att.get_status_display() if att else _("Non pointé·e"),
            represented_by=att.representation_label if att else "", **_times(meeting, att),
            recorded_via=att.get_recorded_via_display() if att else "", reply=inv.get_reply_display(),
            expected=True, half_days=[(hd.pk, inv.person_key) in signed for hd in half_days]))
        rows[-1].attended_minutes = attended_minutes(half_days, rows[-1].half_days)
    walk_ins = Attendance.objects.filter(meeting=meeting, invitation=None).select_related(
        "organisation", "recorded_by", "represented_by_organisation")
    for att in walk_ins:
        rows.append(SheetRow(**signatures(att.person_key),
            organisation=att.organisation_label, person=att.person_name,
            seat=_("Non convoqué·e"), voting="", youth=False, status=att.get_status_display(),
            represented_by=att.representation_label, **_times(meeting, att),
            recorded_via=att.get_recorded_via_display(), reply="", expected=False,
            half_days=[(hd.pk, att.person_key) in signed for hd in half_days]))
    return rows


def _header(meeting: Meeting) -> list[str]:
    cols = [_("Organisation"), _("Personne"), _("Siège"), _("Voix"), _("Présence"), _("Représenté·e par"),
            _("Arrivée"), _("Départ"), _("Enregistré le"), _("Enregistré par"), _("Voie d'enregistrement"),
            _("Réponse à la convocation")]
    cols += [str(hd) for hd in meeting.half_days.all()] if meeting.body.is_training else []
    return cols


def _values(row: SheetRow) -> list[str]:
    return [row.organisation, row.person, row.seat, row.voting, row.status, row.represented_by, row.arrived_at,
            row.left_at, row.recorded_at, row.recorded_by, row.recorded_via, row.reply,
            *[_("signé") if s else "" for s in row.half_days]]


def to_csv(rows: list[SheetRow], meeting: Meeting | None = None) -> bytes:
    """French Excel CSV; names typed as formulas come out inert (relais.tabular)."""
    header = _header(meeting) if rows is not None and meeting is not None else None
    return tabular.csv_bytes((_values(row) for row in rows), header=header)


def to_xlsx(meeting: Meeting, rows: list[SheetRow]) -> bytes:
    from openpyxl.styles import Font

    wb = tabular.workbook()
    ws = wb.active
    ws.title = _("Émargement")
    local = timezone.localtime(meeting.starts_at)
    ws.append([meeting.body.name])
    ws.append([_("Séance du %(date)s, %(start)s–%(end)s") % {
        "date": local.strftime("%d/%m/%Y"), "start": local.strftime("%H:%M"),
        "end": timezone.localtime(meeting.ends_at).strftime("%H:%M")}])
    ws.append([])
    ws.append(_header(meeting))
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(_values(row))
    for column, width in zip("ABCDEFGHIJKL", (34, 26, 14, 14, 16, 24, 8, 8, 16, 18, 16, 22), strict=True):
        ws.column_dimensions[column].width = width
    return tabular.xlsx_bytes(wb)


def footer_text(digest: str) -> str:
    """The line at the foot of each page (it goes into a CSS string: hexadecimal and plain words only)."""
    text = _("Empreinte SHA-256 : %(short)s (vérification : manage.py verify_emargement)") % {
        "short": evidence.short(digest)}
    return text.replace("\\", "").replace('"', "")


# A training sheet puts this many half-days side by side; more go into the next table.
HALF_DAYS_PER_TABLE = 6


def render_pdf_html(meeting: Meeting, rows: list[SheetRow]) -> str:
    local = timezone.localtime(meeting.starts_at)
    half_days = list(meeting.half_days.all()) if meeting.body.is_training else []
    digest = evidence.fingerprint(meeting)
    context = {
        "meeting": meeting, "body": meeting.body, "rows": rows, "starts": local,
        "ends": timezone.localtime(meeting.ends_at), "half_days": half_days,
        "generated_at": timezone.localtime(), "digest": digest, "footer": footer_text(digest),
    }
    if not meeting.body.is_training:
        return render_to_string("meetings/emargement_pdf.html", context)
    trainer = {sig.half_day_id: sig for sig in DrawnSignature.objects.filter(
        meeting=meeting, person_key=DrawnSignature.TRAINER_KEY, voided_at__isnull=True)}
    for hd in half_days:
        sig = trainer.get(hd.pk)
        hd.trainer_drawing = sig.svg_data_uri() if sig is not None and not sig.certified else ""
        if sig is not None:
            hd.trainer_signed = _signed_label(meeting, sig.signed_at, sig.certified)
        else:  # ticked on the sheet without drawing
            hd.trainer_signed = _signed_label(meeting, hd.trainer_signed_at, False) if hd.trainer_signed_at else ""
    context["total"] = hours_text(sum(hd.minutes for hd in half_days))
    context["trainees"] = [row for row in rows if not row.youth]
    context["tables"] = [_training_table(half_days, context["trainees"], start)
                         for start in range(0, max(len(half_days), 1), HALF_DAYS_PER_TABLE)]
    return render_to_string("meetings/emargement_formation_pdf.html", context)


def _signed_label(meeting: Meeting, when, certified: bool) -> str:
    label = _("Présence certifiée à %(t)s") if certified else _("Signé à %(t)s")
    return label % {"t": clock(meeting, when)}


def _training_table(half_days, rows, start: int) -> dict:
    """One table of the training sheet: up to HALF_DAYS_PER_TABLE half-days, each trainee's cells for them."""
    end = start + HALF_DAYS_PER_TABLE
    cells = []
    for row in rows:
        signatures = row.half_day_signatures[start:end]
        cells.append((row, [(signed, *signature) for signed, signature
                            in zip(row.half_days[start:end], signatures, strict=True)]))
    return {"half_days": half_days[start:end], "rows": cells}


def to_pdf(meeting: Meeting, rows: list[SheetRow]) -> bytes:
    """Rendered by relais.pdf as PDF/A: names typed by members never make the server fetch a URL."""
    return pdf.render_pdf(render_pdf_html(meeting, rows), variant=ARCHIVE_VARIANT)


# --- Attendance certificate of a trainee -------------------------------------------------------------

def certificate_context(meeting: Meeting, invitation: Invitation) -> dict:
    """What the certificate of ``invitation`` states: the half-days of the training, those signed, the hours."""
    half_days = list(meeting.half_days.all())
    signed = set(HalfDaySignature.objects.filter(half_day__meeting=meeting, person_key=invitation.person_key)
                 .values_list("half_day_id", flat=True))
    lines = [(hd, hd.pk in signed) for hd in half_days]
    digest = evidence.fingerprint(meeting, invitation.person_key)
    return {
        "meeting": meeting, "body": meeting.body, "invitation": invitation, "lines": lines,
        "attended": hours_text(sum(hd.minutes for hd, ok in lines if ok)),
        "total": hours_text(sum(hd.minutes for hd in half_days)),
        "first": half_days[0].date if half_days else timezone.localtime(meeting.starts_at).date(),
        "last": half_days[-1].date if half_days else timezone.localtime(meeting.ends_at).date(),
        "generated_at": timezone.localtime(), "digest": digest, "footer": footer_text(digest),
    }


def certificate_html(meeting: Meeting, invitation: Invitation) -> str:
    return render_to_string("meetings/attestation_pdf.html", certificate_context(meeting, invitation))


def certificate_pdf(meeting: Meeting, invitation: Invitation) -> bytes:
    return pdf.render_pdf(certificate_html(meeting, invitation), variant=ARCHIVE_VARIANT)


def history_header() -> list[str]:
    return [_("Date et heure"), _("Par"), _("Voie"), _("Objet"), _("Personne"), _("Champ"), _("Avant"), _("Après"),
            _("Motif")]


def history_rows(meeting: Meeting) -> list[list[str]]:
    """The session's append-only history, one line per change, as the auditor reads it."""
    return [[timezone.localtime(event.at).strftime("%d/%m/%Y %H:%M:%S"), event.by_name,
             event.get_via_display(), event.get_kind_display(), event.person_name, event.field, event.old_value,
             event.new_value, event.reason] for event in sheet_history(meeting)]


def history_csv(meeting: Meeting) -> bytes:
    return tabular.csv_bytes(history_rows(meeting), header=history_header())
