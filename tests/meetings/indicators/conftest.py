"""A small partnership written out by hand, so that every computed indicator can be checked to the unit.

Year 2026 (all times Europe/Paris):

| session | body (kind, territory) | status | invitations → attendance |
|---|---|---|---|
| M1 10/03 | COPIL (copil, decision, département 62) | held | Alpha titulaire → substitute; |
|  |  |  | Alpha suppléant → none; Beta → represented; Gamma → excused; |
|  |  |  | youth Y1 → present; youth Y2 → absent; walk-in Delta → present |
| M2 15/04 | Comité de suivi Arras (suivi, decision, commune Arras) | held | Alpha → present; Beta → remote; |
|  |  |  | Gamma → absent; Delta → excused; youth Y3 → present |
| M3 20/05 | Comité de suivi Boulonnais (suivi, decision, Boulonnais) | held | Alpha → present; Gamma → present |
| M4 20/06 | Comité de suivi Boulonnais | cancelled | Alpha → present; Gamma → present |
| M5 15/09 | Comité de suivi Arras | convened | Alpha (no attendance yet) |
| M6 01/02 | Comité technique Arrageois (technique, not decision, Arrageois) | held | Alpha → present; Beta → absent |
| M7 15/03 | Comité technique Arrageois | held | Alpha → present; Beta → present |
| M8 05/10 | Formation référent de parcours (formation, 62) | held | 3 half-days: P1 all, P2 two of three, P3 all |
| M9 10/11 | Formation référent de parcours | held | 2 half-days: P1 both, P4 both |
| M10 01/12 | Formation référent de parcours | cancelled | 1 half-day: P5 |
| M11 20/10 | Formation premiers secours (formation, 62) | held | 1 half-day: P6 (not a référent de parcours training) |
| M13 10/01 | Permanence Arras (permanence, commune Arras) | held | Alpha → present |
| M14 10/02 | Permanence Arras | held | (nobody expected nor recorded: closed, not "held", see below) |
| M15 10/03 | Permanence Arras | cancelled | |

Year 2025: M12 01/06/2025 Formation référent de parcours, held, 1 half-day signed by P7 and P1.
Year 2027: nothing.

"Held" (permanences, COPIL) means closed with at least one expected member there itself: M14 is not.
Every session here is in the past; M5 (convened, 15/09/2026) is still open: "non clôturée", reported apart.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from meetings.indicators.models import Convention, Indicator, IndicatorTarget, IndicatorValue
from meetings.models import Attendance, Body, BodyMember, HalfDay, HalfDaySignature, Invitation, Meeting
from tests import builders, module_data

C = Indicator.Computation
U = Indicator.Unit


def at(year, month, day, hour=14):
    return timezone.make_aware(dt.datetime(year, month, day, hour, 0))


class Builder:
    def __init__(self):
        self.n = 0

    def meeting(self, body, when, status=Meeting.Status.HELD):
        return builders.make_meeting(body, start=when, status=status, convened_at=when - dt.timedelta(days=15))

    def invite(self, meeting, organisation=None, *, youth=False, seat="titulaire", status=None):
        self.n += 1
        key = f"youth:{self.n}" if youth else f"contact:{organisation.pk}:{seat}:{self.n}"
        invitation = Invitation.objects.create(meeting=meeting, organisation=organisation, person_key=key,
                                               person_name="Jeune" if youth else f"Personne {self.n}",
                                               is_youth_seat=youth, seat=seat)
        if status:
            Attendance.objects.create(meeting=meeting, invitation=invitation, status=status, person_key=key,
                                      organisation=organisation)
        return invitation

    def walk_in(self, meeting, organisation, status="present"):
        self.n += 1
        return Attendance.objects.create(meeting=meeting, invitation=None, status=status, organisation=organisation,
                                         person_key=f"walkin:{self.n}", person_name=f"Visiteur {self.n}")

    def training(self, body, when, signatures, status=Meeting.Status.HELD):
        """signatures: one list of (person_key, organisation) per half-day."""
        meeting = self.meeting(body, when, status)
        for index, signers in enumerate(signatures):
            day = when.date() + dt.timedelta(days=index // 2)
            half_day = HalfDay.objects.create(meeting=meeting, date=day, period="am" if index % 2 == 0 else "pm")
            for person_key, organisation in signers:
                HalfDaySignature.objects.create(half_day=half_day, person_key=person_key, person_name=person_key,
                                                organisation=organisation)
        return meeting


@pytest.fixture(scope="module")
def _world_once(request, module_transaction):
    return module_data.BuiltOnce(request, module_transaction, build_world)


@pytest.fixture
def world(db, _world_once):
    """The partnership of the table above (built once per module)."""
    return _world_once.get()


def build_world():
    b = Builder()
    places = builders.territory_world("62", "62-ARR", "62-BOU", "arras", "49", located=False)
    d62, arr, bou, arras, d49 = places.values()
    orgs = {name: builders.make_org(f"{label} {name}", slug=name.lower())
            for name, label in (("Alpha", "Mission locale"), ("Beta", "CCAS"), ("Gamma", "FJT"), ("Delta", "PJJ"))}
    A, B, G, D = orgs["Alpha"], orgs["Beta"], orgs["Gamma"], orgs["Delta"]

    copil = Body.objects.create(name="COPIL référent de parcours", slug="copil", kind="copil", territory=d62,
                                is_decision_body=True)
    suivi_arr = Body.objects.create(name="Comité de suivi Arras", slug="suivi-arras", kind="comite_suivi",
                                    territory=arras, is_decision_body=True)
    suivi_bou = Body.objects.create(name="Comité de suivi Boulonnais", slug="suivi-bou", kind="comite_suivi",
                                    territory=bou, is_decision_body=True)
    tech = Body.objects.create(name="Comité technique Arrageois", slug="tech-arr", kind="comite_technique",
                               territory=arr)
    form = Body.objects.create(name="Formation référent de parcours", slug="form-rp", kind="formation", territory=d62)
    form_other = Body.objects.create(name="Formation premiers secours", slug="form-ps", kind="formation",
                                     territory=d62)
    perm = Body.objects.create(name="Permanence Arras", slug="perm-arras", kind="permanence", territory=arras)
    member_alpha = BodyMember.objects.create(body=copil, organisation=A)
    BodyMember.objects.create(body=copil, organisation=B)
    BodyMember.objects.create(body=copil, organisation=G)

    m1 = b.meeting(copil, at(2026, 3, 10))
    b.invite(m1, A, status="substitute")
    b.invite(m1, A, seat="suppleant")
    b.invite(m1, B, status="represented")
    b.invite(m1, G, status="excused")
    b.invite(m1, youth=True, status="present")
    b.invite(m1, youth=True, status="absent")
    b.walk_in(m1, D)

    m2 = b.meeting(suivi_arr, at(2026, 4, 15))
    b.invite(m2, A, status="present")
    b.invite(m2, B, status="remote")
    b.invite(m2, G, status="absent")
    b.invite(m2, D, status="excused")
    b.invite(m2, youth=True, status="present")

    m3 = b.meeting(suivi_bou, at(2026, 5, 20))
    b.invite(m3, A, status="present")
    b.invite(m3, G, status="present")
    m4 = b.meeting(suivi_bou, at(2026, 6, 20), Meeting.Status.CANCELLED)
    b.invite(m4, A, status="present")
    b.invite(m4, G, status="present")
    m5 = b.meeting(suivi_arr, at(2026, 9, 15), Meeting.Status.CONVENED)
    b.invite(m5, A)

    m6 = b.meeting(tech, at(2026, 2, 1))
    b.invite(m6, A, status="present")
    b.invite(m6, B, status="absent")
    m7 = b.meeting(tech, at(2026, 3, 15))
    b.invite(m7, A, status="present")
    b.invite(m7, B, status="present")

    p = {f"P{i}": f"person:{i}" for i in range(1, 8)}
    m8 = b.training(form, at(2026, 10, 5, 9), [[(p["P1"], A), (p["P2"], B), (p["P3"], A)],
                                               [(p["P1"], A), (p["P2"], B), (p["P3"], A)],
                                               [(p["P1"], A), (p["P3"], A)]])
    m9 = b.training(form, at(2026, 11, 10, 9), [[(p["P1"], A), (p["P4"], G)], [(p["P1"], A), (p["P4"], G)]])
    b.training(form, at(2026, 12, 1, 9), [[(p["P5"], B)]], Meeting.Status.CANCELLED)
    b.training(form_other, at(2026, 10, 20, 9), [[(p["P6"], G)]])
    b.training(form, at(2025, 6, 1, 9), [[(p["P7"], B), (p["P1"], A)]])

    m13 = b.meeting(perm, at(2026, 1, 10))
    b.invite(m13, A, status="present")
    b.meeting(perm, at(2026, 2, 10))
    b.meeting(perm, at(2026, 3, 10), Meeting.Status.CANCELLED)

    convention = Convention.objects.create(name="Convention test", first_year=2025, last_year=2027)

    def indicator(code, computation, unit, order, targets=(), excluded=()):
        # "présence ou représentation": the figures this scenario was first computed with (the basis an
        # indicator created before the choice existed keeps); test_indicators_definitions.py covers both.
        ind = Indicator.objects.create(convention=convention, code=code, name=code.replace("-", " ").capitalize(),
                                       definition=f"Définition de {code}.", computation=computation, unit=unit,
                                       sort_order=order, presence_basis=Indicator.Basis.REPRESENTED)
        for year, value in targets:
            IndicatorTarget.objects.create(indicator=ind, year=year, value=Decimal(value))
        ind.excluded_bodies.set(excluded)
        return ind

    inds = SimpleNamespace(
        partner=indicator("presence-partenaires", C.PARTNER_PRESENCE, U.PERCENT, 1,
                          [(2025, 50), (2026, 70), (2027, 80)]),
        youth=indicator("presence-jeunes", C.YOUTH_PRESENCE, U.PERCENT, 2, [(2025, 30), (2026, 60), (2027, 80)]),
        # The rule counts every training; "premiers secours" is excluded (the cumulative figure shares the
        # annual one's selection).
        trained=indicator("professionnels-formes", C.TRAINED, U.COUNT, 3, [(2025, 30), (2026, 50)], [form_other]),
        trained_cumul=indicator("professionnels-formes-cumul", C.TRAINED_CUMULATIVE, U.COUNT, 4),
        suivi=indicator("presences-comite-suivi", C.SUIVI_PRESENCES, U.COUNT, 5),
        permanences=indicator("permanences", C.PERMANENCES, U.COUNT, 6, [(2026, 2)]),
        copil=indicator("copil", C.COPIL_HELD, U.YES_NO, 7, [(2026, 1)]),
        tech=indicator("comite-technique", C.TECHNIQUE_PARTICIPATION, U.PERCENT, 8),
        cjm=indicator("contrats-jeunes-majeurs", C.MANUAL, U.COUNT, 9, [(2026, 250)]),
    )
    IndicatorValue.objects.create(indicator=inds.cjm, year=2026, value=Decimal(231))
    IndicatorValue.objects.create(indicator=inds.cjm, year=2026, territory=arr, value=Decimal(40))
    return SimpleNamespace(d62=d62, arr=arr, bou=bou, arras=arras, d49=d49, A=A, B=B, G=G, D=D, copil=copil,
                           suivi_arr=suivi_arr, suivi_bou=suivi_bou, tech=tech, form=form, form_other=form_other,
                           perm=perm, m1=m1, m2=m2, m8=m8, m9=m9, member_alpha=member_alpha, ind=inds,
                           convention=convention)


@pytest.fixture
def secretary_of_suivi_arras(secretary, world):
    from guardian.shortcuts import assign_perm

    assign_perm("meetings.manage_body", secretary, world.suivi_arr)
    return secretary
