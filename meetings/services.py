"""Domain rules of sessions: generating a series, freezing the expected list, recording attendance.

Views, the websocket consumer, the self check-in and the demo loader all go through these functions, so a
presence is recorded the same way whichever path it comes from, and the database constraints settle races
(two secretaries, a double tap, a check-in at the same instant as a tick) into one row. A change of the
sheet is announced to its open sheets by ``announce_change``, once, after the commit: ``set_attendance``
(secretary's tap, page or websocket) and ``check_in`` (a phone) record and announce in one call.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from dateutil.rrule import rrulestr
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from meetings import live, signals
from meetings.models import (
    Action,
    AgendaItem,
    Attendance,
    Body,
    BodyMember,
    DrawnSignature,
    HalfDay,
    HalfDaySignature,
    Invitation,
    Meeting,
    MinutesVersion,
    SheetEvent,
)


class MeetingRuleError(Exception):
    """A request that breaks a rule of the session; the message is French and shown as is."""


# --- Series ---------------------------------------------------------------------------------------

def occurrences(body: Body, until: datetime) -> list[datetime]:
    """The start times the body's RRULE gives from its series start up to ``until`` (aware datetimes)."""
    if not body.recurrence or body.series_start is None:
        return []
    start = timezone.localtime(body.series_start)
    try:
        rule = rrulestr(body.recurrence.removeprefix("RRULE:"), dtstart=start.replace(tzinfo=None))
    except (ValueError, TypeError) as exc:
        message = _("La règle de récurrence « %(rule)s » est invalide.") % {"rule": body.recurrence}
        raise MeetingRuleError(message) from exc
    tz = start.tzinfo
    naive_until = timezone.localtime(until).replace(tzinfo=None)
    return [timezone.make_aware(dt, tz) for dt in rule.between(start.replace(tzinfo=None), naive_until, inc=True)]


def generate_sessions(body: Body, until: datetime) -> list[Meeting]:
    """Create the sessions of the series up to ``until`` that do not exist yet (idempotent).

    Each session remembers its occurrence: a session moved or cancelled by hand is never re-created.
    """
    existing = set(body.meetings.exclude(occurrence=None).values_list("occurrence", flat=True))
    duration = timedelta(minutes=body.default_duration_minutes or 120)
    created = []
    for when in occurrences(body, until):
        if when in existing:
            continue
        meeting = Meeting(body=body, starts_at=when, ends_at=when + duration, occurrence=when,
                          place=body.default_place, video_link=body.default_video_link)
        try:
            with transaction.atomic():
                meeting.save()
        except IntegrityError:  # generated concurrently by another run
            continue
        created.append(meeting)
    return created


# --- Freezing the expected list -------------------------------------------------------------------

def contact_person_key(contact_id: int) -> str:
    return f"contact:{contact_id}"


def name_person_key(name: str) -> str:
    return "name:" + (slugify(name) or "inconnu")


def expected_members(body: Body):
    return (BodyMember.objects.filter(body=body, is_active=True)
            .select_related("organisation", "contact").order_by("organisation__name", "seat", "sort_order", "pk"))


@transaction.atomic
def freeze_invitations(meeting: Meeting, *, people=None, by=None) -> list[Invitation]:
    """Copy the body's current members (and youth seats) into the session's invitations, once.

    Called when convocations are sent. Calling it again returns the frozen list unchanged: later
    membership changes never rewrite a session's expected list. ``people`` (directory contacts) replaces
    the body's members for sessions whose participants register one by one, such as trainings.
    """
    original, meeting = meeting, Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.convened_at is not None:
        return list(meeting.invitations.all())
    if meeting.status == Meeting.Status.CANCELLED:
        raise MeetingRuleError(_("Cette séance est annulée : elle ne peut pas être convoquée."))
    rows = []
    seen = set()
    if people is not None:
        seats = [(None, contact.organisation, contact, Invitation._meta.get_field("seat").default, True)
                 for contact in people]
    else:
        seats = [(m, m.organisation, m.contact, m.seat, m.voting) for m in expected_members(meeting.body)]
    for position, (member, organisation, contact, seat, voting) in enumerate(seats):
        if contact is not None:
            key = contact_person_key(contact.pk)
            name = contact.name
            email = contact.email or ""
        else:
            key = f"org:{organisation.pk}:{seat}:{member.pk}"
            name = ""
            email = organisation.email or ""
        if key in seen:
            continue
        seen.add(key)
        rows.append(Invitation(meeting=meeting, member=member, organisation=organisation, contact=contact,
                               person_name=name, person_key=key, email=email, seat=seat, voting=voting,
                               position=position))
    for n in range(meeting.body.youth_seats):
        rows.append(Invitation(meeting=meeting, person_key=f"youth-seat:{n + 1}", is_youth_seat=True,
                               seat=Invitation._meta.get_field("seat").default, voting=True,
                               position=10_000 + n))
    Invitation.objects.bulk_create(rows)
    signals.touch([meeting.pk])
    log_event(meeting, SheetEvent.Kind.EXPECTED, by=by, field=_("liste des personnes attendues"),
              old="", new=_("arrêtée : %(n)d personne(s) attendue(s)") % {"n": len(rows)})
    meeting.convened_at = timezone.now()
    # The body's settings that change the indicators are frozen with the list (docs/indicators.md).
    meeting.frozen_is_decision_body = meeting.body.is_decision_body
    meeting.frozen_youth_seats = meeting.body.youth_seats
    if meeting.status == Meeting.Status.PLANNED:
        meeting.status = Meeting.Status.CONVENED
    meeting.save()
    # The caller's instance reflects the new state too.
    original.convened_at, original.status, original.sequence = meeting.convened_at, meeting.status, meeting.sequence
    original.frozen_is_decision_body = meeting.frozen_is_decision_body
    original.frozen_youth_seats = meeting.frozen_youth_seats
    original._calendar_snapshot = meeting._calendar_snapshot
    roll_over_open_actions(meeting)
    return list(meeting.invitations.all())


