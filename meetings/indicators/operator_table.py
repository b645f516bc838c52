"""The operator's monthly reporting table: who fills it, what it holds, its deadline, its checks, and how a
submitted table feeds the convention's hand-entered indicators.

- **Who**: an organisation the département designated (``ReportingOperator``). Its users are the editors of
  the organisation (guardian ``directory.change_organisation``) and the accounts linked to one of its contacts
  (``directory.accounts``). The pilot (``indicators.view_dashboard``) sees every table, reminds, reopens.
- **What**: counts only (the seeds' list of aggregates, ``SECTIONS``); every percentage is computed here from
  counts (``percentages``), never typed. The attendance lines come from ``compute.py`` (the meetings module)
  and are frozen on submission.
- **When**: month M is due on the 10th of month M+1 (``deadline``); a later submission is accepted and marked
  late.
- **Feeding**: a manual indicator whose code is one of ``FEEDS`` receives, per year, the value of the
  submitted tables (per operator territory, and for the whole département); reopening a table withdraws its
  figures until it is submitted again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.models import ContactAccount
from directory.permissions import CHANGE_ORGANISATION, editors_of, organisations_editable_by
from meetings.indicators import compute
from meetings.indicators.compute import Period, Scope
from meetings.indicators.formatting import display_value
from meetings.indicators.models import (
    Indicator,
    IndicatorValue,
    OperatorReminder,
    OperatorTable,
    OperatorTableEvent,
    ReportingOperator,
)
from meetings.indicators.permissions import VIEW_DASHBOARD
from relais.permissions import can

DEADLINE_DAY = 10
REMIND_FROM_DAY = 5  # the first reminder goes from the 5th of the following month
FED_MARK = "Alimenté par les tableaux de suivi des opérateurs"

# The form, section by section (model field names; labels are the models' verbose names).
SECTIONS = [
    (gettext_lazy("Moyens"), ["coordinator_posts"]),
    (gettext_lazy("Jeunes de 16 à 18 ans suivis par l'ASE"), ["followed", "at_risk", "at_risk_first_meeting"]),
    (gettext_lazy("Accompagnement par le binôme ML/ASE"),
     ["accompanied", "accompanied_school", "accompanied_professional"]),
    (gettext_lazy("Sortie de l'ASE ce mois-ci"),
     ["left_care", "left_in_path", "left_stable_housing", "left_stable_resources", "left_full_health_cover"]),
    (gettext_lazy("Logement à la sortie de l'ASE, par type (jeunes logés)"),
     ["housing_intermediation", "housing_bail_glissant", "housing_fjt", "housing_autonomous", "housing_other"]),
    (gettext_lazy("Satisfaction"), ["surveyed", "satisfied"]),
    (gettext_lazy("Matériel pour accompagner autrement"), ["equipment_phone", "equipment_laptop", "equipment_travel"]),
]
HELP = {
    "followed": gettext_lazy("Jeunes suivis au cours du mois (file active)."),
    "at_risk_first_meeting": gettext_lazy("Premiers rendez-vous tenus ce mois-ci."),
    "accompanied": gettext_lazy("Jeunes accompagnés au cours du mois (file active)."),
    "left_care": gettext_lazy("Jeunes accompagnés par le binôme dont l'accompagnement ASE a pris fin ce mois-ci."),
    "surveyed": gettext_lazy("Réponses à l'enquête de satisfaction reçues ce mois-ci."),
}
HOUSING = ["housing_intermediation", "housing_bail_glissant", "housing_fjt", "housing_autonomous", "housing_other"]
EQUIPMENT = ["equipment_phone", "equipment_laptop", "equipment_travel"]
COUNTS = [name for _title, names in SECTIONS for name in names if name not in EQUIPMENT and name != "coordinator_posts"]
TYPED = ["coordinator_posts", *COUNTS]
# (part, whole): "dont …" lines cannot exceed the line they belong to.
OF_WHICH = [
    ("at_risk", "followed"),
    ("at_risk_first_meeting", "at_risk"),
    ("accompanied_school", "accompanied"),
    ("accompanied_professional", "accompanied"),
    ("left_in_path", "left_care"),
    ("left_stable_housing", "left_care"),
    ("left_stable_resources", "left_care"),
    ("left_full_health_cover", "left_care"),
    ("satisfied", "surveyed"),
]
# (parts, whole): parts together cannot exceed the whole either.
SUMS = [
    (("accompanied_school", "accompanied_professional"), "accompanied"),
    (tuple(HOUSING), "left_care"),
]
# Percentages: (label, numerator field(s), denominator field(s)).
PERCENTAGES = [
    ("in_path", gettext_lazy("Sortis de l'ASE dans un parcours scolaire ou professionnel"), ("left_in_path",),
     ("left_care",)),
    ("satisfied", gettext_lazy("Jeunes satisfaits de l'accompagnement du binôme"), ("satisfied",), ("surveyed",)),
    ("housing", gettext_lazy("Sortis de l'ASE avec un logement stable"), ("left_stable_housing",), ("left_care",)),
    ("resources", gettext_lazy("Sortis de l'ASE avec des ressources stables"), ("left_stable_resources",),
     ("left_care",)),
    ("health", gettext_lazy("Sortis de l'ASE avec une couverture maladie complète"), ("left_full_health_cover",),
     ("left_care",)),
    *[(name, gettext_lazy("Logement par type : %s") % OperatorTable._meta.get_field(name).verbose_name, (name,),
       tuple(HOUSING)) for name in HOUSING],
]
# Manual indicators fed by submitted tables: code → (unit, how a year is made of months, field or percentage).
# "stock": the file active of each operator's last submitted month of the year, summed over operators;
# "flow": the sum of every submitted month; "percent": the sums' ratio.
FEEDS = {
    "operateur-jeunes-suivis": (Indicator.Unit.COUNT, "stock", "followed"),
    "operateur-jeunes-risque-rupture": (Indicator.Unit.COUNT, "stock", "at_risk"),
    "operateur-premiers-rendez-vous": (Indicator.Unit.COUNT, "flow", "at_risk_first_meeting"),
    "operateur-jeunes-accompagnes": (Indicator.Unit.COUNT, "stock", "accompanied"),
    "operateur-parcours-scolaire": (Indicator.Unit.COUNT, "stock", "accompanied_school"),
    "operateur-parcours-professionnel": (Indicator.Unit.COUNT, "stock", "accompanied_professional"),
    "operateur-sortie-parcours": (Indicator.Unit.PERCENT, "percent", "in_path"),
    "operateur-satisfaits": (Indicator.Unit.PERCENT, "percent", "satisfied"),
    "operateur-logement-stable": (Indicator.Unit.PERCENT, "percent", "housing"),
    "operateur-ressources-stables": (Indicator.Unit.PERCENT, "percent", "resources"),
    "operateur-couverture-maladie": (Indicator.Unit.PERCENT, "percent", "health"),
    "operateur-logement-intermediation": (Indicator.Unit.PERCENT, "percent", "housing_intermediation"),
    "operateur-logement-bail-glissant": (Indicator.Unit.PERCENT, "percent", "housing_bail_glissant"),
    "operateur-logement-fjt": (Indicator.Unit.PERCENT, "percent", "housing_fjt"),
    "operateur-logement-autonome": (Indicator.Unit.PERCENT, "percent", "housing_autonomous"),
    "operateur-logement-autre": (Indicator.Unit.PERCENT, "percent", "housing_other"),
}

# What a comment may not hold: only aggregates are kept, never a young person's identity.
_DATE = re.compile(r"\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}\b")
_LONG_NUMBER = re.compile(r"\d[\d\s.-]{5,}\d")
_BIRTH = re.compile(r"\bn[ée]e?s?\s+(le|en)\b", re.IGNORECASE)
_NAMED = re.compile(r"\b(M\.|Mme|Mlle|Monsieur|Madame|Mademoiselle)\s+[A-ZÀ-Ý]")


# --- Months -------------------------------------------------------------------------------------------
def month_start(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def month_period(month: dt.date) -> Period:
    return Period(month, next_month(month) - dt.timedelta(days=1))


def deadline(month: dt.date) -> dt.date:
    """Month M is due on the 10th of month M+1 (the whole day counts)."""
    return next_month(month).replace(day=DEADLINE_DAY)


def is_late(month: dt.date, when: dt.datetime | None = None) -> bool:
    return timezone.localdate(when or timezone.now()) > deadline(month)


def month_label(month: dt.date) -> str:
    return f"{month:%m/%Y}"


# --- Who ----------------------------------------------------------------------------------------------
def is_pilot(user) -> bool:
    return can(user, VIEW_DASHBOARD)


def operators_for(user):
    """The active operators whose table ``user`` fills: editors of the organisation, accounts of its contacts.

    A global holder of ``directory.change_organisation`` (the pilot) is not thereby an operator's user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ReportingOperator.objects.none()
    mine = Q(organisation__contacts__account__user=user)
    if not user.is_superuser and not user.has_perm(CHANGE_ORGANISATION):
        mine |= Q(organisation__in=organisations_editable_by(user).values("pk"))
    return (ReportingOperator.objects.filter(mine, is_active=True)
            .select_related("organisation", "territory").distinct().order_by("organisation__name"))


