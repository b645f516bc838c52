"""Admin pages of the directory that Wagtail's snippet views do not give: editors, history, reports, suspected
duplicates of national records."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from directory import accounts, national
from directory.history import acting_as
from directory.models import ChangeRecord, Contact, ContactAccount, ErrorReport, Organisation, SuspectedDuplicate
from directory.permissions import (
    CHANGE_ORGANISATION,
    assign_editor,
    can_edit_organisation,
    can_review_duplicates,
    editors_of,
    organisations_editable_by,
    remove_editor,
)
from relais.filters import object_id
from relais.permissions import can, require
from relais.roles import PARTNER_EDITOR


@require_http_methods(["GET", "POST"])
def organisation_editors(request, pk):
    """An admin gives or takes away a partner editor's right to keep this organisation up to date."""
    require(request.user, "directory.assign_editors")
    organisation = get_object_or_404(Organisation, pk=pk)
    User = get_user_model()
    candidates = User.objects.filter(is_active=True, groups__name=PARTNER_EDITOR).order_by("username")
    if request.method == "POST":
        user = User.objects.filter(pk=object_id(request.POST.get("user")) or 0).first()
        if user is None or not candidates.filter(pk=user.pk).exists():
            messages.error(request, _("Choisissez un compte du groupe « éditeur d'un partenaire »."))
        elif request.POST.get("action") == "remove":
            remove_editor(organisation, user)
            messages.success(request, _("%s n'est plus éditeur de cette organisation.") % user.get_username())
        else:
            assign_editor(organisation, user)
            messages.success(request, _("%s peut maintenant tenir cette fiche à jour.") % user.get_username())
        return redirect("directory_organisation_editors", pk=organisation.pk)
    editors = list(editors_of(organisation))
    return TemplateResponse(request, "directory/admin/editors.html", {
        "organisation": organisation, "editors": editors,
        "candidates": [user for user in candidates if user not in editors],
        "page_title": _("Éditeurs de %s") % organisation.name,
    })


@require_http_methods(["GET", "POST"])
def contact_account(request, pk):
    """The pilot or the organisation's editor ties a login account to this contact (or unties it).

    The account is named by its login name, never found from an e-mail address; an editor reaches only the
    contacts of their own organisations (404 otherwise, as for the other directory views).
    """
    contact = get_object_or_404(Contact.objects.select_related("organisation"), pk=pk)
    if not accounts.can_link(request.user, contact):
        raise Http404
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            if accounts.unlink(contact, by=request.user):
                messages.success(request, _("La fiche « %s » n'est plus liée à aucun compte.") % contact.name)
            return redirect("directory_contact_account", pk=contact.pk)
        user = accounts.find_account(request.POST.get("username", ""))
        if user is None:
            messages.error(request, _("Aucun compte actif n'a cet identifiant. Rien n'a été changé."))
        else:
            accounts.link(contact, user, by=request.user, method=ContactAccount.Method.ADMIN)
            messages.success(request, _("La fiche « %(contact)s » est liée au compte %(username)s.")
                             % {"contact": contact.name, "username": user.get_username()})
        return redirect("directory_contact_account", pk=contact.pk)
    link = ContactAccount.objects.select_related("user", "confirmed_by").filter(contact=contact).first()
    return TemplateResponse(request, "directory/admin/contact_account.html", {
        "contact": contact, "link": link,
        "page_title": _("Compte lié à %s") % contact.name,
    })