def roll_over_open_actions(meeting: Meeting) -> int:
    """Put every open action of the body's earlier sessions on this session's agenda (once each)."""
    open_actions = (Action.objects.filter(body_id=meeting.body_id, status__in=Action.OPEN_STATUSES,
                                          meeting__starts_at__lt=meeting.starts_at)
                    .exclude(agenda_items__meeting=meeting).select_related("owner_organisation"))
    start = (meeting.agenda_items.aggregate(m=Max("sort_order"))["m"] or 0) + 1
    items = []
    for offset, action in enumerate(open_actions):
        owner = f" ({action.owner_organisation.name})" if action.owner_organisation_id else ""
        items.append(AgendaItem(meeting=meeting, action=action, sort_order=start + offset,
                                title=_("Suivi de l'action : %(title)s%(owner)s") % {"title": action.title,
                                                                                       "owner": owner}))
    AgendaItem.objects.bulk_create(items, ignore_conflicts=True)
    return len(items)


# --- Attendance -----------------------------------------------------------------------------------

KEEP = object()  # "leave this value as it is" (a departure time not given is not a departure cleared)


class TimeNeeded(MeetingRuleError):
    """A tick before the session starts or after it ends: the arrival time must be given (start suggested)."""

    def __init__(self, meeting: Meeting):
        self.suggested = timezone.localtime(meeting.starts_at).strftime("%H:%M")
        super().__init__(_("La séance se tient de %(start)s à %(end)s : indiquez l'heure d'arrivée "
                           "(début de la séance proposé : %(start)s).") % {
            "start": self.suggested, "end": timezone.localtime(meeting.ends_at).strftime("%H:%M")})


def _check_open(meeting: Meeting):
    if meeting.status == Meeting.Status.CANCELLED:
        raise MeetingRuleError(_("Cette séance est annulée : aucune présence ne peut être enregistrée."))
    if not meeting.is_frozen:
        raise MeetingRuleError(_("La liste des personnes attendues n'est pas encore arrêtée : "
                                 "envoyez d'abord les convocations."))


def _check_not_closed(meeting: Meeting):
    if meeting.closed_at:
        raise MeetingRuleError(_("L'émargement de cette séance est clos : rouvrez-le (avec un motif) pour "
                                 "modifier une présence."))


def during_session(meeting: Meeting, when: datetime) -> bool:
    return meeting.starts_at <= when <= meeting.ends_at


def session_time(meeting: Meeting, value: time) -> datetime:
    """A clock time typed on the sheet, on the session's day (its first day when it spans several)."""
    local = timezone.localtime(meeting.starts_at)
    return datetime.combine(local.date(), value, tzinfo=local.tzinfo)


def clock(meeting: Meeting, when: datetime | None) -> str:
    """A time as the sheet, the exports and the history show it: "14:05", with the date when it is not the
    session's first day."""
    if when is None:
        return ""
    local = timezone.localtime(when)
    if local.date() != timezone.localtime(meeting.starts_at).date():
        return local.strftime("%d/%m/%Y %H:%M")
    return local.strftime("%H:%M")


def _author(by) -> tuple:
    if getattr(by, "is_authenticated", False):
        return by, (by.get_full_name() or by.get_username())[:200]
    return None, ""


def log_event(meeting: Meeting, kind: str, *, by=None, via: str = Attendance.Via.SECRETARY, person_key: str = "",
              person_name: str = "", field: str = "", old: str = "", new: str = "", reason: str = "",
              save: bool = True) -> SheetEvent:
    """Add one line to the session's history (append-only). ``save=False`` returns it for a bulk insert."""
    user, name = _author(by)
    event = SheetEvent(meeting=meeting, kind=kind, by=user, by_name=name, via=via, person_key=person_key,
                       person_name=str(person_name)[:200], field=str(field)[:100], old_value=str(old),
                       new_value=str(new), reason=reason)
    if save:
        event.save()
    return event


def _attendance_facts(meeting: Meeting, attendance: Attendance | None) -> dict:
    """What the history compares before and after a change, as shown to people."""
    if attendance is None:
        return {_("présence"): str(_("Non pointé·e"))}
    facts = {_("présence"): str(attendance.get_status_display()),
             _("représenté·e par"): attendance.representation_label,
             _("arrivée"): clock(meeting, attendance.arrived_at), _("départ"): clock(meeting, attendance.left_at)}
    if attendance.youth_seat_holder:
        facts[_("siège jeune tenu par")] = str(attendance.get_youth_seat_holder_display())
    return facts


def _log_difference(meeting, before: dict, after: dict, *, by, via, person_key, person_name, reason=""):
    kinds = {_("présence"): SheetEvent.Kind.ATTENDANCE, _("représenté·e par"): SheetEvent.Kind.REPRESENTATION,
             _("arrivée"): SheetEvent.Kind.TIMES, _("départ"): SheetEvent.Kind.TIMES,
             _("siège jeune tenu par"): SheetEvent.Kind.ATTENDANCE}
    for field in after.keys() | before.keys():
        old, new = before.get(field, ""), after.get(field, "")
        if old != new:
            log_event(meeting, kinds[field], by=by, via=via, person_key=person_key, person_name=person_name,
                      field=field, old=old, new=new, reason=reason)


def _check_times(arrived: datetime | None, left: datetime | None):
    if arrived is not None and left is not None and left < arrived:
        raise MeetingRuleError(_("L'heure de départ doit être après l'heure d'arrivée."))


