"""/recherche/ (page), /api/recherche (JSON for partners' websites) and /recherche/suggestions (autocomplete)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from relais.links import absolute_url
from relais.pagecache import kept_for_a_minute
from search import api, registry
from search.models import IndexVersion
from search.params import RADII_KM, SORT_PARAMS, parse_params

FACET_TITLES = {
    "kind": "Type de contenu",
    "theme": "Thème",
    "public": "Public",
    "type": "Type de structure",
    "commune": "Commune",
}
FACET_PARAMS = {"kind": "type", "theme": "theme", "public": "public", "type": "typologie"}


@require_GET
@kept_for_a_minute(state=IndexVersion.state)
def search_page(request):
    params = parse_params(request.GET)
    response = api.search(params.text, params.filters, page=params.page)
    facets = [(name, FACET_TITLES[name], FACET_PARAMS.get(name), values)
              for name, values in response.facets.items() if name in FACET_TITLES]
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context = {
        "params": params,
        "result": response,
        "facets": facets,
        "themes": registry.browse_links("themes") if not response.total else [],
        "territories": list(registry.facet_labels("territory").items()),
        "radii": RADII_KM,
        "sorts": list(SORT_PARAMS),
        "kinds": registry.kind_labels(),
        "query_without_page": query_without_page.urlencode(),
    }
    return render(request, "search/search.html", context)


def _absolute(url: str) -> str:
    return absolute_url(url) if url else ""


@require_GET
@cache_control(public=True, max_age=60)
def api_search(request):
    params = parse_params(request.GET)
    if params.unreadable:  # a text no search can use: say so, in JSON, rather than answer something else
        return JsonResponse({"errors": params.errors}, status=400, json_dumps_params={"ensure_ascii": False})
    response = api.search(params.text, params.filters, page=params.page)
    body = {
        "query": response.text,
        "understood": [" | ".join(" ".join(alt) for alt in group) for group in response.parsed.groups],
        "total": response.total,
        "page": response.page,
        "pages": response.pages,
        "per_page": response.per_page,
        "relaxed": response.relaxed,
        "did_you_mean": response.did_you_mean or None,
        "errors": params.errors,
        "results": [{
            "kind": hit.kind,
            "title": hit.title,
            "subtitle": hit.subtitle,
            "url": _absolute(hit.url),
            "snippet": hit.snippet,
            "commune": hit.commune_name or None,
            "distance_km": hit.distance_km,
            "phone": hit.details.get("phone") or None,
            "address": hit.details.get("address") or None,
            "open_status": hit.details.get("status") or None,
        } for hit in response.hits],
        "facets": {name: [{"value": f.value, "label": f.label, "count": f.count} for f in values]
                   for name, values in response.facets.items()},
    }
    json_response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    json_response["Access-Control-Allow-Origin"] = "*"
    return json_response


@require_GET
@cache_control(public=True, max_age=60)
def suggestions(request):
    text = request.GET.get("q", "")[:100]
    items = api.autocomplete(text)
    kind_labels = registry.kind_labels()
    return JsonResponse({"query": text, "suggestions": [
        {"label": s.label, "url": s.url, "kind": s.kind, "kind_label": kind_labels.get(s.kind, s.kind)}
        for s in items]}, json_dumps_params={"ensure_ascii": False})
