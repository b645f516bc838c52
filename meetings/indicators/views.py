"""Dashboard, drill-down, downloads and JSON API: thin views over matrix.py / compute.py / exports.py.

Every view asks permissions.require_dashboard(): département admins see every figure; a secretary sees the
figures of their own bodies only (hand-entered département figures are not theirs to see); anyone else gets 403,
and anonymous visitors are sent to the login page (the API answers 401 in JSON). The operator report also
answers an operator's users, with their own lines only (operator_table.chosen_operator).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from directory import territories
from meetings import queries
from meetings.indicators import charts, closures, compute, exports, formatting, permissions
from meetings.indicators import operator_table as operator_rules
from meetings.indicators.compute import Period, Scope
from meetings.indicators.formatting import display_gap, display_reached, display_target, display_value
from meetings.indicators.forms import DashboardFilterForm, parse_month
from meetings.indicators.matrix import active_indicators, build_matrix, convention_years, default_year
from meetings.indicators.models import Indicator, PeriodClosure, ReportingOperator
from meetings.models import Body
from relais import tabular


class Filters:
    """The dashboard's GET filters, cleaned; bad ones become French notes and fall back to defaults."""

    def __init__(self, request, body_ids):
        self.years = convention_years()
        bodies = Body.objects.order_by("name")
        if body_ids is not None:
            bodies = bodies.filter(pk__in=sorted(body_ids))
        # Rendered by hand in the template: one query, no widget template per checkbox.
        self.bodies = list(bodies.only("pk", "name", "slug"))
        self.form = DashboardFilterForm(request.GET or None, years=self.years or [default_year()], bodies=bodies)
        self.notes: list[str] = []
        data = {}
        if request.GET:
            if self.form.is_valid():
                data = self.form.cleaned_data
            else:
                for errors in self.form.errors.values():
                    self.notes.extend(errors)
                data = {name: value for name, value in getattr(self.form, "cleaned_data", {}).items()
                        if name not in self.form.errors}
                if "__all__" in self.form.errors:
                    data.pop("debut", None)
                    data.pop("fin", None)
        self.year = data.get("annee") or default_year(self.years)
        self.territory = data.get("territoire")
        chosen = data.get("instances")
        self.chosen_ids = {body.pk for body in chosen or ()}
        self.body_ids = body_ids
        if chosen:
            chosen_ids = frozenset(body.pk for body in chosen)
            self.body_ids = chosen_ids if body_ids is None else chosen_ids & body_ids
        self.period = Period(data["debut"], data["fin"]) if data.get("debut") and data.get("fin") else None
        self.query = request.GET.urlencode()

    def scope(self) -> Scope:
        return Scope(self.period or Period.year(self.year), self.territory, self.body_ids)

    @property
    def scoped_bodies(self) -> list | None:
        """The bodies the figures are narrowed to (a secretary's, or those chosen), None for all."""
        if self.body_ids is None:
            return None
        return [body for body in self.bodies if body.pk in self.body_ids]

    @property
    def bodies_label(self) -> str:
        bodies = self.scoped_bodies
        return ", ".join(body.name for body in bodies) if bodies else ""

    @property
    def with_manual(self) -> bool:
        """Hand-entered values are the département's: they apply only to a figure over every body."""
        return self.body_ids is None


def _guard(request):
    """The bodies the user may see figures of (None: all), or the login redirect for anonymous visitors."""
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    return permissions.require_dashboard(request.user), None


@require_GET
def dashboard(request):
    body_ids, redirect = _guard(request)
    if redirect:
        return redirect
    filters = Filters(request, body_ids)
    indicators = active_indicators(include_manual=filters.with_manual)
    if not permissions.sees_everything(body_ids):
        indicators = compute.indicators_about(indicators, body_ids)
    matrix = build_matrix(year=filters.year, territory=filters.territory, body_ids=filters.body_ids,
                          period=filters.period, indicators=indicators)
    matrix.bodies_label = filters.bodies_label
    rows = [{"row": row, "chart": charts.trend_chart(row)} for row in matrix.rows]
    to_close = queries.sessions_to_close(filters.body_ids).filter(
        compute.territory_q(filters.territory, "body__"))[:50]
    return render(request, "indicators/dashboard.html", {
        "filters": filters, "form": filters.form, "matrix": matrix, "rows": rows, "to_close": list(to_close),
        "scoped": not permissions.sees_everything(body_ids), "query": filters.query,
    })


def _detail(request, code: str, *, limit: int | None = 15):
    """(indicator, filters, matrix, details) of one indicator's page, or a response (login, 404)."""
    body_ids, redirect = _guard(request)
    if redirect:
        return redirect
    indicator = (Indicator.objects.select_related("convention", "selection_territory")
                 .prefetch_related("bodies", "excluded_bodies", "targets").filter(code=code, is_active=True).first())
    if indicator is None or (indicator.is_manual and not permissions.sees_everything(body_ids)):
        raise Http404
    filters = Filters(request, body_ids)
    matrix = build_matrix(year=filters.year, territory=filters.territory, body_ids=filters.body_ids,
                          period=filters.period, indicators=[indicator])
    matrix.bodies_label = filters.bodies_label
    details = None
    if not indicator.is_manual:
        details = compute.breakdown(indicator, filters.scope(), limit=limit)
    return indicator, filters, matrix, details


