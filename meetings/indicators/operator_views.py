"""The operator's monthly table: the operator fills and submits, the pilot follows, reminds and reopens, each
partner downloads its own lines. Thin views over operator_table.py; permissions are checked here, server-side,
on every request (an operator's user only ever reaches its own operator's tables)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from meetings.indicators import operator_table as rules
from meetings.indicators.forms import parse_month
from meetings.indicators.models import OperatorTable, ReportingOperator
from meetings.indicators.operator_forms import DesignateOperatorForm, OperatorTableForm, ReopenForm
from relais import tabular


def _text(message: str, status: int = 400) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _month(value: str) -> dt.date:
    try:
        year, month = parse_month(value)
    except ValueError:
        raise Http404 from None
    return dt.date(year, month, 1)


def _table_url(operator, month: dt.date) -> str:
    return reverse("indicators:operator-table", args=[operator.pk, f"{month:%Y-%m}"])


# --- The operator's list of months --------------------------------------------------------------------
@require_http_methods(["GET"])
def operator_tables(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    operators = list(rules.operators_for(request.user))
    pilot = rules.is_pilot(request.user)
    if not operators:
        if pilot:
            return redirect("indicators:operator-overview")
        raise PermissionDenied
    today = timezone.localdate()
    blocks = []
    for operator in operators:
        months = rules.expected_months(operator, today)
        tables = {t.month: t for t in OperatorTable.objects.filter(operator=operator, month__in=months)}
        blocks.append({"operator": operator, "months": [
            {"month": m, "table": tables.get(m), "deadline": rules.deadline(m),
             "overdue": not (tables.get(m) is not None and tables[m].is_submitted) and rules.is_late(m),
             "url": _table_url(operator, m)} for m in months]})
    return render(request, "indicators/operator_list.html", {"blocks": blocks, "pilot": pilot})


# --- One month's table --------------------------------------------------------------------------------
def _access(request, operator_id: int, month: str):
    """(operator, month, may_edit, pilot) or a refusal: 404 for an unknown operator or month, 403 for others."""
    operator = get_object_or_404(ReportingOperator.objects.select_related("organisation", "territory"),
                                 pk=operator_id)
    start = _month(month)
    filler = operator.is_active and rules.can_fill(request.user, operator)
    pilot = rules.is_pilot(request.user)
    if not filler and not pilot:
        raise PermissionDenied
    if not rules.can_open_month(operator, start):
        raise Http404
    return operator, start, filler, pilot


def _render_table(request, operator, month, table, form, *, filler, pilot, reopen_form=None, status=200):
    figures = rules.percentages(table)
    return render(request, "indicators/operator_table.html", {
        "operator": operator, "month": month, "month_label": rules.month_label(month), "table": table,
        "form": form, "editable": filler and not table.is_submitted, "pilot": pilot, "filler": filler,
        "deadline": rules.deadline(month), "late_now": rules.is_late(month),
        "attendance": rules.shown_attendance(table), "percentages": figures,
        "events": table.events.select_related("by") if table.pk else [],
        "reopen_form": reopen_form or (ReopenForm() if pilot and table.is_submitted else None),
        "lines": [{"name": name, "label": rules.label(name), "value": getattr(table, name)}
                  for name in [*rules.TYPED, *rules.EQUIPMENT]],
    }, status=status)


@require_http_methods(["GET", "POST"])
def operator_table(request, operator_id: int, month: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    operator, start, filler, pilot = _access(request, operator_id, month)
    table = rules.table_for(operator, start)
    if request.method != "POST":
        form = OperatorTableForm(instance=table) if filler and not table.is_submitted else None
        return _render_table(request, operator, start, table, form, filler=filler, pilot=pilot)
    if not filler:
        raise PermissionDenied
    if table.is_submitted:
        messages.error(request, _("Ce tableau est transmis : le Département peut le rouvrir si une correction est "
                                  "utile."))
        return redirect(_table_url(operator, start))
    submitting = request.POST.get("action") == "submit"
    form = OperatorTableForm(request.POST, instance=table, complete=submitting)
    if not form.is_valid():
        return _render_table(request, operator, start, table, form, filler=filler, pilot=pilot, status=400)
    if submitting:
        rules.submit(table, form.values(), request.user)
        if table.is_late:
            messages.warning(request, _("Tableau transmis au Département, après la date limite du %(date)s.")
                             % {"date": f"{rules.deadline(start):%d/%m/%Y}"})
        else:
            messages.success(request, _("Tableau transmis au Département. Merci !"))
    else:
        rules.save_draft(table, form.values(), request.user)
        messages.success(request, _("Brouillon enregistré : il n'est pas encore transmis au Département."))
    return redirect(_table_url(operator, start))


@require_POST
def operator_table_reopen(request, operator_id: int, month: str):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("indicators:operator-tables"))
    operator, start, filler, pilot = _access(request, operator_id, month)
    if not pilot:
        raise PermissionDenied
    table = get_object_or_404(OperatorTable, operator=operator, month=start)
    form = ReopenForm(request.POST)
    if not table.is_submitted:
        messages.error(request, _("Seul un tableau transmis peut être rouvert."))
        return redirect(_table_url(operator, start))
    if not form.is_valid():
        return _render_table(request, operator, start, table, None, filler=filler, pilot=pilot, reopen_form=form,
                             status=400)
    rules.reopen(table, request.user, form.cleaned_data["reason"])
    messages.success(request, _("Tableau rouvert : l'opérateur peut le corriger puis le transmettre à nouveau. "
                                "Ses chiffres sont retirés des indicateurs d'ici là."))
    return redirect(_table_url(operator, start))


# --- The pilot's overview -----------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def operator_overview(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not rules.is_pilot(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    notes = []
    month = rules.previous_month(today)
    if request.GET.get("mois"):
        try:
            year, number = parse_month(request.GET["mois"])
            month = dt.date(year, number, 1)
        except ValueError as error:
            notes.append(str(error))
    form = DesignateOperatorForm(request.POST or None, initial={"first_month": today.replace(day=1)})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            operator = form.save()
            messages.success(request, _("%(name)s remplit désormais le tableau de suivi mensuel.")
                             % {"name": operator.organisation.name})
            return redirect(f"{reverse('indicators:operator-overview')}?mois={month:%Y-%m}")
        status = 400
    rows = rules.overview(month)
    for row in rows:
        row.url = _table_url(row.operator, month)
    submitted = sum(1 for row in rows if row.state == OperatorTable.Status.SUBMITTED)
    return render(request, "indicators/operator_overview.html", {
        "month": month, "month_label": rules.month_label(month), "month_value": f"{month:%Y-%m}",
        "deadline": rules.deadline(month), "rows": rows, "submitted": submitted, "notes": notes,
        "form": form, "feeds": rules.feed_status(),
        "previous": rules.previous_month(month), "next": rules.next_month(month) if month < today.replace(day=1)
        else None,
    }, status=status)


# --- The operator report: each partner its own lines --------------------------------------------------
@require_http_methods(["GET"])
def operator_tables_export(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    pilot = rules.is_pilot(request.user)
    own = rules.operators_for(request.user)
    if not pilot and not own.exists():
        raise PermissionDenied
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        return _text(_("Format inconnu : choisissez xlsx ou csv."))
    tables = OperatorTable.objects.select_related("operator__organisation", "operator__territory")
    if pilot:
        tables = tables.filter(status=OperatorTable.Status.SUBMITTED)  # drafts are not returned yet
    else:
        tables = tables.filter(operator__in=own)
    period = request.GET.get("mois", "").strip()
    if period:
        try:
            year, number = parse_month(period)
        except ValueError as error:
            return _text(str(error))
        tables, period_label = tables.filter(month=dt.date(year, number, 1)), f"{year:04d}-{number:02d}"
    else:
        raw = request.GET.get("annee", "").strip() or str(rules.previous_month(timezone.localdate()).year)
        if not raw.isascii() or not raw.isdigit() or not 2000 <= int(raw) <= 2100:
            return _text(_("Année invalide : attendu AAAA, par exemple 2026."))
        tables, period_label = tables.filter(month__year=int(raw)), raw
    try:  # never another partner's lines (PermissionDenied)
        operator = rules.chosen_operator(request.user, request.GET.get("operateur", ""), reads_all=pilot, own=own)
    except rules.UnknownOperator as error:
        return _text(str(error), error.status)
    if operator is not None:
        tables = tables.filter(operator=operator)
    tables = list(tables.order_by("operator__organisation__name", "month"))
    header, rows = rules.export_rows(tables)
    scope = operator.organisation.slug if operator else ("tous-operateurs" if pilot else "mes-tableaux")
    name = f"tableau-suivi-{scope}-{period_label}.{fmt}"
    if fmt == "csv":
        return tabular.download(tabular.csv_bytes(rows, header=header), name)
    workbook = tabular.workbook()
    sheet = workbook.active
    sheet.title = f"Tableau de suivi {period_label}"[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    return tabular.download(tabular.xlsx_bytes(workbook), name)


# Included by urls.py before the indicator detail's catch-all ``<slug:code>/``.
urlpatterns = [
    path("tableau-operateurs/", operator_tables, name="operator-tables"),
    path("tableau-operateurs/suivi/", operator_overview, name="operator-overview"),
    path("tableau-operateurs/export/", operator_tables_export, name="operator-tables-export"),
    path("tableau-operateurs/<int:operator_id>/<str:month>/", operator_table, name="operator-table"),
    path("tableau-operateurs/<int:operator_id>/<str:month>/rouvrir/", operator_table_reopen,
         name="operator-table-reopen"),
]
