"""What the meetings hold about one person: invitations, attendance, signatures and the sheets' history.

Erasure pseudonymises these rows rather than deleting them: the indicators count attendance, and an erased
person's presence still counts, under a pseudonym that is the same on every row of that person."""

from django.db.models import Q

from meetings.models import Attendance, DrawnSignature, HalfDaySignature, Invitation, SheetEvent
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
    if model is SheetEvent and person.name:
        query |= (Q(person_name__icontains=person.name) | Q(old_value__icontains=person.name)
                  | Q(new_value__icontains=person.name) | Q(reason__icontains=person.name))
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
        drawn = [{"séance": str(s.meeting), "signé le": str(s.signed_at), "nom": s.person_name,
                  "annulée": str(s.voided_at or "")} for s in _rows(DrawnSignature, person).select_related("meeting")]
        history = [{"séance": str(e.meeting), "le": str(e.at), "champ": e.field, "avant": e.old_value,
                    "après": e.new_value} for e in _rows(SheetEvent, person).select_related("meeting")]
        return [{"convocations": invitations, "présences": attendances, "signatures": signatures,
                 "signatures manuscrites": drawn, "historique des feuilles": history}]

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
        for signature in _rows(DrawnSignature, person):
            # The drawing identifies the person as much as the name: it goes too.
            signature.person_name, signature.strokes = pseudonym, []
            if signature.person_key in _keys(person):
                signature.person_key = new_key
            signature._erasing = True
            signature.save(update_fields=["person_name", "person_key", "strokes"])
            touched += 1
        for event in _rows(SheetEvent, person):
            values = {name: scrub(getattr(event, name), needles, pseudonym)
                      for name in ("person_name", "old_value", "new_value", "reason")}
            if event.person_key in _keys(person):
                values["person_key"] = new_key
            touched += SheetEvent.objects.filter(pk=event.pk).erase_personal_data(**values)
        return touched