class UnknownOperator(ValueError):
    """A download's ``operateur`` that is malformed (400) or names no operator (404)."""

    def __init__(self, status: int):
        super().__init__(_("Opérateur inconnu."))
        self.status = status


def chosen_operator(user, raw: str, *, reads_all: bool, own=None) -> ReportingOperator | None:
    """The operator a download asks for (GET ``operateur``, a ReportingOperator id), checked server-side: None
    when none is asked; ``UnknownOperator`` for a malformed or unknown id; PermissionDenied when it is not one
    of ``user``'s own operators and ``reads_all`` is false (a partner never gets another partner's lines)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise UnknownOperator(400)
    operator = ReportingOperator.objects.select_related("organisation", "territory").filter(pk=int(raw)).first()
    if operator is None:
        raise UnknownOperator(404)
    own = operators_for(user) if own is None else own
    if not reads_all and not own.filter(pk=operator.pk).exists():
        raise PermissionDenied
    return operator


def can_fill(user, operator: ReportingOperator) -> bool:
    return operators_for(user).filter(pk=operator.pk).exists()


def users_of(operator: ReportingOperator) -> list:
    """The active accounts that fill this operator's table (for reminders): its editors, its contacts' accounts."""
    ids = {user.pk for user in editors_of(operator.organisation)}
    ids |= set(ContactAccount.objects.filter(contact__organisation=operator.organisation)
               .values_list("user_id", flat=True))
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


# --- Months expected of an operator --------------------------------------------------------------------
def expected_months(operator: ReportingOperator, today: dt.date | None = None, limit: int = 12) -> list[dt.date]:
    """From the most recent month that can be filled (the current one) back to the first one expected."""
    today = today or timezone.localdate()
    month, months = today.replace(day=1), []
    while month >= operator.first_month and len(months) < limit:
        months.append(month)
        month = previous_month(month)
    return months


def can_open_month(operator: ReportingOperator, month: dt.date, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return operator.first_month <= month <= today.replace(day=1)


def table_for(operator: ReportingOperator, month: dt.date) -> OperatorTable:
    """The stored table, or a new unsaved draft."""
    return OperatorTable.objects.filter(operator=operator, month=month).first() or OperatorTable(
        operator=operator, month=month)


# --- Checks -------------------------------------------------------------------------------------------
def label(name: str) -> str:
    return str(OperatorTable._meta.get_field(name).verbose_name)


def check_values(values: dict, *, complete: bool) -> dict[str, list[str]]:
    """French one-line errors per field: "dont" lines above their whole, missing lines when submitting."""
    errors: dict[str, list[str]] = defaultdict(list)
    if complete:
        for name in TYPED:
            if values.get(name) is None:
                errors[name].append(_("À renseigner pour transmettre le tableau (0 si aucun)."))
    for part, whole in OF_WHICH:
        a, b = values.get(part), values.get(whole)
        if a is not None and b is not None and a > b:
            errors[part].append(_("Ne peut pas dépasser « %(whole)s » (%(n)s).") % {"whole": label(whole), "n": b})
    for parts, whole in SUMS:
        given = [values.get(name) for name in parts]
        total, b = sum(v for v in given if v is not None), values.get(whole)
        if b is not None and total > b and not any(errors.get(name) for name in parts):
            errors[parts[-1]].append(_("Ensemble, « %(parts)s » (%(total)s) dépassent « %(whole)s » (%(n)s).")
                                     % {"parts": " », « ".join(label(n) for n in parts), "total": total,
                                        "whole": label(whole), "n": b})
    return dict(errors)


def check_comment(text: str) -> str | None:
    """Refuses what looks like a young person's identity in the comment (dates, case numbers, names)."""
    if _DATE.search(text) or _BIRTH.search(text):
        return _("Le commentaire ne doit contenir aucune date de naissance ni date permettant d'identifier un jeune.")
    if _LONG_NUMBER.search(text):
        return _("Le commentaire ne doit contenir aucun numéro de dossier ni numéro d'identification.")
    if _NAMED.search(text):
        return _("Le commentaire ne doit nommer aucun jeune : seulement des chiffres et des constats d'ensemble.")
    return None


