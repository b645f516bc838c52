"""The directory in the Wagtail admin, in French.

Partner editors see and edit only their organisations and those organisations' services and contacts:
listings are filtered by the permission policies of directory.permissions, every object view checks the
object, and the organisation choices of service and contact forms are narrowed to the editor's own.
Writes are attributed in the history (directory.history) through ``acting_as``.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from directory import admin_views, history, vocabulary
from directory.history import acting_as
from directory.models import Contact, Organisation, Service, SuspectedDuplicate, Territory
from directory.permissions import can_review_duplicates, organisations_editable_by
from directory.validators import validate_opening_hours
from relais.admin_access import ScopedSnippetChooserViewSet
from relais.permissions import can


class ObjectPermissionMixin:
    """Answer 404 for any object view on a record the user may not change or view (Wagtail would turn a 403
    into a redirect; a 404 also does not reveal that the record exists)."""

    object_actions = ("change", "view")

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        policy = self.permission_policy
        if policy and not policy.user_has_any_permission_for_instance(self.request.user, self.object_actions, obj):
            raise Http404
        return obj


class TrackedWriteMixin:
    """Attribute the saves and deletions made by this view to the logged-in user."""

    def dispatch(self, request, *args, **kwargs):
        with acting_as(request.user):
            return super().dispatch(request, *args, **kwargs)


class EditView(TrackedWriteMixin, ObjectPermissionMixin, snippet_views.EditView):
    def get_history_url(self):
        return history.admin_url(self.object)


class CreateView(TrackedWriteMixin, snippet_views.CreateView):
    pass


class DeleteView(TrackedWriteMixin, ObjectPermissionMixin, snippet_views.DeleteView):
    object_actions = ("delete",)


class HistoryView(ObjectPermissionMixin, snippet_views.HistoryView):
    """A record has one history, the directory's (field-level changes, erased with personal data): Wagtail's
    history link opens it."""

    def get(self, request, *args, **kwargs):
        return redirect(history.admin_url(self.object))


class UsageView(ObjectPermissionMixin, snippet_views.UsageView):
    pass


class InspectView(ObjectPermissionMixin, snippet_views.InspectView):
    pass


class CopyView(TrackedWriteMixin, ObjectPermissionMixin, snippet_views.CopyView):
    pass


class ScopedViewSet(SnippetViewSet):
    chooser_viewset_class = ScopedSnippetChooserViewSet
    edit_view_class = EditView
    add_view_class = CreateView
    delete_view_class = DeleteView
    history_view_class = HistoryView
    usage_view_class = UsageView
    inspect_view_class = InspectView
    copy_view_class = CopyView

    def get_queryset(self, request):
        policy = self.permission_policy
        return policy.instances_user_has_any_permission_for(request.user, ["change", "view"])


class OwnOrganisationsForm(forms.ModelForm):
    """Narrow the organisation (and service) choices to the organisations the user may edit."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and "organisation" in self.fields:
            allowed = organisations_editable_by(for_user)
            self.fields["organisation"].queryset = allowed
            if "service" in self.fields:
                self.fields["service"].queryset = Service.objects.filter(organisation__in=allowed).select_related(
                    "organisation")


