"""What the meetings hold about one person: invitations, attendance and half-day signatures.

Erasure pseudonymises these rows rather than deleting them: the indicators count attendance, and an erased
person's presence still counts, under a pseudonym that is the same on every row of that person."""

from django.db.models import Q

from meetings.models import Attendance, HalfDaySignature, Invitation
from meetings.services import contact_person_key, name_person_key
from relais.personal_data import Person, scrub


def _keys(person: Person) -> list[str]:
    keys = [contact_person_key(pk) for pk in person.contact_ids]
    if person.name:
        keys.append(name_person_key(person.name))
    return keys


def _rows(model, person: Person):
    query = Q(person_key__in=_keys(person))
    if person.name:
        query |= Q(person_name__iexact=person.name)
    if model is Invitation:
        query |= Q(contact_id__in=person.contact_ids)
        if person.email:
            query |= Q(email__iexact=person.email)
    if model is Attendance and person.name:
        query |= Q(represented_by__icontains=person.name)
    return model.objects.filter(query)


class MeetingRecords:
    label = "Instances : convocations, présences, signatures"

    def collect(self, person: Person) -> list[dict]:
        invitations = [{"séance": str(i.meeting), "date": str(i.meeting.starts_at), "nom": i.person_name,
                        "courriel": i.email, "réponse": i.reply} for i in
                       _rows(Invitation, person).select_related("meeting__body")]
        attendances = [{"séance": str(a.meeting), "présence": a.status, "nom": a.person_name,
                        "représenté·e par": a.represented_by, "arrivée": str(a.arrived_at or "")} for a in
                       _rows(Attendance, person).select_related("meeting__body")]
        signatures = [{"demi-journée": str(s.half_day), "nom": s.person_name, "signé le": str(s.signed_at)}
                      for s in _rows(HalfDaySignature, person).select_related("half_day")]
        return [{"convocations": invitations, "présences": attendances, "signatures": signatures}]

    def erase(self, person: Person) -> int:
        pseudonym, needles = person.pseudonym, [n for n in (person.name, person.email) if n]
        new_key = "erased:" + pseudonym.rsplit(" ", 1)[-1]
        touched = 0
        for model in (HalfDaySignature, Attendance, Invitation):
            for row in _rows(model, person):
                row.person_name = pseudonym
                if row.person_key in _keys(person):
                    row.person_key = new_key
                fields = ["person_name", "person_key"]
                if model is Invitation:
                    row.email, row.contact_id = "", None
                    fields += ["email", "contact"]
                if model is Attendance:
                    row.represented_by = scrub(row.represented_by, needles, pseudonym)
                    fields.append("represented_by")
                row.save(update_fields=fields)
                touched += 1
        return touched