def record_attendance(invitation: Invitation, status: str, *, via: str = Attendance.Via.SECRETARY, by=None,
                      represented_by: str = "", represented_by_organisation=None, arrived_at: datetime | None = None,
                      left_at=KEEP, allow_closed: bool = False, youth_seat_holder: str | None = None) -> Attendance:
    """Set the status (and times, representation) of one expected person, and write the change to the history.

    A youth seat ticked present records who sat (``youth_seat_holder``: a young person unless the secretary
    says a professional spoke for them; kept on a later tap when not given); an absent one records nobody.

    Idempotent; concurrent calls end in one row (the last wins). The arrival is ``arrived_at`` when given,
    else the one already recorded, else now during the session (or the session's start outside it: the
    secretary's tap asks for the time first, see ``set_attendance``). "Représenté·e" needs an organisation.
    """
    if status not in Attendance.Status.values:
        raise MeetingRuleError(_("Statut de présence inconnu."))
    meeting = invitation.meeting
    _check_open(meeting)
    if not allow_closed:
        _check_not_closed(meeting)
    present = status in Attendance.PRESENT_STATUSES
    if not present and (DrawnSignature.objects.filter(invitation=invitation, voided_at__isnull=True).exists()
                        or HalfDaySignature.objects.filter(half_day__meeting=meeting,
                                                           person_key=invitation.person_key).exists()):
        raise MeetingRuleError(_("%(name)s a signé : annulez d'abord sa signature (avec un motif) pour la noter "
                                 "absente.") % {"name": invitation.display_name})
    if status == Attendance.Status.REPRESENTED and represented_by_organisation is None:
        raise MeetingRuleError(_("« Représenté·e » : indiquez l'organisation qui représente cette personne."))
    if youth_seat_holder not in (None, *Attendance.YouthSeatHolder.values):
        raise MeetingRuleError(_("Siège jeune : indiquez s'il est tenu par un·e jeune ou par un·e professionnel·le."))
    with_representative = status in (Attendance.Status.REPRESENTED, Attendance.Status.SUBSTITUTE)
    now = timezone.now()
    values = {"status": status, "meeting": meeting, "organisation_id": invitation.organisation_id,
              "person_name": invitation.person_name, "person_key": invitation.person_key,
              "represented_by": " ".join(represented_by.split())[:200] if with_representative else "",
              "represented_by_organisation": represented_by_organisation if with_representative else None,
              "recorded_via": via, "recorded_by": _author(by)[0], "recorded_at": now}
    for _attempt in range(3):
        try:
            with transaction.atomic():
                # Lock the attendance row only (PostgreSQL refuses FOR UPDATE on the nullable side of a join).
                attendance = (Attendance.objects.select_for_update(of=("self",))
                              .select_related("represented_by_organisation").filter(invitation=invitation).first())
                before = _attendance_facts(meeting, attendance)
                if attendance is None:
                    attendance = Attendance(invitation=invitation)
                was_present = attendance.pk is not None and attendance.is_present
                for field, value in values.items():
                    setattr(attendance, field, value)
                if not (invitation.is_youth_seat and present):
                    attendance.youth_seat_holder = ""
                elif youth_seat_holder:
                    attendance.youth_seat_holder = youth_seat_holder
                elif not attendance.youth_seat_holder:
                    attendance.youth_seat_holder = Attendance.YouthSeatHolder.YOUNG
                if not present:
                    attendance.arrived_at = attendance.left_at = None
                else:
                    if arrived_at is not None:
                        attendance.arrived_at = arrived_at
                    elif not (was_present and attendance.arrived_at):
                        attendance.arrived_at = now if during_session(meeting, now) else meeting.starts_at
                    if left_at is not KEEP:
                        attendance.left_at = left_at
                    _check_times(attendance.arrived_at, attendance.left_at)
                attendance.save()
                _log_difference(meeting, before, _attendance_facts(meeting, attendance), by=by, via=via,
                                person_key=invitation.person_key, person_name=invitation.display_name)
                return attendance
        except IntegrityError:  # the other secretary created it between our read and our insert
            continue
    raise MeetingRuleError(_("La présence n'a pas pu être enregistrée, réessayez."))


def clear_attendance(invitation: Invitation, *, by=None) -> None:
    """Back to "not recorded yet" (a mistaken tap); the history keeps what it was."""
    meeting = invitation.meeting
    _check_open(meeting)
    _check_not_closed(meeting)
    if DrawnSignature.objects.filter(invitation=invitation, voided_at__isnull=True).exists():
        raise MeetingRuleError(_("%(name)s a signé : annulez d'abord sa signature (avec un motif).") % {
            "name": invitation.display_name})
    with transaction.atomic():
        attendance = Attendance.objects.select_for_update().filter(invitation=invitation).first()
        if attendance is None:
            return
        before = _attendance_facts(meeting, attendance)
        attendance.delete()
        log_event(meeting, SheetEvent.Kind.ATTENDANCE, by=by, person_key=invitation.person_key,
                  person_name=invitation.display_name, field=_("présence"), old=before[_("présence")],
                  new=str(_("Non pointé·e")))