@require_http_methods(["GET", "POST"])
def confirm_organisation(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    if not can_edit_organisation(request.user, organisation):
        raise PermissionDenied
    if request.method == "POST":
        with acting_as(request.user):
            organisation.confirm(request.user)
        messages.success(request, _("« %s » est confirmée à jour.") % organisation.name)
        return redirect("wagtailsnippets_directory_organisation:list")
    return TemplateResponse(request, "directory/admin/confirm.html", {
        "organisation": organisation, "page_title": _("Confirmer la fiche")})


def change_history(request):
    """Who changed what and when, on the organisations the user may edit (all of them for an admin)."""
    allowed = organisations_editable_by(request.user)
    if not allowed.exists():
        raise PermissionDenied
    records = ChangeRecord.objects.select_related("user", "organisation")
    if not can(request.user, CHANGE_ORGANISATION):  # a global holder sees every record
        records = records.filter(organisation__in=allowed)
    organisation = None
    organisation_id = object_id(request.GET.get("organisation"))
    if organisation_id is not None:
        organisation = get_object_or_404(allowed, pk=organisation_id)
        records = records.filter(organisation=organisation)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return TemplateResponse(request, "directory/admin/history.html", {
        "page": page, "organisation": organisation, "page_title": _("Historique de l'annuaire")})


@require_http_methods(["GET", "POST"])
def error_reports(request):
    allowed = organisations_editable_by(request.user)
    if not allowed.exists():
        raise PermissionDenied
    reports = ErrorReport.objects.filter(organisation__in=allowed).select_related("organisation")
    if request.method == "POST":
        report = get_object_or_404(reports, pk=object_id(request.POST.get("report")) or 0)
        report.handled = True
        report.save(update_fields=["handled"])
        messages.success(request, _("Signalement marqué comme traité."))
        return redirect("directory_error_reports")
    page = Paginator(reports.order_by("handled", "-created_at"), 50).get_page(request.GET.get("page"))
    return TemplateResponse(request, "directory/admin/reports.html", {
        "page": page, "page_title": _("Signalements d'erreur")})


def _duplicate_reviewers_only(view):
    """A real 403 for anyone but the département (Wagtail would turn a PermissionDenied into a redirect to the
    admin home); relais.admin_access logs it."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not can_review_duplicates(request.user):
            return render(request, "403.html", status=403)
        return view(request, *args, **kwargs)

    return checked


def _pairs():
    return SuspectedDuplicate.objects.select_related("local__commune", "incoming__commune", "decided_by")


@_duplicate_reviewers_only
def duplicates(request):
    """The national records suspected to be partners the directory already has: those to examine first, then the
    decisions taken."""
    pairs = _pairs()
    decided = request.GET.get("etat") == "traites"
    if decided:
        pairs = pairs.exclude(decision=SuspectedDuplicate.Decision.PENDING).order_by("-decided_at", "-pk")
    else:
        pairs = pairs.filter(decision=SuspectedDuplicate.Decision.PENDING)
    page = Paginator(pairs, 50).get_page(request.GET.get("page"))
    return TemplateResponse(request, "directory/admin/duplicates.html", {
        "page": page, "decided": decided, "page_title": _("Doublons présumés")})


def _facts(organisation) -> list[tuple[str, str]]:
    commune = organisation.commune.name if organisation.commune_id else ""
    return [
        (_("Nom"), organisation.name),
        (_("Adresse"), ", ".join(filter(None, [organisation.address, organisation.address_complement]))),
        (_("Commune"), " ".join(filter(None, [organisation.postal_code, commune]))),
        (_("SIRET"), organisation.siret),
        (_("Téléphone"), organisation.phone),
        (_("Courriel"), organisation.email),
        (_("Site web"), organisation.website),
        (_("Statut"), organisation.get_status_display()),
        (_("Provenance"), ", ".join(str(row) for row in organisation.provenance.all())
         or (f"{organisation.source} · {organisation.source_id}" if organisation.source_id else _("saisie ici"))),
        (_("Services"), ", ".join(organisation.services.order_by("name").values_list("name", flat=True))),
    ]


@require_http_methods(["GET", "POST"])
@_duplicate_reviewers_only
def duplicate(request, pk):
    """One pair side by side, and the decision: merge (the local record stays and takes the national one's
    services and provenance) or keep apart."""
    pair = get_object_or_404(_pairs(), pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "merge":
                national.merge(pair.pk, request.user)
                messages.success(request, _("« %(incoming)s » est fusionnée dans « %(local)s » ; la fiche nationale "
                                            "est archivée.") % {"incoming": pair.incoming.name,
                                                                "local": pair.local.name})
            elif action == "keep":
                national.keep_apart(pair.pk, request.user)
                messages.success(request, _("« %(incoming)s » et « %(local)s » restent deux fiches distinctes.")
                                 % {"incoming": pair.incoming.name, "local": pair.local.name})
            else:
                messages.error(request, _("Choisissez « Fusionner » ou « Garder séparées »."))
                return redirect("directory_duplicate", pk=pair.pk)
        except national.DecisionError as error:
            messages.error(request, str(error))
        return redirect("directory_duplicates")
    rows = [(label, local, incoming) for (label, local), (_label, incoming)
            in zip(_facts(pair.local), _facts(pair.incoming), strict=True)]
    return TemplateResponse(request, "directory/admin/duplicate.html", {
        "pair": pair, "rows": rows, "page_title": _("Doublon présumé")})
