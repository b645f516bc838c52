"""Minutes (a new version at each save), decisions and actions of a session."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import QueryDict
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from meetings import queries, services
from meetings.forms import ActionForm, ActionStatusForm, DecisionForm, MinutesForm
from meetings.models import Action
from meetings.permissions import can_manage_body
from meetings.views.common import managed_meeting
from relais.links import safe_next

# A request body above Django's DATA_UPLOAD_MAX_MEMORY_SIZE is still read, up to this bound, so that the
# form can refuse the text in French and give it back; beyond it the text cannot be kept.
OVERSIZED_READ_LIMIT = 20 * 1024 * 1024


def _oversized_post(request) -> QueryDict | None:
    """The form of a POST larger than DATA_UPLOAD_MAX_MEMORY_SIZE (read up to OVERSIZED_READ_LIMIT)."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > OVERSIZED_READ_LIMIT or request.content_type != "application/x-www-form-urlencoded":
        return None
    return QueryDict(request.read(length), encoding=request.encoding or settings.DEFAULT_CHARSET)


def _checked(request):
    """Placeholder view for the CSRF check run after the body was read (see minutes_edit)."""


@csrf_exempt  # checked below, once an oversized body has been read: the middleware would answer a bare 400
@login_required
def minutes_edit(request, pk):
    meeting = managed_meeting(request, pk)
    current = meeting.minutes_versions.first()
    data = None
    if request.method == "POST":
        try:
            data = request.POST
        except RequestDataTooBig:
            data = _oversized_post(request)
            if data is None:
                messages.error(request, _("Le compte rendu envoyé est trop volumineux pour être lu (plus de "
                                          "%(mb)d Mo) : il n'a pas été enregistré.") % {"mb": OVERSIZED_READ_LIMIT
                                                                                      // (1024 * 1024)})
                return redirect("meetings:minutes", meeting.pk)
            request._post = data
        refused = CsrfViewMiddleware(lambda r: None).process_view(request, _checked, (), {})
        if refused is not None:
            return refused
    form = MinutesForm(data, initial={"text": MinutesForm.as_plain_text(current.text) if current else ""})
    if request.method == "POST" and form.is_valid():
        version = services.save_minutes(meeting, form.as_rich_text(), by=request.user)
        messages.success(request, _("Compte rendu enregistré (version %(v)d).") % {"v": version.version})
        return redirect(meeting)
    return render(request, "meetings/minutes_edit.html", {"meeting": meeting, "form": form, "current": current})


@login_required
@require_POST
def decision_add(request, pk):
    meeting = managed_meeting(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        meeting.decisions.create(text=form.cleaned_data["text"])
        messages.success(request, _("Décision ajoutée."))
    else:
        messages.error(request, _("Écrivez la décision."))
    return redirect(meeting)


@login_required
@require_POST
def action_add(request, pk):
    meeting = managed_meeting(request, pk)
    form = ActionForm(request.POST, organisations=queries.member_organisations(meeting))
    if form.is_valid():
        action = form.save(commit=False)
        action.meeting, action.body = meeting, meeting.body
        action.save()
        messages.success(request, _("Action ajoutée."))
    else:
        messages.error(request, _("Action non ajoutée : vérifiez l'intitulé, l'organisation et l'échéance."))
    return redirect(meeting)


@login_required
@require_POST
def action_status(request, pk):
    action = get_object_or_404(Action.objects.select_related("meeting", "body"), pk=pk)
    if not can_manage_body(request.user, action.body):
        raise PermissionDenied
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        action.status = form.cleaned_data["status"]
        action.save(update_fields=["status"])
        messages.success(request, _("État de l'action mis à jour."))
    else:
        messages.error(request, _("État inconnu."))
    back = safe_next(request, "")
    return redirect(back if back.startswith("/instances/") else action.meeting.get_absolute_url())
