"""Views of the guide outside the page tree: glossary, "mon territoire", feedback and ideas, printable guide."""

import logging
import re

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from directory import territories
from guide import emergency as emergency_numbers
from guide.forms import FeedbackForm, IdeaForm, TerritoryForm, retention_days
from guide.glossary import glossary_entries
from guide.models import ArticlePage, Feedback, GuideIndexPage, PathPage, ThemePage
from guide.territory import forget_territory, reader_territory, remember_territory
from relais import ratelimit
from relais.filters import object_id
from relais.languages import readable
from relais.links import absolute_url, safe_next
from relais.templatetags.relais_tags import IN_PLACE

logger = logging.getLogger(__name__)

# Accepted submissions per hour, per client address and per form (feedback, ideas).
FEEDBACK_PER_HOUR = 10


@require_GET
def glossary(request):
    entries = glossary_entries()
    letters: dict[str, list] = {}
    for entry in entries:
        letters.setdefault(entry.term[:1].upper(), []).append(entry)
    return render(request, "guide/glossary.html", {"letters": sorted(letters.items()), "count": len(entries)})


# --- Urgence --------------------------------------------------------------------------------------------
@require_GET
def emergency(request):
    """The numbers to call now, one tap away from every page's header: light, no script, readable offline
    once loaded. With a territory chosen, the reader's SIAO and MDS from the directory."""
    territory = reader_territory(request)
    return render(request, "guide/emergency.html", {
        "numbers": emergency_numbers.NATIONAL_NUMBERS,
        "local": emergency_numbers.local_help(territory),
        "reader_territory": territory,
        "reader_territory_label": territories.label(territory),
    })


# --- Mon territoire ---------------------------------------------------------------------------------
def _territoires():
    from directory.models import Territory

    return list(Territory.objects.filter(kind=Territory.Kind.TERRITOIRE).order_by("name"))


@require_http_methods(["GET", "POST"])
def choose_territory(request):
    """Pick a territoire or a commune; kept in a cookie. Works as a plain form; JS adds an autocomplete."""
    territoires = _territoires()
    next_url = safe_next(request, "/guide/")
    candidates = []
    status = 200
    if request.method == "POST" and "oublier" in request.POST:
        response = HttpResponseRedirect(next_url)
        forget_territory(response)
        messages.success(request, _("Ton territoire est oublié : le guide montre tout le département."))
        return response
    form = TerritoryForm(request.POST if request.method == "POST" else None, territoires=territoires)
    if request.method == "POST":
        chosen = None
        if form.is_valid():
            data = form.cleaned_data
            code = data["code"] or data["territoire"]
            if code:
                chosen = territories.by_code(code)
                if chosen is None:
                    form.add_error(None, _("Ce territoire n'existe pas. Choisis-le dans la liste."))
            elif data["commune"]:
                candidates = territories.suggest(data["commune"])
                exact = [t for t in candidates if territories.same_name(t.name, data["commune"])]
                if len(exact) == 1:
                    chosen = exact[0]
                elif len(candidates) == 1:
                    chosen = candidates[0]
                elif not candidates:
                    form.add_error("commune", _("Aucune commune ne correspond à « %(q)s ». Vérifie l'orthographe, "
                                                "ou choisis ton territoire dans la liste.") % {"q": data["commune"]})
                else:
                    form.add_error("commune", _("Plusieurs lieux correspondent : choisis le tien ci-dessous."))
            else:
                form.add_error(None, _("Choisis ton territoire dans la liste, ou écris le nom de ta commune."))
        if chosen is not None:
            response = HttpResponseRedirect(next_url)
            remember_territory(response, chosen)
            messages.success(request, _("C'est noté : le guide te montre les partenaires près de %(lieu)s.")
                             % {"lieu": territories.label(chosen)})
            return response
        status = 400
    context = {"form": form, "candidates": candidates, "next": next_url, "current": reader_territory(request),
               "current_label": territories.label(reader_territory(request))}
    return render(request, "guide/territory.html", context, status=status)


@require_GET
def territory_suggestions(request):
    """Autocomplete data for the commune field: [{code, label}], at most 10."""
    found = territories.suggest(request.GET.get("q", ""))
    return JsonResponse({"results": [{"code": t.code, "label": territories.label(t)} for t in found]})


# --- Young people's voice ---------------------------------------------------------------------------
def _feedback_page(page_id):
    if page_id is None:
        return None
    return ArticlePage.objects.live().public().filter(pk=page_id).first()


