"""Demo indicator matrix (data/indicators.toml): the seeds' convention targets, moved onto the demo's years,
and hand-entered values; a demo operator (the Mission locale of the Arrageois) with a submitted month and a
draft of its monthly table.

The seeds' convention (Maine-et-Loire, fiche action n°4, and the CCAS line of fiche action n°2) runs over
2019–2021; the demo's meetings run over 2025–2027, so its targets are mapped 2019 → 2025, 2020 → 2026,
2021 → 2027 (and said so in the convention's note). The hand-entered values for 2025 and 2026 are invented.
Idempotent: a second run changes nothing.
"""

from decimal import Decimal

from meetings.indicators.models import Convention, Indicator, IndicatorTarget, IndicatorValue
from relais.demo import read

C = Indicator.Computation


def load(log) -> None:
    from meetings.models import Body

    data = read("indicators.toml")
    years = data["convention"]["years"]
    convention, _ = Convention.objects.get_or_create(
        name=data["convention"]["name"],
        defaults={"first_year": years[0], "last_year": years[-1], "note": data["convention"]["note"]})
    # The rule counts every training body; the trainings that are not "référent de parcours" are excluded.
    other_trainings = list(Body.objects.filter(kind=Body.Kind.FORMATION).exclude(name__icontains="référent"))
    for order, spec in enumerate(data["indicators"], 1):
        computation = C(spec["computation"])
        indicator, created = Indicator.objects.get_or_create(code=spec["code"], defaults={
            "convention": convention, "name": spec["name"], "computation": computation,
            "unit": Indicator.Unit(spec["unit"]), "definition": spec["definition"], "source": spec["source"],
            "sort_order": order, "presence_basis": Indicator.Basis(spec.get("presence_basis", "effective"))})
        if not created:
            continue  # the département may have edited it since: leave it alone
        for year, target in zip(years, spec.get("targets", ()), strict=False):
            IndicatorTarget.objects.create(indicator=indicator, year=year, value=Decimal(target))
        for year, value in zip(years, spec.get("values", ()), strict=False):
            IndicatorValue.objects.create(indicator=indicator, year=year, value=Decimal(value))
        if computation == C.TRAINED and other_trainings:  # the cumulative figure counts the same bodies
            indicator.excluded_bodies.set(other_trainings)
    log(f"Indicateurs : {Indicator.objects.count()} définitions, {IndicatorTarget.objects.count()} cibles, "
        f"{IndicatorValue.objects.count()} valeurs saisies (cibles 2019–2021 reportées sur 2025–2027)")
    _load_operator(data.get("operator"), log)


def _load_operator(spec, log) -> None:
    """The demo operator and two months of its table (a submitted one, a draft), through the table's own rules
    (operator_table.submit freezes the attendance lines). Created once: an operator that exists is left alone."""
    if not spec:
        return
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.contrib.auth import get_user_model

    from directory.models import Organisation, Territory
    from meetings.indicators import operator_table
    from meetings.indicators.models import OperatorTable, ReportingOperator

    organisation = Organisation.objects.filter(source_id=spec["organisation"]).first()
    if organisation is None:
        return
    operator, created = ReportingOperator.objects.get_or_create(organisation=organisation, defaults={
        "territory": Territory.objects.filter(code=spec["territory"]).first(), "first_month": spec["first_month"]})
    if not created:
        return
    user = get_user_model().objects.filter(username=spec["filled_by"]).first()
    submitted, draft = spec["submitted"], spec["draft"]
    at = datetime.combine(submitted["at"].date(), submitted["at"].time(), tzinfo=ZoneInfo("Europe/Paris"))
    operator_table.submit(OperatorTable(operator=operator, month=submitted["month"]), submitted["values"], user,
                          now=at)
    operator_table.save_draft(OperatorTable(operator=operator, month=draft["month"]), draft["values"], user)
    log(f"Tableau de suivi : {organisation.name}, {submitted['month']:%m/%Y} transmis, "
        f"{draft['month']:%m/%Y} en brouillon")