def add_walk_in(meeting: Meeting, name: str, *, organisation=None, organisation_name: str = "",
                status: str = Attendance.Status.PRESENT, via: str = Attendance.Via.SECRETARY, by=None,
                arrived_at: datetime | None = None) -> tuple[Attendance, bool]:
    """Record someone who came without being expected; never counted in the expected list.

    The organisation is one of the directory (``organisation``) or typed (``organisation_name``) when the
    directory does not have it yet.
    """
    _check_open(meeting)
    _check_not_closed(meeting)
    name = " ".join((name or "").split())[:200]
    if not name:
        raise MeetingRuleError(_("Indiquez le nom de la personne."))
    key = name_person_key(name)
    if Invitation.objects.filter(meeting=meeting, person_key=key).exists():
        raise MeetingRuleError(_("Cette personne est déjà sur la liste des personnes attendues."))
    now = timezone.now()
    if arrived_at is None:
        arrived_at = now if during_session(meeting, now) or via == Attendance.Via.SELF_CHECKIN else meeting.starts_at
    typed = "" if organisation is not None else " ".join((organisation_name or "").split())[:200]
    try:
        with transaction.atomic():
            attendance, created = Attendance.objects.get_or_create(
                meeting=meeting, invitation=None, person_key=key,
                defaults={"status": status, "person_name": name, "organisation": organisation,
                          "organisation_name": typed, "arrived_at": arrived_at, "recorded_via": via,
                          "recorded_at": now, "recorded_by": _author(by)[0]})
            if created:
                who = f"{name} ({attendance.organisation_label})" if attendance.organisation_label else name
                log_event(meeting, SheetEvent.Kind.WALK_IN, by=by, via=via, person_key=key, person_name=who,
                          field=_("présence"), old="", new=f"{attendance.get_status_display()} · "
                          f"{_('arrivée')} {clock(meeting, arrived_at)}")
    except IntegrityError:
        attendance, created = Attendance.objects.get(meeting=meeting, invitation=None, person_key=key), False
    return attendance, created


def correct_walk_in_times(attendance: Attendance, *, arrived_at: datetime | None, left_at=KEEP, by=None) -> Attendance:
    """The secretary corrects a walk-in's arrival or departure; the history keeps the old times."""
    meeting = attendance.meeting
    _check_open(meeting)
    _check_not_closed(meeting)
    with transaction.atomic():
        attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
        before = _attendance_facts(meeting, attendance)
        if arrived_at is not None:
            attendance.arrived_at = arrived_at
        if left_at is not KEEP:
            attendance.left_at = left_at
        _check_times(attendance.arrived_at, attendance.left_at)
        attendance.recorded_by, attendance.recorded_at = _author(by)[0], timezone.now()
        attendance.save()
        _log_difference(meeting, before, _attendance_facts(meeting, attendance), by=by,
                        via=Attendance.Via.SECRETARY, person_key=attendance.person_key,
                        person_name=attendance.person_name)
    return attendance


def name_youth_seat(invitation: Invitation, label: str, *, holder: str = "", by=None) -> Invitation:
    """Give a youth seat the first name and initial (or pseudonym) the secretary chose; nothing more (RGPD).

    ``holder`` says who sat on the seat ticked present: a young person or a professional speaking for them
    (``Attendance.YouthSeatHolder``); the change goes through ``record_attendance``, so into the history.
    """
    if not invitation.is_youth_seat:
        raise MeetingRuleError(_("Seuls les sièges jeunes se nomment ainsi."))
    label = " ".join((label or "").split())[:60]
    if not label:
        raise MeetingRuleError(_("Indiquez un prénom et une initiale, ou un pseudonyme."))
    if holder:
        attendance = Attendance.objects.filter(invitation=invitation).first()
        if attendance is None or not attendance.is_present:
            raise MeetingRuleError(_("Pointez d'abord le siège jeune présent, puis dites qui l'a tenu."))
        if attendance.youth_seat_holder != holder:
            record_attendance(invitation, attendance.status, by=by, youth_seat_holder=holder,
                              represented_by=attendance.represented_by,
                              represented_by_organisation=attendance.represented_by_organisation)
    old = invitation.person_name
    if old == label:
        return invitation
    with transaction.atomic():
        invitation.person_name = label
        invitation.save(update_fields=["person_name"])
        Attendance.objects.filter(invitation=invitation).update(person_name=label)
        log_event(invitation.meeting, SheetEvent.Kind.EXPECTED, by=by, person_key=invitation.person_key,
                  person_name=label, field=_("siège jeune"), old=old or str(_("Siège jeune (à compléter)")),
                  new=label)
    return invitation


@transaction.atomic
def close_sheet(meeting: Meeting, *, by=None) -> Meeting:
    """Close the attendance sheet: self check-in is refused from now on, the session counts as held.

    Expected people with nothing recorded are marked absent, so the frozen list has one attendance each;
    the history says so for each of them.
    """
    original, meeting = meeting, Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_open(meeting)
    if meeting.closed_at is None:
        missing = list(meeting.invitations.filter(attendance__isnull=True))
        user = _author(by)[0]
        Attendance.objects.bulk_create([
            Attendance(meeting=meeting, invitation=inv, status=Attendance.Status.ABSENT,
                       organisation_id=inv.organisation_id, person_name=inv.person_name, person_key=inv.person_key,
                       recorded_via=Attendance.Via.SECRETARY, recorded_by=user)
            for inv in missing
        ], ignore_conflicts=True)
        signals.touch([meeting.pk])
        absent = str(Attendance.Status.ABSENT.label)
        SheetEvent.objects.bulk_create([
            log_event(meeting, SheetEvent.Kind.ATTENDANCE, by=by, person_key=inv.person_key,
                      person_name=inv.display_name, field=_("présence"), old=str(_("Non pointé·e")), new=absent,
                      reason=_("clôture de l'émargement"), save=False)
            for inv in missing])
        meeting.closed_at = timezone.now()
        meeting.status = Meeting.Status.HELD
        meeting.save()
        log_event(meeting, SheetEvent.Kind.SHEET, by=by, field=_("émargement"), old=str(_("ouvert")),
                  new=str(_("clos")))
        original.closed_at, original.status, original.sequence = meeting.closed_at, meeting.status, meeting.sequence
        original._calendar_snapshot = meeting._calendar_snapshot
    return meeting


