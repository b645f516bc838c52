"""Demo bodies of Pas-de-Calais and Maine-et-Loire with two years of sessions and realistic attendance.

What the seeds describe: a COPIL once a year, a comité de suivi every quarter in each MDS territory, a
comité technique de réseau every 6 weeks, monthly permanences in the SEF services, trainings "référent de
parcours" and a commission "référent de parcours". Sessions run from January 2025 to the demo's today
(22 November 2026) and are held with attendance; later ones are planned. Some organisations are often
absent, youth seats fill up over time. People are the directory's fictional contacts; young people appear
as a first name and an initial only.

Deterministic (one seeded generator per body) and idempotent: a body that exists is left as it is.
"""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from guardian.shortcuts import assign_perm
from wagtail.signal_handlers import disable_reference_index_auto_update

from directory.models import Contact, ContactAccount, Organisation, Territory
from meetings import services
from meetings.models import (
    Action,
    AgendaItem,
    Attendance,
    Body,
    BodyMember,
    Decision,
    HalfDaySignature,
    Meeting,
    MinutesVersion,
)

PARIS = ZoneInfo("Europe/Paris")
FIRST_DAY = date(2025, 1, 1)
DEMO_TODAY = date(2026, 11, 22)
HORIZON = date(2027, 6, 30)
SEED = 2026

YOUTH_LABELS = ["Lina B.", "Noa K.", "Sami R.", "Inès T.", "Yanis M.", "Jade L.", "Ilyes D.", "Maëlys P.",
                "Rayan G.", "Chloé V.", "Nassim H.", "Emma F.", "Kenzo A.", "Léa S.", "Adam C."]
TRAINERS = ["Formatrice IRTS (démonstration)", "Formateur CNFPT (démonstration)"]
ACTIONS = [
    "Mettre à jour la liste des contacts référents par territoire",
    "Organiser une rencontre avec les bailleurs sociaux",
    "Diffuser la plaquette « référent de parcours » aux MECS",
    "Recenser les places en résidence Habitat Jeunes pour les 18-21 ans",
    "Préparer le bilan annuel des contrats jeunes majeurs",
    "Relancer les partenaires absents aux trois dernières séances",
    "Proposer un atelier « ouvrir ses droits CAF et CPAM » aux jeunes accompagnés",
]
DECISIONS = [
    "Le comité valide le calendrier des séances de l'année.",
    "Les situations de rupture sont présentées en commission sous quinze jours.",
    "Un référent de parcours est proposé à chaque jeune dès l'entretien des 17 ans.",
    "Le comité adopte le bilan présenté par la Mission locale.",
]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def _orgs(territory, kinds):
    """The demo organisations of a territory, by directory demo kind ("ml", "ccas"…), in that order."""
    by_source = {o.source_id.rsplit("--", 1)[-1]: o for o in
                 Organisation.objects.filter(source_id__startswith=f"demo--{territory.code}--")}
    return [by_source[k] for k in kinds if k in by_source]


def _named_contacts(org):
    return list(Contact.objects.filter(organisation=org, position__gte=1, position__lt=9).order_by("position"))


def _seat(body, org, *, voting=True, with_substitute=False):
    contacts = _named_contacts(org)
    BodyMember.objects.create(body=body, organisation=org, contact=contacts[0] if contacts else None,
                              seat="titulaire", voting=voting)
    if with_substitute and len(contacts) > 1:
        BodyMember.objects.create(body=body, organisation=org, contact=contacts[1], seat="suppleant",
                                  voting=voting)


def _body(slug, **fields):
    """Create the body once; None when it already exists (the demo never touches it again)."""
    if Body.objects.filter(slug=slug).exists():
        return None
    return Body.objects.create(slug=slug, **fields)


def _reliability(org_id: int) -> float:
    """Each organisation has its own habit: a few are often absent."""
    r = random.Random(org_id * 7919).random()
    return 0.3 if r < 0.15 else 0.6 if r < 0.4 else 0.88