# --- Figures ------------------------------------------------------------------------------------------
def _sum(values, names) -> int | None:
    given = [getattr(values, name) if not isinstance(values, dict) else values.get(name) for name in names]
    if all(v is None for v in given):
        return None
    return sum(v or 0 for v in given)


def percentages(values) -> list[dict]:
    """Every percentage of the table, computed from its counts (a table or a dict of sums)."""
    out = []
    for key, text, numerator, denominator in PERCENTAGES:
        num, den = _sum(values, numerator), _sum(values, denominator)
        result = compute.rate(num or 0, den or 0) if den is not None else compute.Result(None, num, den)
        out.append({"key": key, "label": str(text), "result": result, "display": display_value(_PERCENT, result)})
    return out


def attendance_lines(operator: ReportingOperator, month: dt.date) -> dict:
    """The lines the meetings module knows (compute.py): never typed in the table."""
    report = compute.operator_report(month.year, month.month, organisation_ids=[operator.organisation_id])
    row = next(iter(report.rows), None)
    copil = compute.copil_held(Scope(month_period(month), operator.territory), by_year=False)
    held = compute.result_for(_COPIL, copil, compute.ALL)
    return {"suivi_presences": row["suivi"] if row else 0, "permanences_held": row["permanences"] if row else 0,
            "copil_held": bool(held.value)}