@transaction.atomic
def reopen_sheet(meeting: Meeting, *, reason: str = "", by=None) -> Meeting:
    """Reopen a closed sheet: only with a reason, written to the history with who and when."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise MeetingRuleError(_("Indiquez le motif de la réouverture de l'émargement."))
    if meeting.closed_at is None:
        return meeting
    meeting.closed_at = None
    meeting.save(update_fields=["closed_at", "updated_at"])
    log_event(meeting, SheetEvent.Kind.SHEET, by=by, field=_("émargement"), old=str(_("clos")),
              new=str(_("rouvert")), reason=reason)
    return meeting


def cancel_meeting(meeting: Meeting) -> Meeting:
    if meeting.closed_at is not None:
        raise MeetingRuleError(_("Une séance tenue ne peut pas être annulée."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.save()
    return meeting


def record_reply(invitation: Invitation, reply: str) -> Invitation:
    """The answer to the convocation (will come / won't), kept apart from the attendance itself."""
    if reply not in (Invitation.Reply.YES, Invitation.Reply.NO):
        raise MeetingRuleError(_("Réponse inconnue."))
    invitation.reply = reply
    invitation.replied_at = timezone.now()
    invitation.save(update_fields=["reply", "replied_at"])
    return invitation


# --- Minutes, decisions, actions ------------------------------------------------------------------

def save_minutes(meeting: Meeting, text: str, *, by=None) -> MinutesVersion:
    """Add a new version of the minutes (the earlier ones stay)."""
    for _attempt in range(3):
        last = meeting.minutes_versions.aggregate(m=Max("version"))["m"] or 0
        try:
            with transaction.atomic():
                return MinutesVersion.objects.create(meeting=meeting, version=last + 1, text=text,
                                                     created_by=by if getattr(by, "is_authenticated", False) else None)
        except IntegrityError:
            continue
    raise MeetingRuleError(_("Le compte rendu n'a pas pu être enregistré, réessayez."))


# --- Trainings ------------------------------------------------------------------------------------

# A half-day's usual hours; a session starting or ending within a half-day gives its own hour instead.
MORNING, AFTERNOON = (time(9, 0), time(12, 30)), (time(13, 30), time(17, 0))
NOON = time(13, 0)


def half_day_slots(starts_at: datetime, ends_at: datetime) -> list[tuple]:
    """(date, period, start, end) of each morning and afternoon a training from ``starts_at`` to ``ends_at``
    spans, with its hours: 9:00–12:30 and 13:30–17:00, or the session's own start or end within it."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    tz = start.tzinfo
    slots = []
    day = start.date()
    while day <= end.date():
        noon = datetime.combine(day, NOON, tzinfo=tz)
        day_start = datetime.combine(day, time(0, 0), tzinfo=tz)
        day_end = day_start + timedelta(days=1)
        for period, (usual_start, usual_end), begins, finishes in (
                (HalfDay.Period.AM, MORNING, day_start, noon), (HalfDay.Period.PM, AFTERNOON, noon, day_end)):
            if not (start < finishes and end > begins):
                continue
            first = start.time() if begins <= start < finishes else usual_start
            last = end.time() if begins < end <= finishes and end < day_end else usual_end
            if last <= first:  # starts after the usual end of the half-day: it lasts to noon or midnight
                last = NOON if period == HalfDay.Period.AM else time(23, 59)
            slots.append((day, period, first.replace(second=0, microsecond=0), last.replace(second=0, microsecond=0)))
        day += timedelta(days=1)
    return slots


def _is_signed(half_day: HalfDay) -> bool:
    return bool(half_day.trainer_signed_at) or half_day.signatures.exists() or half_day.drawn_signatures.exists()


def signed_half_days_dropped(meeting: Meeting, starts_at: datetime, ends_at: datetime) -> list[HalfDay]:
    """The half-days already signed (by a trainee or the trainer) that new dates would leave out."""
    if meeting.pk is None:
        return []
    wanted = {(day, period) for day, period, _start, _end in half_day_slots(starts_at, ends_at)}
    return [hd for hd in meeting.half_days.all() if (hd.date, hd.period) not in wanted and _is_signed(hd)]


def dropped_half_days_message(dropped: list[HalfDay]) -> str:
    return _("Ces dates retireraient des demi-journées déjà signées (%(list)s) : une signature ne disparaît pas "
             "en silence. Gardez ces demi-journées dans les dates de la formation, ou annulez d'abord les "
             "signatures, avec un motif.") % {"list": ", ".join(str(hd) for hd in dropped)}


@transaction.atomic
def ensure_half_days(meeting: Meeting, *, by=None) -> list[HalfDay]:
    """Bring a training's half-days in line with its dates: one per morning and afternoon it spans, with
    their hours. Half-days the dates no longer cover are removed, unless signed: then nothing changes and
    ``MeetingRuleError`` says which ones (the date change must be refused). The history keeps each change."""
    slots = half_day_slots(meeting.starts_at, meeting.ends_at)
    existing = {(hd.date, hd.period): hd for hd in HalfDay.objects.select_for_update().filter(meeting=meeting)}
    wanted = {(day, period): (first, last) for day, period, first, last in slots}
    dropped = [hd for key, hd in existing.items() if key not in wanted]
    signed = [hd for hd in dropped if _is_signed(hd)]
    if signed:
        raise MeetingRuleError(dropped_half_days_message(signed))
    before = ", ".join(f"{hd} {hd.hours_label}".strip() for hd in sorted(existing.values(), key=_slot_order))
    changed = bool(dropped)
    for hd in dropped:
        hd.delete()
    for (day, period), (first, last) in wanted.items():
        hd = existing.get((day, period))
        if hd is None:
            HalfDay.objects.create(meeting=meeting, date=day, period=period, start=first, end=last,
                                   trainer_name=meeting.trainer_name)
            changed = True
        elif (hd.start, hd.end) != (first, last):
            # Hours first filled in (half-days made before they had hours) are no change of the dates.
            changed = changed or hd.start is not None
            hd.start, hd.end = first, last
            hd.save(update_fields=["start", "end"])
    half_days = list(meeting.half_days.all())
    if existing and changed:
        log_event(meeting, SheetEvent.Kind.SHEET, by=by, field=_("demi-journées"), old=before,
                  new=", ".join(f"{hd} {hd.hours_label}" for hd in half_days))
    return half_days


def training_half_days(meeting: Meeting) -> list[HalfDay]:
    """A training's half-days, made (or given their hours) the first time they are needed."""
    half_days = list(meeting.half_days.all())
    if not half_days or any(hd.start is None for hd in half_days):
        return ensure_half_days(meeting)
    return half_days


def _slot_order(hd: HalfDay):
    return hd.date, hd.period


def _refuse_if_not_present(invitation: Invitation):
    attendance = Attendance.objects.filter(invitation=invitation).first()
    if attendance is not None and not attendance.is_present:
        raise MeetingRuleError(_("%(name)s est noté·e %(status)s : une personne absente ne signe pas.") % {
            "name": invitation.display_name, "status": attendance.get_status_display().lower()})


def sign_half_day(half_day: HalfDay, invitation: Invitation, *,
                  via: str = Attendance.Via.SECRETARY, by=None) -> HalfDaySignature:
    """One signature per person and half-day; signing twice changes nothing. An absent person cannot sign."""
    if invitation.meeting_id != half_day.meeting_id:
        raise MeetingRuleError(_("Cette personne n'est pas inscrite à cette formation."))
    _check_open(half_day.meeting)
    _check_not_closed(half_day.meeting)
    _refuse_if_not_present(invitation)
    try:
        with transaction.atomic():
            signature, created = HalfDaySignature.objects.get_or_create(
                half_day=half_day, person_key=invitation.person_key,
                defaults={"invitation": invitation, "person_name": invitation.person_name,
                          "organisation_id": invitation.organisation_id, "recorded_via": via})
            if created:
                log_event(half_day.meeting, SheetEvent.Kind.SIGNATURE, by=by, via=via,
                          person_key=invitation.person_key, person_name=invitation.display_name,
                          field=str(half_day), old=str(_("non signé")), new=str(_("signé")))
    except IntegrityError:
        signature = HalfDaySignature.objects.get(half_day=half_day, person_key=invitation.person_key)
    return signature


def sign_as_trainer(half_day: HalfDay, *, signed: bool = True, by=None, voiding: bool = False) -> HalfDay:
    """The trainer signs a half-day (or takes the signature back); the history keeps both. A signature the
    trainer drew is taken back only by voiding it, with a reason (``void_signature``)."""
    _check_not_closed(half_day.meeting)
    if bool(half_day.trainer_signed_at) == signed:
        return half_day
    if not signed and not voiding and half_day.drawn_signatures.filter(
            person_key=TRAINER_KEY, voided_at__isnull=True).exists():
        raise MeetingRuleError(_("Le formateur ou la formatrice a signé cette demi-journée sur l'écran : annulez "
                                 "d'abord cette signature, avec un motif."))
    with transaction.atomic():
        half_day.trainer_signed_at = timezone.now() if signed else None
        half_day.save(update_fields=["trainer_signed_at"])
        states = (str(_("non signé")), str(_("signé")))
        log_event(half_day.meeting, SheetEvent.Kind.SIGNATURE, by=by, person_key=TRAINER_KEY,
                  person_name=half_day.trainer_name or half_day.meeting.trainer_name or _("Formateur ou formatrice"),
                  field=str(half_day), old=states[not signed], new=states[signed])
    return half_day


def unsign_half_day(half_day: HalfDay, invitation: Invitation, *, by=None) -> None:
    _check_open(half_day.meeting)
    _check_not_closed(half_day.meeting)
    with transaction.atomic():
        if HalfDaySignature.objects.filter(half_day=half_day, person_key=invitation.person_key).exists():
            HalfDaySignature.objects.filter(half_day=half_day, person_key=invitation.person_key).delete()
            log_event(half_day.meeting, SheetEvent.Kind.SIGNATURE, by=by, person_key=invitation.person_key,
                      person_name=invitation.display_name, field=str(half_day), old=str(_("signé")),
                      new=str(_("non signé")))


def current_half_day(meeting: Meeting, now: datetime | None = None) -> HalfDay | None:
    now = timezone.localtime(now or timezone.now())
    period = HalfDay.Period.AM if now.hour < 13 else HalfDay.Period.PM
    return meeting.half_days.filter(date=now.date(), period=period).first()


# --- Drawn signatures -----------------------------------------------------------------------------

MAX_STROKES, MAX_POINTS = 200, 6000


def clean_strokes(data) -> list[list[list[float]]]:
    """Strokes as the sheet's canvas sends them (a JSON list of lists of [x, y] in the 300 × 100 box),
    checked and rounded; anything else is refused."""
    import json
    import math

    if isinstance(data, str):
        try:
            data = json.loads(data or "[]")
        except ValueError as exc:
            raise MeetingRuleError(_("Le tracé de la signature est illisible : recommencez.")) from exc
    if not isinstance(data, list) or len(data) > MAX_STROKES:
        raise MeetingRuleError(_("Le tracé de la signature est illisible : recommencez."))
    strokes, total = [], 0
    for stroke in data:
        if not isinstance(stroke, list):
            raise MeetingRuleError(_("Le tracé de la signature est illisible : recommencez."))
        points = []
        for point in stroke:
            if (not isinstance(point, list | tuple) or len(point) != 2
                    or not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                               for v in point)):
                raise MeetingRuleError(_("Le tracé de la signature est illisible : recommencez."))
            x = min(max(float(point[0]), 0.0), DrawnSignature.WIDTH)
            y = min(max(float(point[1]), 0.0), DrawnSignature.HEIGHT)
            points.append([round(x, 1), round(y, 1)])
        total += len(points)
        if points:
            strokes.append(points)
    if total > MAX_POINTS:
        raise MeetingRuleError(_("Le tracé de la signature est trop long : recommencez plus simplement."))
    return strokes