def _hold(meeting, rng, *, youth_fill: float, training_people=None, by=None):
    """Convene, record a realistic attendance, close: the session counts as held."""
    services.freeze_invitations(meeting, people=training_people)
    invitations = list(meeting.invitations.all())
    rows = []
    status_of = {}
    youth_names = rng.sample(YOUTH_LABELS, k=min(len(YOUTH_LABELS), sum(i.is_youth_seat for i in invitations)))
    for inv in invitations:
        if inv.is_youth_seat:
            if rng.random() >= youth_fill:
                status = Attendance.Status.ABSENT
            else:
                inv.person_name = youth_names.pop() if youth_names else "Jeune accompagné·e"
                inv.save(update_fields=["person_name"])
                status = Attendance.Status.PRESENT
        else:
            p = _reliability(inv.organisation_id) if inv.organisation_id else 0.8
            if inv.seat == "suppleant":
                p = p * 0.5
            roll = rng.random()
            if roll < p:
                status = rng.choices(["present", "remote", "represented", "substitute"], [75, 15, 5, 5])[0]
            else:
                status = "excused" if rng.random() < 0.6 else "absent"
        arrived = meeting.starts_at + timedelta(minutes=rng.randint(-10, 25)) \
            if status in Attendance.PRESENT_STATUSES else None
        status_of[inv.pk] = status
        rows.append(Attendance(meeting=meeting, invitation=inv, status=status, organisation_id=inv.organisation_id,
                               person_name=inv.person_name, person_key=inv.person_key, arrived_at=arrived,
                               represented_by="Un·e collègue de la structure" if status == "represented" else "",
                               recorded_via=rng.choice(["secretary", "secretary", "self_checkin"]), recorded_by=by))
    Attendance.objects.bulk_create(rows)
    if rng.random() < 0.2:
        services.add_walk_in(meeting, rng.choice(["Stagiaire assistante sociale", "Invitée de la CAF",
                                                  "Chargé de mission DPID"]), by=by)
    if meeting.body.is_training:
        half_days = services.ensure_half_days(meeting)
        signatures = []
        for inv in invitations:
            if status_of[inv.pk] not in Attendance.PRESENT_STATUSES:
                continue
            missed = rng.random() < 0.12
            skip = rng.randrange(len(half_days)) if missed else None
            signatures += [HalfDaySignature(half_day=hd, invitation=inv, person_key=inv.person_key,
                                            person_name=inv.person_name, organisation_id=inv.organisation_id,
                                            signed_at=meeting.starts_at)
                           for n, hd in enumerate(half_days) if n != skip]
        HalfDaySignature.objects.bulk_create(signatures)
        for hd in half_days:
            hd.trainer_signed_at = meeting.starts_at
            hd.save(update_fields=["trainer_signed_at"])
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD, closed_at=meeting.ends_at)


def _minutes_and_actions(meeting, rng, organisations, by=None):
    if meeting.body.kind not in (Body.Kind.COPIL, Body.Kind.COMITE_SUIVI, Body.Kind.COMITE_TECHNIQUE):
        return
    MinutesVersion.objects.create(
        meeting=meeting, version=1, created_by=by, created_at=meeting.ends_at + timedelta(days=3),
        text=(f"<p>Séance du {meeting.starts_at:%d/%m/%Y}. Tour de table des situations suivies et point sur les "
              "partenariats du territoire.</p><p>Les échanges ont porté sur l'accès au logement des jeunes de 18 "
              "à 21 ans et sur la continuité des accompagnements après la sortie de l'ASE.</p>"))
    Decision.objects.create(meeting=meeting, text=rng.choice(DECISIONS))
    for _n in range(rng.randint(1, 2)):
        age = (DEMO_TODAY - meeting.starts_at.date()).days
        status = (Action.Status.DONE if age > 200 or rng.random() < 0.4 else
                  rng.choice([Action.Status.OPEN, Action.Status.IN_PROGRESS]))
        Action.objects.create(body=meeting.body, meeting=meeting, title=rng.choice(ACTIONS), status=status,
                              owner_organisation=rng.choice(organisations) if organisations else None,
                              due_date=meeting.starts_at.date() + timedelta(days=rng.choice((30, 45, 60, 90))))


def _run_series(body, rng, *, youth_fill_by_year, organisations=(), training_pool=None, by=None,
                cancel_rate=0.03):
    """Generate the body's sessions to the horizon, then hold the past ones."""
    services.generate_sessions(body, _at(HORIZON, 23))
    for meeting in body.meetings.order_by("starts_at"):
        day = meeting.starts_at.date()
        if day < FIRST_DAY:
            meeting.delete()
            continue
        if day >= DEMO_TODAY:
            continue
        if rng.random() < cancel_rate:
            meeting.status = Meeting.Status.CANCELLED
            meeting.save()
            continue
        people = None
        if training_pool is not None:
            people = rng.sample(training_pool, k=min(len(training_pool), rng.randint(9, 14)))
        _hold(meeting, rng, youth_fill=youth_fill_by_year.get(day.year, 0.5), training_people=people, by=by)
        _minutes_and_actions(meeting, rng, list(organisations), by=by)