_PERCENT = Indicator(unit=Indicator.Unit.PERCENT)
_COPIL = Indicator(computation=Indicator.Computation.COPIL_HELD, unit=Indicator.Unit.YES_NO)


def shown_attendance(table: OperatorTable) -> dict:
    """Frozen figures of a submitted table; live ones otherwise."""
    if table.is_submitted:
        return {"suivi_presences": table.suivi_presences, "permanences_held": table.permanences_held,
                "copil_held": table.copil_held}
    return attendance_lines(table.operator, table.month)


# --- Changes ------------------------------------------------------------------------------------------
class NotEditable(Exception):
    pass


@transaction.atomic
def save_draft(table: OperatorTable, values: dict, user) -> OperatorTable:
    if table.is_submitted:
        raise NotEditable(_("Ce tableau est transmis : le Département peut le rouvrir si une correction est utile."))
    for name, value in values.items():
        setattr(table, name, value)
    table.updated_by = user
    table.save()
    OperatorTableEvent.objects.create(table=table, action=OperatorTableEvent.Action.SAVED, by=user)
    return table


@transaction.atomic
def submit(table: OperatorTable, values: dict, user, *, now: dt.datetime | None = None) -> OperatorTable:
    """Store, freeze the attendance lines, mark late after the 10th, and feed the indicators of that year."""
    if table.is_submitted:
        raise NotEditable(_("Ce tableau est déjà transmis."))
    now = now or timezone.now()
    for name, value in values.items():
        setattr(table, name, value)
    for name, value in attendance_lines(table.operator, table.month).items():
        setattr(table, name, value)
    table.status = OperatorTable.Status.SUBMITTED
    table.submitted_at, table.submitted_by, table.updated_by = now, user, user
    table.is_late = is_late(table.month, now)
    table.save()
    OperatorTableEvent.objects.create(table=table, action=OperatorTableEvent.Action.SUBMITTED, by=user,
                                      late=table.is_late)
    refresh_fed_values(table.month.year)
    return table


@transaction.atomic
def reopen(table: OperatorTable, user, reason: str) -> OperatorTable:
    """The pilot reopens a submitted table, with a reason kept in its history; its figures leave the indicators."""
    if not table.is_submitted:
        raise NotEditable(_("Seul un tableau transmis peut être rouvert."))
    table.status = OperatorTable.Status.REOPENED
    table.updated_by = user
    table.save(update_fields=["status", "updated_by", "updated_at"])
    OperatorTableEvent.objects.create(table=table, action=OperatorTableEvent.Action.REOPENED, by=user,
                                      reason=reason)
    refresh_fed_values(table.month.year)
    return table


# --- Feeding the hand-entered indicators -------------------------------------------------------------
def _aggregate(tables: list[OperatorTable]) -> dict:
    """Sums of a set of submitted tables for one year: flows summed, stocks from each operator's last month."""
    sums: dict = {name: None for name in COUNTS}
    last: dict[int, OperatorTable] = {}
    for table in tables:
        for name in COUNTS:
            value = getattr(table, name)
            if value is not None:
                sums[name] = (sums[name] or 0) + value
        if table.operator_id not in last or table.month > last[table.operator_id].month:
            last[table.operator_id] = table
    stocks = {field for _unit, how, field in FEEDS.values() if how == "stock"}
    for name in stocks:
        values = [getattr(t, name) for t in last.values() if getattr(t, name) is not None]
        sums[name] = sum(values) if values else None
    return sums


