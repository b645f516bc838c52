"""The bodies, their members and their sessions in the Wagtail admin (French), for the département's admins."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

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
    panels = [
        MultiFieldPanel([
            FieldPanel("name"), FieldPanel("slug"), FieldPanel("kind"), FieldPanel("territory"),
            FieldPanel("description"), FieldRowPanel([FieldPanel("is_decision_body"), FieldPanel("is_active")]),
        ], heading=_("Instance")),
        MultiFieldPanel([
            FieldPanel("recurrence"), FieldPanel("series_start"), FieldPanel("default_duration_minutes"),
            FieldPanel("default_place"), FieldPanel("default_video_link"), FieldPanel("reminder_hours"),
        ], heading=_("Séances")),
        MultiFieldPanel([FieldPanel("quorum"), FieldPanel("youth_seats")], heading=_("Composition")),
        InlinePanel("members", heading=_("Membres (organisations de l'annuaire)"), label=_("Membre")),
    ]


class MeetingViewSet(SnippetViewSet):
    chooser_viewset_class = ScopedSnippetChooserViewSet
    model = Meeting
    icon = "date"
    menu_label = _("Séances")
    list_display = ["__str__", "body", "starts_at", "status"]
    list_filter = ["status", "body__kind"]
    search_fields = ["title", "place"]
    ordering = ["-starts_at"]
    panels = [
        FieldPanel("body"), FieldPanel("title"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("place"), FieldPanel("video_link"), FieldPanel("status"), FieldPanel("trainer_name"),
        InlinePanel("agenda_items", heading=_("Ordre du jour"), label=_("Point")),
    ]


class MeetingsGroup(SnippetViewSetGroup):
    items = (BodyViewSet, MeetingViewSet)
    menu_icon = "group"
    menu_label = _("Instances du partenariat")
    menu_name = "instances"


register_snippet(MeetingsGroup)