@transaction.atomic
def load(log) -> None:
    # Wagtail's reference index is rebuilt by `wagtail update_index`; updating it on each of thousands of
    # demo saves would triple the loading time.
    with disable_reference_index_auto_update():
        _load(log)


SECRETARY_BODIES = ("copil-62", "comite-suivi-62-arr", "comite-technique-62", "formation-referent-parcours-62",
                    "permanence-sef-62-arr")
PROFESSIONAL_BODIES = ("comite-suivi-62-arr", "copil-62")


def _link_demo_account(user, slugs) -> bool:
    """Link a demo account to a named contact seated only on bodies of ``slugs`` (so that it sees no more than
    before); True when the account is linked. Never by e-mail: the link is explicit, as in production."""
    if ContactAccount.objects.filter(user=user).exists():
        return True
    seats = (BodyMember.objects.filter(body__slug__in=slugs, is_active=True, contact__isnull=False,
                                       contact__account__isnull=True)
             .select_related("contact").order_by("body__slug", "pk"))
    for seat in seats:
        elsewhere = BodyMember.objects.filter(contact=seat.contact).exclude(body__slug__in=slugs).exists()
        if not elsewhere:
            ContactAccount.objects.create(contact=seat.contact, user=user, method=ContactAccount.Method.DEMO)
            return True
    return False


def _load(log) -> None:
    secretary = get_user_model().objects.filter(username="secretaire").first()
    professional = get_user_model().objects.filter(username="pro").first()
    created = []
    for departement in Territory.objects.filter(kind=Territory.Kind.DEPARTEMENT, code__in=["62", "49"]).order_by(
            "-code"):
        created += _load_departement(departement, secretary)
    if secretary is not None:
        for slug in SECRETARY_BODIES:
            body = Body.objects.filter(slug=slug).first()
            if body is not None:
                assign_perm("meetings.manage_body", secretary, body)
        _today_session(secretary)
        _link_demo_account(secretary, SECRETARY_BODIES)
    if professional is not None:
        # The professional sits on these bodies through their directory contact where one fits (an explicit
        # link, as the pilot would set it), and is shown the others' sessions by permission.
        _link_demo_account(professional, PROFESSIONAL_BODIES)
        member_of = set(Body.objects.filter(members__contact__account__user=professional, members__is_active=True)
                        .values_list("slug", flat=True))
        for slug in PROFESSIONAL_BODIES:
            body = Body.objects.filter(slug=slug).first()
            if body is not None and slug not in member_of:
                assign_perm("meetings.view_body", professional, body)
    log(f"Instances : {Body.objects.count()} instances ({len(created)} créées), {Meeting.objects.count()} séances, "
        f"{Attendance.objects.count()} présences enregistrées")


