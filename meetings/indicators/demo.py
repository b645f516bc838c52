"""Demo indicator matrix: the seeds' convention targets, moved onto the demo's years, and hand-entered values.

The seeds' convention (Maine-et-Loire, fiche action n°4, and the CCAS line of fiche action n°2) runs over
2019–2021; the demo's meetings run over 2025–2027, so its targets are mapped 2019 → 2025, 2020 → 2026,
2021 → 2027 (and said so in the convention's note). The hand-entered values for 2025 and 2026 are invented.
Idempotent: a second run changes nothing.
"""

from decimal import Decimal

from meetings.indicators.models import Convention, Indicator, IndicatorTarget, IndicatorValue

C = Indicator.Computation
U = Indicator.Unit
YEARS = (2025, 2026, 2027)
CONVENTION_NAME = "Convention d'appui à la lutte contre la pauvreté – démonstration"
NOTE = ("Cibles reprises de la fiche action n°4 (jeunes sortant de l'ASE) et de la fiche action n°2 (CCAS) de la "
        "convention 2019–2021, reportées sur les années de la démonstration : 2019 → 2025, 2020 → 2026, 2021 → 2027.")

# code, name, computation, unit, definition, source, targets (2025, 2026, 2027), hand-entered (2025, 2026)
INDICATORS = [
    ("presence-partenaires", "Taux de présence des partenaires aux instances de décision", C.PARTNER_PRESENCE,
     U.PERCENT,
     "Organisations partenaires attendues présentes (en personne, à distance, représentées ou suppléées) ÷ "
     "organisations partenaires attendues, additionnées sur les séances tenues des instances de décision, d'après "
     "la liste figée à la convocation. Une organisation compte une fois par séance, même avec deux sièges ; les "
     "sièges jeunes, les personnes venues sans convocation et les séances annulées ne comptent pas ; un excusé est "
     "absent.", "Fiche action n°4", (50, 70, 80), None),
    ("presence-jeunes", "Taux de présence des jeunes aux instances de décision", C.YOUTH_PRESENCE, U.PERCENT,
     "Sièges jeunes occupés (présent, à distance, représenté ou suppléé) ÷ sièges jeunes convoqués, sur les "
     "séances tenues des instances de décision.", "Fiche action n°4", (30, 60, 80), None),
    ("professionnels-formes", "Professionnels formés à la démarche « référent de parcours » (dans l'année)",
     C.TRAINED, U.COUNT,
     "Nombre de personnes distinctes ayant émargé à toutes les demi-journées d'au moins une session de formation "
     "« référent de parcours » tenue dans l'année.", "Fiche action n°4", (30, 50, 100), None),
    ("professionnels-formes-cumul", "Professionnels formés à la démarche « référent de parcours » (cumul)",
     C.TRAINED_CUMULATIVE, U.COUNT,
     "Nombre de personnes distinctes ayant émargé à toutes les demi-journées d'au moins une session de formation "
     "« référent de parcours », depuis le début de la convention jusqu'à la fin de l'année.", "Fiche action n°4",
     (), None),
    ("presences-comite-suivi", "Nombre de présences au comité de suivi", C.SUIVI_PRESENCES, U.COUNT,
     "Nombre de présences d'organisations partenaires aux séances tenues des comités de suivi (une par "
     "organisation et par séance, convoquée ou venue sans convocation).", "Appel à projets, indicateurs d'évaluation",
     (), None),
    ("permanences", "Nombre de permanences effectuées", C.PERMANENCES, U.COUNT,
     "Nombre de séances tenues des permanences (les séances annulées ne comptent pas).",
     "Appel à projets, indicateurs d'évaluation", (), None),
    ("copil", "Comité de pilotage organisé", C.COPIL_HELD, U.YES_NO,
     "Oui si au moins une séance d'un comité de pilotage a été tenue dans l'année (date de la dernière indiquée).",
     "Appel à projets, indicateurs d'évaluation", (1, 1, 1), None),
    ("comite-technique", "Participation au comité technique de réseau", C.TECHNIQUE_PARTICIPATION, U.PERCENT,
     "Organisations attendues présentes ÷ organisations attendues, additionnées sur les séances tenues des comités "
     "techniques de réseau, d'après la liste figée à la convocation.", "Fiche action n°4", (), None),
    ("personne-ressource", "Jeunes ayant pu choisir une personne ressource lors du passage à la majorité", C.MANUAL,
     U.PERCENT, "Saisi par le service ASE : jeunes devenus majeurs dans l'année ayant désigné une personne ressource "
                "÷ jeunes devenus majeurs dans l'année.", "Fiche action n°4", (50, 75, 100), (46, 71)),
    ("sorties-positives", "Sorties ayant évolué positivement suite à la mise en place d'un référent de parcours",
     C.MANUAL, U.PERCENT, "Saisi par le service ASE à partir des bilans de sortie de l'année.", "Fiche action n°4",
     (50, 75, 90), (44, 68)),
    ("contrats-jeunes-majeurs", "Nombre de contrats jeunes majeurs", C.MANUAL, U.COUNT,
     "Saisi par le service ASE : contrats jeunes majeurs signés dans l'année.", "Fiche action n°4", (210, 250, 280),
     (204, 243)),
    ("conventions-ccas", "Conventions avec les principaux CCAS du territoire", C.MANUAL, U.PERCENT,
     "Saisi par la direction de l'action sociale : CCAS principaux conventionnés ÷ CCAS principaux.",
     "Fiche action n°2", (75, 100, 100), (60, 85)),
]


def load(log) -> None:
    from meetings.models import Body

    convention, _ = Convention.objects.get_or_create(
        name=CONVENTION_NAME, defaults={"first_year": YEARS[0], "last_year": YEARS[-1], "note": NOTE})
    training_bodies = list(Body.objects.filter(kind=Body.Kind.FORMATION, name__icontains="référent"))
    for order, (code, name, computation, unit, definition, source, targets, values) in enumerate(INDICATORS, 1):
        indicator, created = Indicator.objects.get_or_create(code=code, defaults={
            "convention": convention, "name": name, "computation": computation, "unit": unit,
            "definition": definition, "source": source, "sort_order": order})
        if not created:
            continue  # the département may have edited it since: leave it alone
        for year, target in zip(YEARS, targets, strict=False):
            IndicatorTarget.objects.create(indicator=indicator, year=year, value=Decimal(target))
        for year, value in zip(YEARS, values or (), strict=False):
            IndicatorValue.objects.create(indicator=indicator, year=year, value=Decimal(value))
        if computation in (C.TRAINED, C.TRAINED_CUMULATIVE) and training_bodies:
            indicator.bodies.set(training_bodies)
    log(f"Indicateurs : {Indicator.objects.count()} définitions, {IndicatorTarget.objects.count()} cibles, "
        f"{IndicatorValue.objects.count()} valeurs saisies (cibles 2019–2021 reportées sur 2025–2027)")