def _signature_strokes(strokes, certified: bool) -> list:
    strokes = [] if certified else clean_strokes(strokes)
    if not certified and sum(len(s) for s in strokes) < 2:
        raise MeetingRuleError(_("Signez dans le cadre, ou cochez « je certifie ma présence »."))
    return strokes


TRAINER_KEY = DrawnSignature.TRAINER_KEY


def draw_trainer_signature(half_day: HalfDay, *, strokes=None, certified: bool = False, by=None) -> DrawnSignature:
    """The trainer signs a half-day on the sheet (drawn, or certified by keyboard): once until voided, in the
    history, and the half-day counts as signed by the trainer (``sign_as_trainer``)."""
    meeting = half_day.meeting
    _check_open(meeting)
    _check_not_closed(meeting)
    strokes = _signature_strokes(strokes, certified)
    name = str(half_day.trainer_name or meeting.trainer_name or _("Formateur ou formatrice"))
    try:
        with transaction.atomic():
            signature = DrawnSignature.objects.create(
                meeting=meeting, half_day=half_day, person_key=TRAINER_KEY, person_name=name, strokes=strokes,
                certified=certified, recorded_by=_author(by)[0])
            what = _("présence certifiée") if certified else _("signature manuscrite")
            log_event(meeting, SheetEvent.Kind.SIGNATURE, by=by, person_key=TRAINER_KEY, person_name=name,
                      field=str(half_day), old="", new=f"{what} {clock(meeting, signature.signed_at)}")
            sign_as_trainer(half_day, by=by)
    except IntegrityError as exc:
        raise MeetingRuleError(_("%(name)s a déjà signé : annulez d'abord cette signature, avec un motif.") % {
            "name": name}) from exc
    return signature