@require_GET
def indicator_detail(request, code: str):
    found = _detail(request, code)
    if isinstance(found, HttpResponse):
        return found
    indicator, filters, matrix, details = found
    row = matrix.rows[0]
    return render(request, "indicators/detail.html", {
        "indicator": indicator, "row": row, "chart": charts.trend_chart(row), "details": details,
        "filters": filters, "form": filters.form, "matrix": matrix, "query": filters.query,
    })


@require_GET
def export_detail(request, code: str):
    """The drill-down as a file: the figure with its numerator and denominator, then every session behind it
    (with its sheet's address), every organisation, and the open past sessions left out."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        return HttpResponse(_("Format inconnu : choisissez xlsx ou csv."), status=400,
                            content_type="text/plain; charset=utf-8")
    found = _detail(request, code, limit=None)
    if isinstance(found, HttpResponse):
        return found
    indicator, filters, matrix, details = found
    if filters.notes:
        return HttpResponse(_("Export impossible : ") + " ".join(str(n) for n in filters.notes), status=400,
                            content_type="text/plain; charset=utf-8")
    content = exports.detail_file(matrix, matrix.rows[0], details, fmt)
    name = exports.matrix_filename(filters.year, filters.territory, fmt, filters.scoped_bodies)
    return tabular.download(content, name.replace("indicateurs-", f"detail-{indicator.code}-", 1))


@require_GET
def export_matrix(request):
    body_ids, redirect = _guard(request)
    if redirect:
        return redirect
    filters = Filters(request, body_ids)
    if filters.notes:
        return HttpResponse(_("Export impossible : ") + " ".join(str(n) for n in filters.notes), status=400,
                            content_type="text/plain; charset=utf-8")
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        return HttpResponse(_("Format inconnu : choisissez xlsx ou csv."), status=400,
                            content_type="text/plain; charset=utf-8")
    matrices = exports.matrices_for_export(year=filters.year, territory=filters.territory, body_ids=filters.body_ids,
                                           bodies_label=filters.bodies_label)
    if not filters.with_manual:
        for matrix in matrices:
            matrix.rows = [row for row in matrix.rows if not row.indicator.is_manual]
    content = exports.matrix_xlsx(matrices) if fmt == "xlsx" else exports.matrix_csv(matrices)
    return tabular.download(content, exports.matrix_filename(filters.year, filters.territory, fmt,
                                                             filters.scoped_bodies))


def _text(message: str, status: int = 400) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@require_GET
def operator_report(request):
    """The monthly report per organisation (HTML, or ``format=xlsx|csv``), with the indicators' definitions
    and selections of bodies. The pilot sees every organisation, a secretary their bodies' figures; ``operateur``
    narrows to one operator's lines. An operator's users (not otherwise dashboard users) get their own
    operators' lines only, on every body (the lines of their monthly table); another operator's: 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    fmt = request.GET.get("format", "")
    if fmt not in ("", "xlsx", "csv"):
        return _text(_("Format inconnu : choisissez xlsx ou csv."))
    try:
        body_ids, dashboard = permissions.require_dashboard(request.user), True
    except PermissionDenied:
        body_ids, dashboard = None, False
    own = operator_rules.operators_for(request.user)
    if not dashboard and not own.exists():
        raise PermissionDenied
    try:
        operator = operator_rules.chosen_operator(request.user, request.GET.get("operateur", ""),
                                                  reads_all=dashboard, own=own)
    except operator_rules.UnknownOperator as error:
        return _text(str(error), error.status)
    operators = [operator] if operator is not None else ([] if dashboard else list(own))
    if operators and all(own.filter(pk=op.pk).exists() for op in operators):
        body_ids = None  # a partner's own lines: every body, as on its monthly table
    notes = []
    raw_month = request.GET.get("mois", "").strip()
    default = operator_rules.previous_month(timezone.localdate())
    year, month = default.year, default.month
    if raw_month or fmt:
        try:
            year, month = parse_month(raw_month)
        except ValueError as error:
            if fmt:
                return _text(str(error))
            notes.append(str(error))
    territory = None
    code = request.GET.get("territoire", "").strip()
    if code:
        # territories.by_code reads only a well-formed code (PostgreSQL refuses a NUL byte in a text literal).
        found = territories.by_code(code)
        territory = territories.areas().filter(pk=found.pk).first() if found is not None else None
        if territory is None:
            if fmt:
                return _text(_("Ce territoire n'existe pas."))
            notes.append(_("Ce territoire n'existe pas."))
    report = compute.operator_report(year, month, territory=territory, body_ids=body_ids,
                                     organisation_ids=[op.organisation_id for op in operators] if operators
                                     else None)
    bodies = None if body_ids is None else list(Body.objects.filter(pk__in=sorted(body_ids)).only("name", "slug"))
    scope_label, slug = exports.report_scope(territory, bodies, operators)
    if fmt:
        content = (exports.report_xlsx(report, scope_label) if fmt == "xlsx"
                   else exports.report_csv(report, scope_label))
        return tabular.download(content, exports.report_filename(report, slug, fmt))
    choices = (ReportingOperator.objects.filter(is_active=True) if dashboard else own).select_related(
        "organisation").order_by("organisation__name")
    query = {"mois": f"{year:04d}-{month:02d}"}
    if territory is not None:
        query["territoire"] = territory.code
    if operator is not None:
        query["operateur"] = str(operator.pk)
    return render(request, "indicators/operator_report.html", {
        "report": report, "scope_label": scope_label, "month_value": query["mois"], "notes": notes,
        "territory": territory, "territories": territories.areas().order_by("code") if dashboard else [],
        "operator": operator, "operators": list(choices), "dashboard": dashboard,
        "rules": exports.report_rules(report), "headers": exports.report_headers(report),
        "query": urlencode(query), "basis_label": formatting.basis_label(report.basis),
    }, status=400 if notes else 200)


