"""The attendance sheet as a download (CSV, XLSX, PDF), its history (CSV) and a trainee's attendance
certificate (PDF), built by meetings.exports; the body's secretaries only (``managed_meeting``)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone

from meetings import exports
from meetings.views.common import managed_meeting
from relais import tabular


@login_required
def export(request, pk, fmt):
    meeting = managed_meeting(request, pk)
    rows = exports.sheet_rows(meeting)
    name = f"emargement-{meeting.body.slug}-{timezone.localtime(meeting.starts_at):%Y-%m-%d}"
    if fmt == "csv":
        return tabular.download(exports.to_csv(rows, meeting), f"{name}.csv")
    if fmt == "xlsx":
        return tabular.download(exports.to_xlsx(meeting, rows), f"{name}.xlsx")
    if fmt != "pdf":
        raise Http404
    return _pdf(exports.to_pdf(meeting, rows), name)


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required
def certificate(request, pk, invitation):
    """The attendance certificate (attestation de présence) of one trainee of a training session."""
    meeting = managed_meeting(request, pk)
    trainee = meeting.invitations.filter(pk=invitation, is_youth_seat=False).select_related("organisation").first()
    if not meeting.body.is_training or trainee is None:
        raise Http404
    name = f"attestation-{meeting.body.slug}-{timezone.localtime(meeting.starts_at):%Y-%m-%d}-{trainee.pk}"
    return _pdf(exports.certificate_pdf(meeting, trainee), name)


@login_required
def history(request, pk):
    """The session's attendance history (append-only) as CSV, for the auditor; the secretaries' only."""
    meeting = managed_meeting(request, pk)
    name = f"historique-emargement-{meeting.body.slug}-{timezone.localtime(meeting.starts_at):%Y-%m-%d}"
    return tabular.download(exports.history_csv(meeting), f"{name}.csv")