@require_POST
def page_feedback(request):
    """"Cette page t'a aidé ?": stored for moderation; bots and floods are turned away, nothing stored."""
    form = FeedbackForm(request.POST)
    page = _feedback_page(object_id(form.data.get("page")))
    if page is None:
        return render(request, "guide/feedback_result.html",
                      {"error": _("Cette page n'existe pas ou n'est plus publiée."), "back": "/guide/"}, status=400)
    back = page.url + "#avis"
    if form.is_bot():
        messages.success(request, _("Merci, ton avis est bien envoyé."), extra_tags=IN_PLACE)
        return HttpResponseRedirect(back)
    if not form.is_valid():
        return render(request, "guide/feedback_result.html", {"form": form, "page": page, "back": back}, status=400)
    if not ratelimit.hit(request, "guide:feedback", FEEDBACK_PER_HOUR, 3600):
        return render(request, "guide/feedback_result.html",
                      {"error": _("Tu as envoyé beaucoup d'avis en peu de temps. Réessaie dans une heure : "
                                  "rien n'a été enregistré cette fois."), "back": back}, status=429)
    data = form.cleaned_data
    Feedback.objects.create(kind=Feedback.Kind.PAGE, page=page, helpful=data["helpful"],
                            comment=data["comment"].strip(), contact=data["contact"].strip())
    # Shown in the feedback section, where the reader is (``back`` ends in its fragment), not at the top.
    messages.success(request, _("Merci, ton avis est bien envoyé. Il nous aide à améliorer le guide."),
                     extra_tags=IN_PLACE)
    return HttpResponseRedirect(back)


@require_http_methods(["GET", "POST"])
def idea(request):
    """"Propose une idée / signale un manque"."""
    index = _guide_index()
    themes = list(ThemePage.objects.child_of(index).live().order_by("path")) if index else []
    form = IdeaForm(request.POST if request.method == "POST" else None, themes=themes)
    status = 200
    if request.method == "POST":
        if form.is_bot():
            messages.success(request, _("Merci, ton idée est bien envoyée."))
            return HttpResponseRedirect(reverse("guide:idea"))
        if form.is_valid():
            if not ratelimit.hit(request, "guide:idea", FEEDBACK_PER_HOUR, 3600):
                return render(request, "guide/feedback_result.html",
                              {"error": _("Tu as envoyé beaucoup de messages en peu de temps. Réessaie dans une "
                                          "heure : rien n'a été enregistré cette fois."),
                               "back": reverse("guide:idea")}, status=429)
            data = form.cleaned_data
            theme = next((t for t in themes if str(t.pk) == data["theme"]), None)
            Feedback.objects.create(kind=Feedback.Kind.IDEA, page=theme, comment=data["message"],
                                    contact=data["contact"].strip())
            messages.success(request, _("Merci, ton idée est bien envoyée. L'équipe du guide la lira."))
            return HttpResponseRedirect(reverse("guide:idea"))
        status = 400
    return render(request, "guide/idea.html", {"form": form, "retention_days": retention_days()}, status=status)


# --- Printable guide --------------------------------------------------------------------------------
def _guide_index():
    """The guide's home in the reader's language when it has a readable translation, else the French one."""
    from relais import languages

    index = GuideIndexPage.objects.live().filter(locale__language_code=languages.default_language()).first()
    if index is None:
        return None
    return languages.readable_translation(index, get_language() or languages.default_language()) or index


def _printable_context(request):
    index = _guide_index()
    if index is None:
        raise Http404(_("Le guide n'est pas encore publié."))
    themes = ThemePage.objects.child_of(index).live().public().order_by("path")
    slug = request.GET.get("theme", "").strip()
    if slug and not re.fullmatch(r"[-\w]+", slug):  # not a slug (NUL bytes would reach PostgreSQL)
        raise Http404(_("Ce thème n'existe pas."))
    if slug:
        themes = themes.filter(slug=slug)
        if not themes:
            raise Http404(_("Ce thème n'existe pas."))
    articles_by_theme = {}
    articles = ArticlePage.objects.live().public().filter(path__startswith=index.path).order_by("path")
    themes = [theme for theme in themes if readable(theme)]  # a translation: reviewed ones only (French: all)
    for article in articles:
        if not readable(article):
            continue
        article.print_prefix = f"a{article.pk}-"  # unique anchors for glossary notes in one document
        articles_by_theme.setdefault(article.path[: -ArticlePage.steplen], []).append(article)
    sections = [(theme, articles_by_theme.get(theme.path, [])) for theme in themes]
    return {
        "printing": True,
        "index": index,
        "sections": sections,
        "theme_slug": slug if slug else "",
        "path_page": None if slug else PathPage.objects.child_of(index).live().first(),
        "reader_territory": reader_territory(request),
        "reader_territory_label": territories.label(reader_territory(request)),
        "territory_url": absolute_url(reverse("guide:territory")),  # the one prompt, on the cover
    }


@require_GET
def printable(request):
    return render(request, "guide/print.html", _printable_context(request))


@require_GET
def printable_pdf(request):
    """The printable guide as a PDF. Rendering it takes minutes of CPU, so a request never does: a background
    task builds it once per key into storage (guide.printing), and it is served from there until a page is
    published or the directory changes. Meanwhile the reader gets a page saying it is being prepared."""
    from guide import printing

    slug = _printable_context(request)["theme_slug"]  # a French 404 for an unknown theme, before any build
    state, document = printing.request_document(request, slug)
    if state == printing.READY:
        with document.file.open("rb") as handle:
            response = HttpResponse(handle.read(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{printing.download_name(slug)}"'
        return response
    query = f"?theme={slug}" if slug else ""
    response = render(request, "guide/print_pending.html", {
        "state": state,
        "theme_slug": slug,
        "print_url": reverse("guide:print") + query,
        "pdf_url": reverse("guide:print-pdf") + query,
    }, status={printing.BUSY: 429, printing.LIMITED: 429, printing.FULL: 503}.get(state, 202))
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response