def draw_signature(meeting: Meeting, invitation: Invitation, *, strokes=None, certified: bool = False,
                   half_day: HalfDay | None = None, via: str = Attendance.Via.SECRETARY, by=None) -> DrawnSignature:
    """A person signs on the sheet (drawn, or "je certifie ma présence"): only when recorded present, once
    per session (per half-day for a training) until voided. Written to the history."""
    if invitation.meeting_id != meeting.pk or (half_day is not None and half_day.meeting_id != meeting.pk):
        raise MeetingRuleError(_("Cette personne n'est pas attendue à cette séance."))
    _check_open(meeting)
    _check_not_closed(meeting)
    strokes = _signature_strokes(strokes, certified)
    attendance = Attendance.objects.filter(invitation=invitation).first()
    if attendance is None or not attendance.is_present:
        raise MeetingRuleError(_("%(name)s n'est pas noté·e présent·e : une personne absente ne signe pas.") % {
            "name": invitation.display_name})
    user = _author(by)[0]
    try:
        with transaction.atomic():
            signature = DrawnSignature.objects.create(
                meeting=meeting, invitation=invitation, attendance=attendance, half_day=half_day,
                person_key=invitation.person_key, person_name=invitation.display_name, strokes=strokes,
                certified=certified, recorded_via=via, recorded_by=user)
            what = _("présence certifiée") if certified else _("signature manuscrite")
            log_event(meeting, SheetEvent.Kind.SIGNATURE, by=by, via=via, person_key=invitation.person_key,
                      person_name=invitation.display_name, field=str(half_day or _("séance")), old="",
                      new=f"{what} {clock(meeting, signature.signed_at)}")
            if half_day is not None:
                sign_half_day(half_day, invitation, via=via, by=by)
    except IntegrityError as exc:
        raise MeetingRuleError(_("%(name)s a déjà signé : annulez d'abord cette signature, avec un motif.") % {
            "name": invitation.display_name}) from exc
    return signature


def current_signature(meeting: Meeting, invitation: Invitation) -> tuple[bool, DrawnSignature | None]:
    """What a phone's signature would be for: (whether one is expected now, the valid one already drawn).
    A session has one; a training one per half-day, today's current one only (none between half-days)."""
    half_day = None
    if meeting.body.is_training:
        training_half_days(meeting)
        half_day = current_half_day(meeting)
        if half_day is None:
            return False, None
    existing = DrawnSignature.objects.filter(meeting=meeting, person_key=invitation.person_key,
                                             half_day=half_day, voided_at__isnull=True).first()
    return True, existing


def sign_on_phone(meeting: Meeting, invitation: Invitation, *, strokes=None, certified: bool = False) -> DrawnSignature:
    """A person signs from their phone after checking in (the self check-in pages): the session, or the
    current half-day of a training. Recorded like a signature on the sheet (``draw_signature``: present people
    only, once until voided, in the history), then announced to the open sheets."""
    half_day = None
    if meeting.body.is_training:
        training_half_days(meeting)
        half_day = current_half_day(meeting)
        if half_day is None:
            raise MeetingRuleError(_("Aucune demi-journée de cette formation n'est en cours : signez auprès du "
                                     "formateur ou du secrétariat."))
    invitation.meeting = meeting
    signature = draw_signature(meeting, invitation, strokes=strokes, certified=certified, half_day=half_day,
                               via=Attendance.Via.SELF_CHECKIN)
    announce_change(meeting, invitation, reload=True)
    return signature