def year_figures(tables: list[OperatorTable]) -> dict[str, Decimal | int | None]:
    """code → the year's value of each fed indicator, from these submitted tables."""
    sums = _aggregate(tables)
    rates = {item["key"]: item["result"].value for item in percentages(sums)}
    out = {}
    for code, (_unit, how, name) in FEEDS.items():
        out[code] = rates.get(name) if how == "percent" else sums.get(name)
    return out


def fed_indicators() -> dict[str, Indicator]:
    """The manual indicators whose code and unit match a fed line."""
    found = Indicator.objects.filter(code__in=list(FEEDS), computation=Indicator.Computation.MANUAL
                                     ).select_related("convention")
    return {i.code: i for i in found if i.unit == FEEDS[i.code][0]}


def feed_status() -> list[dict]:
    """For the pilot: each fed code, its indicator if it exists, or why it is not fed."""
    existing = {i.code: i for i in Indicator.objects.filter(code__in=list(FEEDS))}
    rows = []
    for code, (unit, how, _name) in FEEDS.items():
        indicator = existing.get(code)
        problem = None
        if indicator is None:
            problem = _("à créer (indicateur saisi à la main, unité « %s »)") % Indicator.Unit(unit).label
        elif not indicator.is_manual:
            problem = _("l'indicateur doit être « saisi à la main »")
        elif indicator.unit != unit:
            problem = _("l'unité doit être « %s »") % Indicator.Unit(unit).label
        rows.append({"code": code, "indicator": indicator, "problem": problem, "how": how})
    return rows


@transaction.atomic
def refresh_fed_values(year: int) -> int:
    """Rewrite the fed indicators' values of ``year`` from the submitted tables (per territory and for the whole
    département); values with nothing submitted any more are withdrawn. Returns how many values were written."""
    indicators = fed_indicators()
    if not indicators:
        return 0
    tables = list(OperatorTable.objects.filter(status=OperatorTable.Status.SUBMITTED, month__year=year)
                  .select_related("operator"))
    groups: dict = {None: tables}
    for table in tables:
        if table.operator.territory_id is not None:
            groups.setdefault(table.operator.territory_id, []).append(table)
    written = 0
    for code, indicator in indicators.items():
        convention = indicator.convention
        if not convention.first_year <= year <= convention.last_year:
            continue
        territories = set(groups) | set(IndicatorValue.objects.filter(indicator=indicator, year=year,
                                                                      comment__startswith=FED_MARK)
                                        .values_list("territory_id", flat=True))
        for territory_id in territories:
            group = groups.get(territory_id, [])
            value = year_figures(group)[code] if group else None
            existing = IndicatorValue.objects.filter(indicator=indicator, year=year, territory_id=territory_id).first()
            if value is None:
                if existing is not None and existing.comment.startswith(FED_MARK):
                    existing.delete()
                continue
            months = len({t.month for t in group})
            comment = f"{FED_MARK} ({len(group)} tableau(x) transmis sur {months} mois)."
            if existing is None:
                IndicatorValue.objects.create(indicator=indicator, year=year, territory_id=territory_id,
                                              value=Decimal(value), comment=comment)
            else:
                existing.value, existing.comment = Decimal(value), comment
                existing.save(update_fields=["value", "comment", "updated_at"])
            written += 1
    return written


# --- The pilot's overview -----------------------------------------------------------------------------
@dataclass
class OverviewRow:
    operator: ReportingOperator
    table: OperatorTable | None
    reminders: list = field(default_factory=list)

    @property
    def state(self) -> str:
        if self.table is None:
            return "missing"
        return self.table.status


def overview(month: dt.date) -> list[OverviewRow]:
    operators = list(ReportingOperator.objects.filter(is_active=True, first_month__lte=month)
                     .select_related("organisation", "territory").order_by("organisation__name"))
    tables = {t.operator_id: t for t in OperatorTable.objects.filter(month=month, operator__in=operators)}
    reminders = defaultdict(list)
    for reminder in OperatorReminder.objects.filter(month=month, operator__in=operators).order_by("sent_at"):
        reminders[reminder.operator_id].append(reminder)
    return [OverviewRow(op, tables.get(op.pk), reminders[op.pk]) for op in operators]