class ImportedHoursForm(forms.ModelForm):
    """Opening hours imported as free text ("lundi au vendredi 9h-17h", which data·inclusion allows) stay as they
    are when the editor saves other changes, with a note asking for the OpenStreetMap form; a new or changed
    value must be OpenStreetMap syntax."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("opening_hours")
        if field is not None and self._free_text_hours():
            field.help_text = _("Horaires importés en texte libre, affichés tels quels sans « ouvert maintenant ». "
                                "Réécrivez-les au format OpenStreetMap, ex. « Mo-Fr 09:00-12:00,14:00-17:00; PH "
                                "off », pour afficher l'ouverture en cours.")

    def _free_text_hours(self) -> bool:
        value = getattr(self.instance, "opening_hours", "") or ""
        try:
            validate_opening_hours(value)
        except ValidationError:
            return True
        return False

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        if "opening_hours" not in self.changed_data and self._free_text_hours():
            exclusions.add("opening_hours")
        return exclusions


class ListOfCodesField(forms.MultipleChoiceField):
    """A JSON list of vocabulary codes edited as checkboxes."""

    def prepare_value(self, value):
        return value or []


class ServiceForm(ImportedHoursForm, OwnOrganisationsForm):
    thematiques = ListOfCodesField(label=_("Thématiques"), required=False, widget=forms.CheckboxSelectMultiple,
                                   choices=vocabulary.theme_choices)
    publics = ListOfCodesField(label=_("Publics"), required=False, widget=forms.CheckboxSelectMultiple,
                               choices=vocabulary.public_choices)
    modes_accueil = ListOfCodesField(label=_("Modes d'accueil"), required=False,
                                     widget=forms.CheckboxSelectMultiple, choices=vocabulary.mode_accueil_choices)
    modes_mobilisation = ListOfCodesField(label=_("Comment mobiliser le service"), required=False,
                                          widget=forms.CheckboxSelectMultiple,
                                          choices=vocabulary.mode_mobilisation_choices)
    mobilisable_par = ListOfCodesField(label=_("Mobilisable par"), required=False,
                                       widget=forms.CheckboxSelectMultiple, choices=vocabulary.mobilisable_par_choices)
    zone_eligibilite = forms.CharField(
        label=_("Zone d'éligibilité"), required=False,
        help_text=_("Codes COG séparés par des espaces : communes (62041), départements (62), EPCI (SIREN)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk and "zone_eligibilite" in self.fields:
            self.initial["zone_eligibilite"] = " ".join(self.instance.zone_eligibilite or [])

    def clean_zone_eligibilite(self):
        codes = [code.strip() for code in (self.cleaned_data.get("zone_eligibilite") or "").replace(",", " ").split()]
        bad = [code for code in codes if not (code.isalnum() and len(code) in (2, 3, 5, 9))]
        if bad:
            raise forms.ValidationError(_("Codes non reconnus : %s") % ", ".join(bad))
        return codes


class ProvenancePanel(HelpPanel):
    """Where the record comes from (read only): each national record it carries (producer, id, the producer's
    date_maj, link; directory.national), or the source of an import, or "saisie dans l'annuaire"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("template", "directory/admin/provenance_panel.html")
        super().__init__(**kwargs)

    class BoundPanel(HelpPanel.BoundPanel):
        def is_shown(self):
            return self.instance is not None and self.instance.pk is not None

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["instance"] = self.instance
            context["provenance"] = list(self.instance.provenance.all())
            context["pending"] = (SuspectedDuplicate.objects.filter(
                decision=SuspectedDuplicate.Decision.PENDING).filter(
                models.Q(local=self.instance) | models.Q(incoming=self.instance)).count()
                if can_review_duplicates(self.request.user) else 0)
            return context


