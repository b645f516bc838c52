"""Demo bodies of Pas-de-Calais and Maine-et-Loire with two years of sessions and realistic attendance
(data/meetings.toml: the bodies, the demo's calendar, the words of minutes, actions and decisions).

Sessions run from January 2025 to the demo's today (22 November 2026) and are held with attendance; later
ones are planned. Some organisations are often absent, youth seats fill up over time. People are the
directory's fictional contacts; young people appear as a first name and an initial only.

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
from relais.demo import read

DATA = read("meetings.toml")
PARIS = ZoneInfo("Europe/Paris")
FIRST_DAY = DATA["first_day"]
DEMO_TODAY = DATA["today"]
HORIZON = DATA["horizon"]
SEED = DATA["seed"]
SECRETARY_BODIES = tuple(DATA["secretary_bodies"])
PROFESSIONAL_BODIES = tuple(DATA["professional_bodies"])
SERIES_KEYS = ("youth_fill", "cancel_rate")


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


def _body(key, departement, territory=None):
    """Create the body ``key`` of data/meetings.toml once: (body, its series' options), or (None, {}) when it
    already exists (the demo never touches it again)."""
    spec = dict(DATA["bodies"][key])
    series = {"youth_fill_by_year": {int(year): share for year, share in spec.pop("youth_fill", {}).items()}}
    if "cancel_rate" in spec:
        series["cancel_rate"] = spec.pop("cancel_rate")
    names = {"code": departement.code, "departement": departement.name}
    if territory is not None:
        names |= {"suffix": territory.code.split("-", 1)[1].lower(), "territory": territory.name}
    fields = {name: value.format(**names) if isinstance(value, str) else value for name, value in spec.items()}
    slug = fields.pop("slug")
    if Body.objects.filter(slug=slug).exists():
        return None, {}
    fields["kind"] = Body.Kind(fields["kind"])
    fields["series_start"] = fields["series_start"].replace(tzinfo=PARIS)
    return Body.objects.create(slug=slug, territory=territory or departement, **fields), series


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
    labels = DATA["youth_labels"]
    youth_names = rng.sample(labels, k=min(len(labels), sum(i.is_youth_seat for i in invitations)))
    for inv in invitations:
        if inv.is_youth_seat:
            if rng.random() >= youth_fill:
                status = Attendance.Status.ABSENT
            else:
                inv.person_name = youth_names.pop() if youth_names else DATA["youth_fallback"]
                inv.save(update_fields=["person_name"])
                status = Attendance.Status.PRESENT
                # Now and then a professional speaks for the young people (deterministic: no draw of rng).
                holder = "professional" if (meeting.pk + inv.position) % 6 == 0 else "young"
        if not inv.is_youth_seat or status != Attendance.Status.PRESENT:
            holder = ""
        if not inv.is_youth_seat:
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
                               represented_by=DATA["represented_by"] if status == "represented" else "",
                               recorded_via=rng.choice(["secretary", "secretary", "self_checkin"]), recorded_by=by,
                               youth_seat_holder=holder))
    Attendance.objects.bulk_create(rows)
    if rng.random() < 0.2:
        services.add_walk_in(meeting, rng.choice(DATA["walk_ins"]), by=by)
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
        text=DATA["minutes"].format(date=f"{meeting.starts_at:%d/%m/%Y}"))
    Decision.objects.create(meeting=meeting, text=rng.choice(DATA["decisions"]))
    for _n in range(rng.randint(1, 2)):
        age = (DEMO_TODAY - meeting.starts_at.date()).days
        status = (Action.Status.DONE if age > 200 or rng.random() < 0.4 else
                  rng.choice([Action.Status.OPEN, Action.Status.IN_PROGRESS]))
        Action.objects.create(body=meeting.body, meeting=meeting, title=rng.choice(DATA["actions"]), status=status,
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
    core = ["ml", "mds", "ccas", "ft", "caf", "fjt"]

    body, series = _body("copil", departement)
    if body:
        orgs = []
        for t in territories[:4]:
            orgs += _orgs(t, ["ml", "mds"])
        orgs += _orgs(territories[0], ["caf", "ft", "ccas", "fjt"])
        for org in orgs:
            _seat(body, org, with_substitute=True)
        _run_series(body, random.Random(f"{SEED}-{body.slug}"), **series, organisations=orgs)
        created.append(body)

    for t in territories:
        body, series = _body("comite_suivi", departement, t)
        if body:
            orgs = _orgs(t, core + ["cllaj", "prev", "mecs", "pjj", "e2c"])
            for n, org in enumerate(orgs):
                _seat(body, org, voting=n < 6)
            _run_series(body, random.Random(f"{SEED}-{body.slug}"), **series, organisations=orgs)
            created.append(body)

    body, series = _body("comite_technique", departement)
    if body:
        orgs = []
        for t in territories:
            orgs += _orgs(t, ["ml"])
        orgs += _orgs(territories[0], ["mds", "fjt", "cllaj"])
        for org in orgs:
            _seat(body, org)
        _run_series(body, random.Random(f"{SEED}-{body.slug}"), **series, organisations=orgs)
        created.append(body)

    for t in territories[: (9 if code == "62" else 3)]:
        body, series = _body("permanence", departement, t)
        if body:
            for org in _orgs(t, ["ml", "mds"]):
                _seat(body, org)
            _run_series(body, random.Random(f"{SEED}-{body.slug}"), **series)
            created.append(body)

    body, series = _body("formation", departement)
    if body:
        pool = list(Contact.objects.filter(organisation__source_id__startswith=f"demo--{code}-",
                                           position__gte=1, position__lt=9).order_by("pk"))
        rng = random.Random(f"{SEED}-{body.slug}")
        trainer = DATA["trainers"][0] if code == "62" else DATA["trainers"][1]
        for meeting in services.generate_sessions(body, _at(HORIZON, 23)):
            meeting.trainer_name = trainer
            meeting.save()
        _run_series(body, rng, **series, training_pool=pool)
        created.append(body)

    body, series = _body("commission", departement)
    if body:
        orgs = _orgs(territories[0], ["mds", "ml", "fjt", "ccas"])
        for org in orgs:
            _seat(body, org)
        _run_series(body, random.Random(f"{SEED}-{body.slug}"), **series, organisations=orgs)
        created.append(body)
    return created


def _today_session(secretary):
    """A convened session on the demo's today (data/meetings.toml, today_session), so the live sheet can be
    tried at once."""
    spec = DATA["today_session"]
    body = Body.objects.filter(slug=spec["body"]).first()
    if body is None or body.meetings.filter(title=spec["title"]).exists():
        return
    start = datetime.combine(DEMO_TODAY, spec["start"], tzinfo=PARIS)
    meeting = Meeting.objects.create(body=body, title=spec["title"], starts_at=start,
                                     ends_at=start + timedelta(hours=spec["hours"]), place=body.default_place)
    for order, title in enumerate(spec["agenda"], 1):
        AgendaItem.objects.create(meeting=meeting, title=title, sort_order=order)
    services.freeze_invitations(meeting)
