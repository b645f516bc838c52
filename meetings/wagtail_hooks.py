"""The bodies, their members and their sessions in the Wagtail admin (French), for the département's admins."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from meetings.forms import BodyAdminForm, MeetingAdminForm
from meetings.models import Body, Meeting
from relais.admin_access import ScopedSnippetChooserViewSet


class BodyViewSet(SnippetViewSet):
    chooser_viewset_class = ScopedSnippetChooserViewSet
    model = Body
    icon = "group"
    # Not the bare word "Instances": Wagtail's French catalogue translates that msgid as "Occurrences".
    menu_label = _("Instances du partenariat")
    list_display = ["name", "kind", "territory", "is_decision_body", "is_active"]
    list_filter = ["kind", "is_decision_body", "is_active"]
    search_fields = ["name"]
    edit_handler = ObjectList([
        MultiFieldPanel([
            FieldPanel("name"), FieldPanel("slug"), FieldPanel("kind"), FieldPanel("territory"),
            FieldPanel("description"), FieldRowPanel([FieldPanel("is_decision_body"), FieldPanel("is_active")]),
            FieldPanel("organiser"),
        ], heading=_("Instance")),
        MultiFieldPanel([
            FieldPanel("recurrence"), FieldPanel("series_start"), FieldPanel("default_duration_minutes"),
            FieldPanel("default_place"), FieldPanel("default_video_link"), FieldPanel("reminder_hours"),
        ], heading=_("Séances")),
        MultiFieldPanel([FieldPanel("quorum"), FieldPanel("youth_seats")], heading=_("Composition")),
        MultiFieldPanel([FieldPanel("secretaries")], heading=_("Secrétariat")),
        InlinePanel("members", heading=_("Membres (organisations de l'annuaire)"), label=_("Membre")),
    ], base_form_class=BodyAdminForm)


class MeetingViewSet(SnippetViewSet):
    chooser_viewset_class = ScopedSnippetChooserViewSet
    model = Meeting
    icon = "date"
    menu_label = _("Séances")
    list_display = ["__str__", "body", "starts_at", "status"]
    list_filter = ["status", "body__kind"]
    search_fields = ["title", "place"]
    ordering = ["-starts_at"]
    edit_handler = ObjectList([
        FieldPanel("body"), FieldPanel("title"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("place"), FieldPanel("video_link"), FieldPanel("status"), FieldPanel("trainer_name"),
        InlinePanel("agenda_items", heading=_("Ordre du jour"), label=_("Point")),
    ], base_form_class=MeetingAdminForm)


class MeetingsGroup(SnippetViewSetGroup):
    items = (BodyViewSet, MeetingViewSet)
    menu_icon = "group"
    menu_label = _("Instances du partenariat")
    menu_name = "instances"


register_snippet(MeetingsGroup)


@hooks.register("before_delete_snippet")
def keep_organisations_with_invitations(request, instances):
    """An organisation convened to a session is evidence of that session (Invitation.organisation is PROTECT):
    refuse its deletion before the confirmation page, and offer archiving instead of a server error."""
    from directory.models import Organisation

    kept = [obj for obj in instances if isinstance(obj, Organisation) and obj.meeting_invitations.exists()]
    if not kept:
        return None
    for organisation in kept:
        messages.error(request, _("« %(name)s » a été convoquée à des séances d'instances : elle ne peut pas être "
                                  "supprimée, ses convocations et présences servent de preuve. Archivez-la plutôt "
                                  "(statut « Archivé ») : elle disparaît de l'annuaire public et son historique "
                                  "reste.") % {"name": organisation.name})
    return redirect(reverse("wagtailsnippets_directory_organisation:edit", args=[kept[0].pk]))