class OrganisationViewSet(ScopedViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    add_to_admin_menu = False
    list_display = ["name", "typologie", "commune", "status", Column("last_confirmed_at", label=_("Confirmée le"))]
    list_filter = ["status", "typologie"]
    search_fields = ["name", "description"]
    ordering = ["name"]
    panels = [
        MultiFieldPanel([FieldPanel("name"), FieldPanel("slug"), FieldPanel("status"), FieldPanel("typologie"),
                         FieldPanel("siret"), FieldPanel("description")], heading=_("Identité")),
        MultiFieldPanel([FieldPanel("address"), FieldPanel("address_complement"),
                         FieldRowPanel([FieldPanel("postal_code"), FieldPanel("commune")]),
                         FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                         FieldPanel("territories")], heading=_("Adresse et territoire desservi")),
        MultiFieldPanel([FieldPanel("phone"), FieldPanel("email"), FieldPanel("website"),
                         FieldPanel("opening_hours"), FieldPanel("accessibility"), FieldPanel("accessibility_url")],
                        heading=_("Contact, horaires, accessibilité")),
        MultiFieldPanel([FieldPanel("notice"), FieldRowPanel([FieldPanel("notice_starts_on"),
                                                              FieldPanel("notice_ends_on")])],
                        heading=_("Avis temporaire")),
        MultiFieldPanel([FieldRowPanel([FieldPanel("closed_from"), FieldPanel("closed_until")]),
                         FieldPanel("closure_note")],
                        heading=_("Fermeture temporaire"),
                        help_text=_("Pendant ces dates, la fiche affiche « Fermé jusqu'au … » et la prochaine "
                                    "ouverture après la fermeture.")),
        ProvenancePanel(heading=_("Provenance")),
    ]

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        return type("OrganisationAdminForm", (ImportedHoursForm, form_class), {})


class ServiceViewSet(ScopedViewSet):
    model = Service
    icon = "list-ul"
    menu_label = _("Services")
    list_display = ["name", "organisation", "status"]
    list_filter = ["status"]
    search_fields = ["name", "description"]
    panels = [
        FieldPanel("organisation"), FieldPanel("name"), FieldPanel("status"), FieldPanel("description"),
        MultiFieldPanel([FieldPanel("thematiques"), FieldPanel("publics"), FieldPanel("publics_precisions"),
                         FieldRowPanel([FieldPanel("age_min"), FieldPanel("age_max")])],
                        heading=_("Pour qui, pour quoi")),
        MultiFieldPanel([FieldPanel("conditions_acces"), FieldRowPanel([FieldPanel("frais"),
                                                                        FieldPanel("frais_precisions")]),
                         FieldPanel("modes_accueil"), FieldPanel("modes_mobilisation"), FieldPanel("mobilisable_par"),
                         FieldPanel("mobilisation_precisions"), FieldPanel("lien_mobilisation")],
                        heading=_("Accès et orientation")),
        MultiFieldPanel([FieldPanel("zone_eligibilite"), FieldPanel("opening_hours"), FieldPanel("phone"),
                         FieldPanel("email")], heading=_("Zone, horaires, contact")),
        MultiFieldPanel([FieldPanel("address"), FieldPanel("address_complement"),
                         FieldRowPanel([FieldPanel("postal_code"), FieldPanel("commune")]),
                         FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")])],
                        heading=_("Lieu du service, s'il n'est pas à l'adresse de l'organisation")),
    ]

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        return type("ServiceAdminForm", (ServiceForm, form_class), {})


class ContactViewSet(ScopedViewSet):
    model = Contact
    icon = "user"
    menu_label = _("Contacts")
    list_display = ["name", "role", "organisation", "visibility"]
    list_filter = ["visibility"]
    search_fields = ["name", "role"]
    panels = [FieldPanel("organisation"), FieldPanel("service"), FieldPanel("name"), FieldPanel("role"),
              FieldPanel("email"), FieldPanel("phone"), FieldPanel("visibility"), FieldPanel("position")]

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        return type("ContactAdminForm", (OwnOrganisationsForm, form_class), {})


class TerritoryViewSet(SnippetViewSet):
    model = Territory
    chooser_viewset_class = ScopedSnippetChooserViewSet
    icon = "site"
    menu_label = _("Territoires")
    list_display = ["name", "code", "kind", "parent", "centre_note"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    panels = [FieldPanel("kind"), FieldPanel("code"), FieldPanel("name"), FieldPanel("slug"), FieldPanel("parent"),
              FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
              FieldRowPanel([FieldPanel("centre_source"), FieldPanel("centre_note")]), FieldPanel("postal_codes"),
              FieldPanel("population"), FieldPanel("epci")]


class DirectoryGroup(SnippetViewSetGroup):
    items = (OrganisationViewSet, ServiceViewSet, ContactViewSet, TerritoryViewSet)
    menu_label = _("Annuaire")
    menu_icon = "group"
    menu_order = 300


register_snippet(DirectoryGroup)


@hooks.register("register_admin_urls")
def directory_admin_urls():
    return [
        path("annuaire/organisation/<int:pk>/editeurs/", admin_views.organisation_editors,
             name="directory_organisation_editors"),
        path("annuaire/organisation/<int:pk>/confirmer/", admin_views.confirm_organisation,
             name="directory_organisation_confirm"),
        path("annuaire/contact/<int:pk>/compte/", admin_views.contact_account, name="directory_contact_account"),
        path("annuaire/historique/", admin_views.change_history, name="directory_history"),
        path("annuaire/signalements/", admin_views.error_reports, name="directory_error_reports"),
        path("annuaire/doublons/", admin_views.duplicates, name="directory_duplicates"),
        path("annuaire/doublons/<int:pk>/", admin_views.duplicate, name="directory_duplicate"),
    ]


@hooks.register("register_log_actions")
def one_history(actions):
    history.silence_wagtail_log(actions)


@hooks.register("register_snippet_listing_buttons")
def contact_listing_buttons(snippet, user, next_url=None):
    if not isinstance(snippet, Contact):
        return []
    return [ListingButton(_("Compte lié"), reverse("directory_contact_account", args=[snippet.pk]),
                          icon_name="user", priority=50)]


@hooks.register("register_snippet_listing_buttons")
def organisation_listing_buttons(snippet, user, next_url=None):
    if not isinstance(snippet, Organisation):
        return []
    buttons = [
        ListingButton(_("Confirmer à jour"), reverse("directory_organisation_confirm", args=[snippet.pk]),
                      icon_name="tick", priority=5),
        ListingButton(_("Historique"), history.admin_url(snippet), icon_name="history", priority=60),
        ListingButton(_("Voir la fiche publique"), snippet.get_absolute_url(), icon_name="view", priority=70),
    ]
    if can(user, "directory.assign_editors"):
        buttons.append(ListingButton(_("Éditeurs"), reverse("directory_organisation_editors", args=[snippet.pk]),
                                     icon_name="user", priority=50))
    return buttons


@hooks.register("register_admin_menu_item")
def history_menu_item():
    from wagtail.admin.menu import MenuItem

    class DirectoryMenuItem(MenuItem):
        def is_shown(self, request):
            return organisations_editable_by(request.user).exists()

    return DirectoryMenuItem(_("Annuaire : historique"), reverse("directory_history"), icon_name="history",
                             order=310)


@hooks.register("register_admin_menu_item")
def reports_menu_item():
    from wagtail.admin.menu import MenuItem

    class ReportsMenuItem(MenuItem):
        def is_shown(self, request):
            return organisations_editable_by(request.user).exists()

    return ReportsMenuItem(_("Annuaire : signalements"), reverse("directory_error_reports"), icon_name="warning",
                           order=320)



@hooks.register("register_admin_menu_item")
def duplicates_menu_item():
    from wagtail.admin.menu import MenuItem

    class DuplicatesMenuItem(MenuItem):
        def is_shown(self, request):
            return can_review_duplicates(request.user)

    return DuplicatesMenuItem(_("Annuaire : doublons présumés"), reverse("directory_duplicates"), icon_name="copy",
                              order=330)
