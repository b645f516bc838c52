"""Public and professional pages of the directory. Thin: the rules live in queries, permissions, history."""

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directory import datainclusion, national, opening, tasks, territories, vocabulary
from directory.forms import ErrorReportForm
from directory.history import acting_as
from directory.models import Contact, Organisation
from directory.permissions import can_edit_organisation
from directory.quality import organisation_completeness
from directory.queries import RADII_KM, parse_search, search_page, visible_contact_levels
from relais import ratelimit, tabular
from relais.links import safe_next
from relais.permissions import can, is_professional

PAGE_SIZE = 20
REPORTS_PER_HOUR = 5


@functools.lru_cache(maxsize=32)
def _translated_filter_choices(language: str) -> dict:
    """The select boxes' themes and publics in ``language``: the vocabulary and the catalogues are fixed for the
    life of the process, so each language's lists are translated once."""
    return {
        "sub_themes": vocabulary.translated_choices(vocabulary.theme_choices()),
        "publics": vocabulary.translated_choices(vocabulary.public_choices()),
        "types": vocabulary.type_choices(),
    }


def _filter_choices():
    return {
        **_translated_filter_choices(get_language()),
        "territoires": list(territories.areas().order_by("code").values_list("code", "name", "kind")),
    }


def directory_list(request):
    """/annuaire/: filters in the URL, a paginated list and (with JavaScript) a map of the same page."""
    search = parse_search(request.GET)
    page = search_page(search, request.GET.get("page"), PAGE_SIZE)
    paginator = page.paginator
    params = request.GET.copy()
    params.pop("page", None)
    view = "carte" if request.GET.get("vue") == "carte" else "liste"
    # One reverse() for the page, not one per card: the slug is the only part that changes.
    url_prefix = reverse("directory:organisation", kwargs={"slug": "-"})[:-2]
    for card in page.object_list:
        card.url = f"{url_prefix}{card.slug}/"
    markers = [{"name": card.name, "url": card.url, "lat": card.latitude, "lng": card.longitude,
                "commune": card.commune_name or ""}
               for card in page.object_list if card.located] if view == "carte" else []
    ignored: dict[str, list[str]] = {}  # the note /recherche/ gives for the same values → the values
    for key, value in search.ignored:
        ignored.setdefault(search.notes[key], []).append(value)
    return render(request, "directory/list.html", {
        "is_professional": is_professional(request.user),
        "search": search, "page": page, "paginator": paginator, "querystring": params.urlencode(),
        "choices": _filter_choices(), "ignored": list(ignored.items()), "view": view, "markers": markers,
        "territory_value": request.GET.get("territoire", "")[:100],
        "near_value": request.GET.get("pres_de", "")[:100], "radii": RADII_KM,
        "list_url": "?" + urlencode([(key, value) for key, values in params.lists() if key != "vue"
                                     for value in values]),
    })


def _organisation_or_404(request, slug):
    queryset = Organisation.objects.select_related("commune__parent", "last_confirmed_by")
    organisation = get_object_or_404(queryset, slug=slug)
    if organisation.status != Organisation.Status.PUBLISHED and not can_edit_organisation(request.user, organisation):
        raise Http404
    return organisation


def organisation_detail(request, slug):
    organisation = _organisation_or_404(request, slug)
    levels = visible_contact_levels(request.user)
    contacts = Contact.objects.filter(visibility__in=levels)
    services = list(organisation.services.published().order_by("name").select_related("commune").prefetch_related(
        Prefetch("contacts", queryset=contacts, to_attr="visible_contacts")))
    closure = opening.closure_of(organisation)
    for service in services:  # only the hours that differ from the organisation's
        service.own_hours = opening.service_hours(service)
        service.hours = opening.describe(service.own_hours, closure=closure) if service.own_hours else None
    org_contacts = list(contacts.filter(organisation=organisation, service__isnull=True))
    professional = is_professional(request.user)
    can_edit = can_edit_organisation(request.user, organisation)
    return render(request, "directory/detail.html", {
        "organisation": organisation, "services": services, "contacts": org_contacts,
        "hours": opening.describe(organisation.opening_hours, closure=closure),
        "notice_active": organisation.notice_is_active(),
        "territories": list(organisation.territories.order_by("name").values_list("name", flat=True)),
        "is_professional": professional,
        "can_edit": can_edit,
        "completeness": organisation_completeness(organisation, services) if can_edit else None,
        "is_stale": professional and organisation.is_stale(),
        "report_form": ErrorReportForm(),
        "provenance": national.provenance_line(organisation),
        "marker": {"name": organisation.name, "lat": organisation.latitude, "lng": organisation.longitude}
        if organisation.latitude is not None and organisation.longitude is not None else None,
    })


@require_POST
def report_error(request, slug):
    organisation = _organisation_or_404(request, slug)
    form = ErrorReportForm(request.POST)
    if form.is_bot():
        return redirect(organisation.get_absolute_url())  # say nothing, store nothing
    if not form.is_valid():
        return render(request, "directory/report_error.html", {"organisation": organisation, "form": form},
                      status=400)
    if not ratelimit.hit(request, "directory:reports", REPORTS_PER_HOUR, 3600):
        messages.error(request, _("Tu as déjà envoyé plusieurs signalements : réessaie dans une heure."))
        return redirect(organisation.get_absolute_url() + "#signaler")
    report = form.save(commit=False)
    report.organisation = organisation
    report.save()
    tasks.notify_error_report.enqueue(report.pk)
    messages.success(request, _("Merci ! Ton signalement a été transmis aux personnes qui tiennent la fiche à jour."))
    return redirect(organisation.get_absolute_url())


@require_POST
def confirm_up_to_date(request, slug):
    """One click for an editor: "the record is still right"."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not can_edit_organisation(request.user, organisation):
        raise Http404
    with acting_as(request.user):
        organisation.confirm(request.user)
    messages.success(request, _("Merci : la fiche est confirmée à jour au %s.") % timezone.localdate().strftime(
        "%d/%m/%Y"))
    return redirect(safe_next(request, organisation.get_absolute_url(), target=request.POST.get("next", "")))


def export_json(request):
    """Open data: the published, public part of the directory in data·inclusion v1, streamed as it is read."""
    response = StreamingHttpResponse(datainclusion.json_chunks(), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def export_csv(request):
    """The same public part as CSV, for professionals holding ``directory.export_directory``."""
    if not can(request.user, "directory.export_directory"):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("relais:login"))
        raise Http404
    response = StreamingHttpResponse(datainclusion.csv_chunks(), content_type=tabular.CSV_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="annuaire.csv"'
    return response