def _json_row(row) -> dict:
    ind = row.indicator

    def number(value):
        return None if value is None else float(value)

    return {
        "code": ind.code, "name": ind.name, "definition": ind.definition, "unit": ind.unit,
        "computation": ind.computation, "value": number(row.result.value), "target": number(row.target),
        "gap": number(row.gap), "reached": row.reached, "numerator": formatting.numerator(ind, row.result),
        "denominator": row.result.denominator, "dates": [d.isoformat() for d in row.result.dates],
        "display": display_value(ind, row.result), "display_target": display_target(ind, row.target),
        "display_gap": display_gap(ind, row.gap), "display_reached": display_reached(row.reached),
        "trend": [{"year": p.year, "value": number(p.result.value), "target": number(p.target)} for p in row.trend],
        "counts": "" if ind.is_manual else formatting.counting_rule(ind),
        "bodies_counted": formatting.selection_text(ind), "basis": row.result.basis or None,
        "other": None if row.result.other is None else {
            "basis": row.result.other.basis, "counts": formatting.counting_rule(ind, row.result.other.basis),
            "value": number(row.result.other.value), "numerator": row.result.other.numerator,
            "denominator": row.result.other.denominator, "display": display_value(ind, row.result.other)},
        "unclosed_sessions": None if ind.is_manual else row.result.unclosed,
    }


@require_GET
def api_indicators(request, code: str | None = None):
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Connexion requise.")}, status=401)
    try:
        body_ids = permissions.require_dashboard(request.user)
    except PermissionDenied:
        return JsonResponse({"error": _("Accès refusé.")}, status=403)
    filters = Filters(request, body_ids)
    if filters.notes:
        return JsonResponse({"error": _("Filtres invalides."), "details": [str(n) for n in filters.notes]},
                            status=400)
    indicators = active_indicators(include_manual=filters.with_manual)
    if not permissions.sees_everything(body_ids):
        indicators = compute.indicators_about(indicators, body_ids)
    if code is not None:
        indicators = [i for i in indicators if i.code == code]
        if not indicators:
            return JsonResponse({"error": _("Indicateur inconnu.")}, status=404)
    matrix = build_matrix(year=filters.year, territory=filters.territory, body_ids=filters.body_ids,
                          period=filters.period, indicators=indicators)
    return JsonResponse({
        "year": matrix.year, "period": {"start": matrix.period.start.isoformat(), "end": matrix.period.end.isoformat()},
        "territory": filters.territory.code if filters.territory else None,
        "indicators": [_json_row(row) for row in matrix.rows],
    }, json_dumps_params={"ensure_ascii": False})


def _pilot(request):
    """Closing periods is the département's: its admins only (a secretary's figures are partial)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.sees_everything(permissions.require_dashboard(request.user)):
        raise PermissionDenied
    return None


def periods(request):
    """The closed months and years, and the form that closes one (POST)."""
    login = _pilot(request)
    if login:
        return login
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    error = ""
    if request.method == "POST":
        try:
            year = int(request.POST.get("annee", ""))
            month = int(request.POST["mois"]) if request.POST.get("mois") else None
            if not 2000 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
                raise ValueError
        except ValueError:
            error = _("Choisissez une année (et, si besoin, un mois) valides.")
        else:
            try:
                closure = closures.close_period(year, month, by=request.user)
            except closures.AlreadyClosed as exc:
                error = _("La période %(label)s est déjà arrêtée.") % {"label": exc}
            else:
                messages.success(request, _("Période %(label)s arrêtée : ses chiffres sont conservés.")
                                 % {"label": closure.label})
                return HttpResponseRedirect(reverse("indicators:period", args=[closure.pk]))
    return render(request, "indicators/periods.html", {
        "closures": PeriodClosure.objects.all(), "years": convention_years() or [default_year()],
        "months": range(1, 13), "error": error, "default_year": default_year(),
    }, status=400 if error else 200)


@require_GET
def period_detail(request, pk: int):
    login = _pilot(request)
    if login:
        return login
    closure = get_object_or_404(PeriodClosure, pk=pk)
    return render(request, "indicators/period.html", {
        "closure": closure, "lines": closures.differences(closure), "changes": closures.changes_since(closure),
    })