# --- Reminders ----------------------------------------------------------------------------------------
@dataclass
class ReminderReport:
    month: dt.date
    stage: str | None
    missing: int = 0
    reminded: int = 0
    already: int = 0
    queued: list = field(default_factory=list)


def reminder_stage(month: dt.date, today: dt.date) -> str | None:
    """Before the 5th of the next month nothing is sent; from the 5th to the 10th: due; after: late."""
    if today < next_month(month).replace(day=REMIND_FROM_DAY):
        return None
    return OperatorReminder.Stage.DUE if today <= deadline(month) else OperatorReminder.Stage.LATE


def send_reminders(*, today: dt.date | None = None, month: dt.date | None = None,
                   dry_run: bool = False) -> ReminderReport:
    """Remind the operators that have not submitted ``month`` (default: the previous month). Idempotent: one
    reminder per operator, month and stage; the e-mails are tasks (meetings/indicators/tasks.py)."""
    from meetings.indicators import tasks

    today = today or timezone.localdate()
    month = month or previous_month(today)
    stage = reminder_stage(month, today)
    report = ReminderReport(month=month, stage=stage)
    if stage is None:
        return report
    missing = [row.operator for row in overview(month) if row.state != OperatorTable.Status.SUBMITTED]
    report.missing = len(missing)
    done = set(OperatorReminder.objects.filter(month=month, stage=stage, operator__in=missing)
               .values_list("operator_id", flat=True))
    report.already = len(done)
    todo = [op for op in missing if op.pk not in done]
    report.reminded = len(todo)
    if dry_run or not todo:
        return report
    with transaction.atomic():
        for operator in todo:
            OperatorReminder.objects.create(operator=operator, month=month, stage=stage,
                                            recipients=len([u for u in users_of(operator) if u.email]))
            report.queued.append(operator)
        transaction.on_commit(lambda: [tasks.send_operator_reminder.enqueue(op.pk, month.isoformat(), stage)
                                       for op in todo])
    return report


def reminder_message(operator: ReportingOperator, month: dt.date, stage: str) -> tuple[str, str]:
    from django.template.loader import render_to_string
    from django.urls import reverse

    from relais.links import absolute_url

    url = absolute_url(reverse("indicators:operator-table", args=[operator.pk, f"{month:%Y-%m}"]))
    subject = (_("[Relais] Tableau de suivi de %(month)s à transmettre avant le %(deadline)s")
               if stage == OperatorReminder.Stage.DUE else
               _("[Relais] Tableau de suivi de %(month)s : la date du %(deadline)s est passée"))
    context = {"operator": operator, "month": month_label(month), "deadline": f"{deadline(month):%d/%m/%Y}",
               "late": stage == OperatorReminder.Stage.LATE, "url": url, "site_name": settings.WAGTAIL_SITE_NAME}
    return (subject % {"month": month_label(month), "deadline": context["deadline"]},
            render_to_string("indicators/email/operator_reminder.txt", context))


# --- The operator report (per partner) ----------------------------------------------------------------
EXPORT_FIXED = ["Opérateur", "Territoire", "Mois", "État", "Transmis le", "En retard"]


def export_rows(tables: list[OperatorTable]) -> tuple[list[str], list[list]]:
    """One line per table: every typed count, the attendance lines, and the computed percentages."""
    percent_labels = [f"{text} (%)" for _k, text, _n, _d in PERCENTAGES]
    header = [*EXPORT_FIXED, *[capfirst(label(n)) for n in [*TYPED, *EQUIPMENT]],
              *[capfirst(label(n)) for n in ("suivi_presences", "permanences_held", "copil_held")],
              *[str(p) for p in percent_labels]]
    rows = []
    for table in tables:
        attendance = shown_attendance(table)
        submitted = timezone.localtime(table.submitted_at).strftime("%d/%m/%Y") if table.submitted_at else ""
        row = [table.operator.organisation.name, table.operator.territory.name if table.operator.territory else "",
               f"{table.month:%Y-%m}", table.get_status_display(), submitted,
               "oui" if table.is_late and table.is_submitted else "non"]
        row += [_number(getattr(table, n)) for n in TYPED]
        row += ["oui" if getattr(table, n) else "non" for n in EQUIPMENT]
        row += [attendance["suivi_presences"], attendance["permanences_held"],
                "oui" if attendance["copil_held"] else "non"]
        row += [_number(p["result"].value) for p in percentages(table)]
        rows.append(row)
    return header, rows


def _number(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return int(value) if value == int(value) else float(value)
    return value