def _load_departement(departement, secretary):
    code = departement.code
    territories = list(Territory.objects.filter(kind=Territory.Kind.TERRITOIRE, parent=departement).order_by("code"))
    if not territories:
        return []
    created = []
    youth_fill = {2025: 0.35, 2026: 0.6}
    core = ["ml", "mds", "ccas", "ft", "caf", "fjt"]

    body = _body(f"copil-{code}", name=f"Comité de pilotage « sorties de l'ASE » – {departement.name}",
                 kind=Body.Kind.COPIL, territory=departement, is_decision_body=True, quorum=6, youth_seats=2,
                 recurrence="FREQ=YEARLY", series_start=_at(date(2025, 3, 13), 14), default_duration_minutes=150,
                 default_place="Hôtel du Département, salle du conseil",
                 description="Pilotage annuel de la démarche « référent de parcours » avec les principaux partenaires.")
    if body:
        orgs = []
        for t in territories[:4]:
            orgs += _orgs(t, ["ml", "mds"])
        orgs += _orgs(territories[0], ["caf", "ft", "ccas", "fjt"])
        for org in orgs:
            _seat(body, org, with_substitute=True)
        _run_series(body, random.Random(f"{SEED}-{body.slug}"), youth_fill_by_year=youth_fill, organisations=orgs)
        created.append(body)

    for t in territories:
        suffix = t.code.split("-", 1)[1].lower()
        body = _body(f"comite-suivi-{code}-{suffix}", name=f"Comité de suivi – {t.name}", kind=Body.Kind.COMITE_SUIVI,
                     territory=t, is_decision_body=True, quorum=4, youth_seats=1,
                     recurrence="FREQ=MONTHLY;INTERVAL=3", series_start=_at(date(2025, 1, 16), 9, 30),
                     default_duration_minutes=120, default_place=f"Maison du Département Solidarité – {t.name}")
        if body:
            orgs = _orgs(t, core + ["cllaj", "prev", "mecs", "pjj", "e2c"])
            for n, org in enumerate(orgs):
                _seat(body, org, voting=n < 6)
            _run_series(body, random.Random(f"{SEED}-{body.slug}"), youth_fill_by_year=youth_fill,
                        organisations=orgs)
            created.append(body)

    body = _body(f"comite-technique-{code}", name=f"Comité technique de réseau – {departement.name}",
                 kind=Body.Kind.COMITE_TECHNIQUE, territory=departement, is_decision_body=False,
                 recurrence="FREQ=WEEKLY;INTERVAL=6", series_start=_at(date(2025, 1, 9), 14),
                 default_duration_minutes=120, default_place="Direction de la prévention et de l'insertion (DPID)",
                 default_video_link="https://visio.exemple.invalid/comite-technique")
    if body:
        orgs = []
        for t in territories:
            orgs += _orgs(t, ["ml"])
        orgs += _orgs(territories[0], ["mds", "fjt", "cllaj"])
        for org in orgs:
            _seat(body, org)
        _run_series(body, random.Random(f"{SEED}-{body.slug}"), youth_fill_by_year={}, organisations=orgs)
        created.append(body)

    for t in territories[: (9 if code == "62" else 3)]:
        suffix = t.code.split("-", 1)[1].lower()
        body = _body(f"permanence-sef-{code}-{suffix}", name=f"Permanence Mission locale au SEF – {t.name}",
                     kind=Body.Kind.PERMANENCE, territory=t, is_decision_body=False,
                     recurrence="FREQ=MONTHLY;BYDAY=+2TU", series_start=_at(date(2025, 1, 14), 9, 30),
                     default_duration_minutes=180, default_place=f"Service enfance famille (SEF) – {t.name}")
        if body:
            for org in _orgs(t, ["ml", "mds"]):
                _seat(body, org)
            _run_series(body, random.Random(f"{SEED}-{body.slug}"), youth_fill_by_year={}, cancel_rate=0.06)
            created.append(body)

    body = _body(f"formation-referent-parcours-{code}", name=f"Formation « référent de parcours » – {departement.name}",
                 kind=Body.Kind.FORMATION, territory=departement, is_decision_body=False,
                 recurrence="FREQ=MONTHLY;INTERVAL=3;BYDAY=+2TH", series_start=_at(date(2025, 2, 13), 9),
                 default_duration_minutes=32 * 60, default_place="Centre de formation du Département",
                 description="Deux journées : posture du référent de parcours, coordination, outils partagés.")
    if body:
        pool = list(Contact.objects.filter(organisation__source_id__startswith=f"demo--{code}-",
                                           position__gte=1, position__lt=9).order_by("pk"))
        rng = random.Random(f"{SEED}-{body.slug}")
        trainer = TRAINERS[0] if code == "62" else TRAINERS[1]
        for meeting in services.generate_sessions(body, _at(HORIZON, 23)):
            meeting.trainer_name = trainer
            meeting.save()
        _run_series(body, rng, youth_fill_by_year={}, training_pool=pool)
        created.append(body)

    body = _body(f"commission-referent-parcours-{code}", name=f"Commission référent de parcours – {departement.name}",
                 kind=Body.Kind.COMMISSION_RP, territory=departement, is_decision_body=True, youth_seats=1,
                 recurrence="FREQ=MONTHLY;BYDAY=+1WE", series_start=_at(date(2025, 1, 8), 14),
                 default_duration_minutes=90, default_place="Maison du Département Solidarité")
    if body:
        orgs = _orgs(territories[0], ["mds", "ml", "fjt", "ccas"])
        for org in orgs:
            _seat(body, org)
        _run_series(body, random.Random(f"{SEED}-{body.slug}"), youth_fill_by_year={2025: 0.7, 2026: 0.85},
                    organisations=orgs)
        created.append(body)
    return created


def _today_session(secretary):
    """A convened session of the comité technique today, so the live sheet can be tried at once."""
    body = Body.objects.filter(slug="comite-technique-62").first()
    if body is None or body.meetings.filter(title="Séance de démonstration du jour").exists():
        return
    start = _at(DEMO_TODAY, 14)
    meeting = Meeting.objects.create(body=body, title="Séance de démonstration du jour", starts_at=start,
                                     ends_at=start + timedelta(hours=2), place=body.default_place)
    AgendaItem.objects.create(meeting=meeting, title="Tour de table des situations", sort_order=1)
    services.freeze_invitations(meeting)
