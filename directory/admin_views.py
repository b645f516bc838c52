"""Admin pages of the directory that Wagtail's snippet views do not give: editors, history, reports."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from directory import accounts
from directory.history import acting_as
from directory.models import ChangeRecord, Contact, ContactAccount, ErrorReport, Organisation
from directory.permissions import (
    CHANGE_ORGANISATION,
    assign_editor,
    can_edit_organisation,
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