def void_signature(signature: DrawnSignature, *, reason: str, by=None) -> DrawnSignature:
    """A signature is never edited: it is voided, once, with a reason kept in the history."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise MeetingRuleError(_("Indiquez le motif de l'annulation de la signature."))
    _check_not_closed(signature.meeting)
    with transaction.atomic():
        signature = DrawnSignature.objects.select_for_update().get(pk=signature.pk)
        if signature.voided_at is not None:
            return signature
        signature.voided_at, signature.voided_by, signature.void_reason = timezone.now(), _author(by)[0], reason
        signature._voiding = True
        signature.save(update_fields=["voided_at", "voided_by", "void_reason"])
        log_event(signature.meeting, SheetEvent.Kind.SIGNATURE, by=by, person_key=signature.person_key,
                  person_name=signature.person_name, field=str(signature.half_day or _("séance")),
                  old=_("signé à %(t)s") % {"t": clock(signature.meeting, signature.signed_at)},
                  new=_("signature annulée"), reason=reason)
        if signature.half_day_id and signature.invitation_id:
            HalfDaySignature.objects.filter(half_day_id=signature.half_day_id,
                                            person_key=signature.person_key).delete()
        elif signature.half_day_id and signature.person_key == TRAINER_KEY:
            sign_as_trainer(signature.half_day, signed=False, by=by, voiding=True)
    return signature


# --- Changes announced to the open sheets ----------------------------------------------------------

@dataclass
class Change:
    """A sheet change as the open sheets receive it; ``live`` is None until the transaction commits, then
    whether the channel layer took it (False: the other screens see the change on reload only)."""

    message: dict
    live: bool | None = None

    @property
    def paused(self) -> bool:
        return self.live is False


def announce_change(meeting: Meeting, invitation: Invitation | None = None, *, reload: bool = False) -> Change:
    """Tell every open sheet of the session about a saved change, once, after the transaction commits."""
    change = Change(live.change_message(meeting, invitation, reload=reload))

    def send():
        change.live = live.announce(meeting.pk, change.message)

    transaction.on_commit(send)
    return change


def set_attendance(invitation: Invitation, status: str, *, by=None, represented_by: str = "",
                   represented_by_organisation=None, arrived_at: datetime | None = None, left_at=KEEP) -> Change:
    """A secretary's tap or correction, from the sheet page or its websocket: record the status (clear it when
    empty), its times and representation, write the history, announce.

    A tick before the session starts or after it ends gives no arrival time by itself: ``TimeNeeded`` asks
    for it (the session's start suggested), unless the person already has one.
    """
    meeting = invitation.meeting
    if status:
        if status in Attendance.PRESENT_STATUSES and arrived_at is None and not during_session(meeting, timezone.now()):
            current = Attendance.objects.filter(invitation=invitation).first()
            if current is None or not (current.is_present and current.arrived_at):
                raise TimeNeeded(meeting)
        record_attendance(invitation, status, by=by, represented_by=represented_by,
                          represented_by_organisation=represented_by_organisation, arrived_at=arrived_at,
                          left_at=left_at)
    else:
        clear_attendance(invitation, by=by)
    # Times and representation are not in the live row: the other sheets fetch the row again.
    details = left_at is not KEEP or represented_by_organisation is not None or bool(represented_by)
    return announce_change(meeting, invitation, reload=details)


def check_in(meeting: Meeting, *, invitation: int | None = None, youth_label: str = "", name: str = "") -> str:
    """A phone's self check-in (an expected person, a youth seat, or a walk-in by name): records the presence,
    signs the current half-day of a training, announces the change; returns what to tell the person."""
    via = Attendance.Via.SELF_CHECKIN
    if invitation:
        expected = meeting.invitations.filter(pk=invitation, is_youth_seat=False).first()
        if expected is None:
            raise MeetingRuleError(_("Ce nom n'est pas sur la liste de cette séance."))
    elif youth_label:
        # A youth seat claimed from a phone records no presence: the secretary confirms it on the sheet.
        _check_open(meeting)
        label = " ".join(youth_label.split())[:60]
        seats = meeting.invitations.filter(is_youth_seat=True).select_related("attendance")
        expected = seats.filter(person_name__iexact=label).first() or seats.filter(person_name="").first()
        if expected is None:
            raise MeetingRuleError(_("Tous les sièges jeunes sont déjà pris : adresse-toi au secrétariat."))
        attendance = getattr(expected, "attendance", None) if hasattr(expected, "attendance") else None
        if attendance is not None and attendance.status in Attendance.PRESENT_STATUSES:
            return _("Ta présence est déjà enregistrée.")
        if not expected.person_name:
            name_youth_seat(expected, label)
        if expected.self_claimed_at is None:
            expected.self_claimed_at = timezone.now()
            expected.save(update_fields=["self_claimed_at"])
        announce_change(meeting, expected, reload=True)
        return _("Merci ! Le secrétariat va confirmer ta présence.")
    elif name:
        _attendance, created = add_walk_in(meeting, name, via=via)
        announce_change(meeting, reload=True)
        return _("Merci, votre présence est enregistrée.") if created else _("Vous étiez déjà enregistré·e.")
    else:
        raise MeetingRuleError(_("Choisissez votre nom dans la liste ou écrivez-le."))
    existing = getattr(expected, "attendance", None) if hasattr(expected, "attendance") else None
    already = existing is not None and existing.status in Attendance.PRESENT_STATUSES
    expected.meeting = meeting
    if not already:
        # A phone checks in as the person arrives: its time is the arrival, before the start included.
        record_attendance(expected, Attendance.Status.PRESENT, via=via, arrived_at=timezone.now())
    if meeting.body.is_training:
        training_half_days(meeting)
        half_day = current_half_day(meeting)
        if half_day is not None:
            sign_half_day(half_day, expected, via=via)
    announce_change(meeting, expected, reload=expected.is_youth_seat or meeting.body.is_training)
    if already:
        return _("Vous étiez déjà enregistré·e comme présent·e.")
    return _("Merci, votre présence est enregistrée.")
