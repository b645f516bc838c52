"""Admin of the guide: the glossary, young people's feedback (moderation) and per-page usefulness scores."""

from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from guide.models import Feedback, GlossaryTerm
from relais import media
from relais.admin_access import ScopedSnippetChooserViewSet
from relais.permissions import can, require


class GlossaryViewSet(SnippetViewSet):
    chooser_viewset_class = ScopedSnippetChooserViewSet
    model = GlossaryTerm
    icon = "openquote"
    menu_label = _("Glossaire")
    list_display = ["term", "expansion", "slug"]
    ordering = ["term"]


class FeedbackViewSet(SnippetViewSet):
    chooser_viewset_class = ScopedSnippetChooserViewSet
    model = Feedback
    icon = "mail"
    menu_label = _("Retours des jeunes")
    list_display = ["__str__", "kind", "page", "comment", "status", "created_at"]
    list_filter = ["kind", "status", "helpful"]
    ordering = ["-created_at"]


class GuideGroup(SnippetViewSetGroup):
    items = (GlossaryViewSet, FeedbackViewSet)
    menu_label = _("Guide")
    menu_icon = "doc-full-inverse"
    menu_order = 250


register_snippet(GuideGroup)


def usefulness_scores():
    """Per guide page: "oui" and "non" answers (rejected ones left out), share of "oui", comments."""
    kept = Q(kind=Feedback.Kind.PAGE) & ~Q(status=Feedback.Status.REJECTED)
    rows = (Feedback.objects.filter(kept, page__isnull=False)
            .values("page_id", "page__title", "page__url_path")
            .annotate(yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False)),
                      comments=Count("id", filter=~Q(comment="")))
            .order_by("page__title"))
    scores = []
    for row in rows:
        total = row["yes"] + row["no"]
        scores.append({**row, "total": total, "score": round(100 * row["yes"] / total) if total else None})
    scores.sort(key=lambda r: (r["score"] if r["score"] is not None else 101, -r["total"]))
    return scores


class UsefulnessView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "guide/admin/usefulness.html"
    page_title = _("Utilité des pages du guide")
    header_icon = "tick"

    def dispatch(self, request, *args, **kwargs):
        require(request.user, "guide.view_feedback")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["scores"] = usefulness_scores()
        context["feedback_url"] = reverse("wagtailsnippets_guide_feedback:list")
        return context


@hooks.register("register_admin_urls")
def usefulness_urls():
    return [path("guide/utilite/", UsefulnessView.as_view(), name="guide_usefulness")]


class UsefulnessMenuItem(MenuItem):
    def is_shown(self, request):
        return can(request.user, "guide.view_feedback")


@hooks.register("register_admin_menu_item")
def usefulness_menu_item():
    return UsefulnessMenuItem(_("Utilité des pages"), reverse("guide_usefulness"), icon_name="tick", order=260)


@hooks.register("before_serve_document")
def refuse_documents_of_private_pages(document, request):
    """A document that only restricted pages use is served only to those who may see one of them (Wagtail's
    own hook checks its collection); docs/access.md, "Media"."""
    return media.document_refusal(document, request)
