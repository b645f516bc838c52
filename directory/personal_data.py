"""What the directory holds about one person: their contact records and the change history that names them."""

from django.db.models import Q

from directory import history
from directory.models import ChangeRecord, Contact, ContactAccount
from relais.personal_data import Person, scrub


class DirectoryContacts:
    label = "Annuaire : contacts et historique"

    def _contacts(self, person: Person):
        query = Q(pk__in=person.contact_ids)
        if person.email:
            query |= Q(email__iexact=person.email)
        if person.name:
            query |= Q(name__iexact=person.name)
        return Contact.objects.filter(query)

    def expand(self, person: Person) -> None:
        for contact in self._contacts(person):
            if contact.pk not in person.contact_ids:
                person.contact_ids.append(contact.pk)
            if not person.email and contact.email:
                person.email = contact.email
            if not person.name:
                person.name = contact.name
        for link in ContactAccount.objects.filter(contact_id__in=person.contact_ids):
            if link.user_id not in person.user_ids:
                person.user_ids.append(link.user_id)

    def _history(self, person: Person):
        query = Q(model="contact", object_id__in=person.contact_ids)
        for needle in filter(None, (person.name, person.email)):
            query |= Q(object_repr__icontains=needle) | Q(changes__icontains=needle)
        return ChangeRecord.objects.filter(query)

    def collect(self, person: Person) -> list[dict]:
        contacts = [history.snapshot(contact) for contact in self._contacts(person)]
        records = [{"le": r.at, "objet": r.object_repr, "action": r.action, "changements": r.changes}
                   for r in self._history(person)]
        links = [{"contact": link.contact_id, "compte": link.user_id, "confirmé par": link.method,
                  "le": link.confirmed_at}
                 for link in ContactAccount.objects.filter(contact_id__in=person.contact_ids)]
        return [{"contacts": contacts, "comptes liés": links, "historique": records}]

    def erase(self, person: Person) -> int:
        needles = [n for n in (person.name, person.email) if n]
        touched = 0
        for record in self._history(person):
            record.object_repr = scrub(record.object_repr, needles, person.pseudonym)
            record.changes = scrub(record.changes, needles, person.pseudonym)
            if record.model == "contact" and record.object_id in person.contact_ids:
                record.object_repr = person.pseudonym
                record.changes = {key: [None, None] for key in record.changes}
            record.save(update_fields=["object_repr", "changes"])
            touched += 1
        with history.untracked():  # the deletion itself must not write the name into a new history record
            touched += self._contacts(person).delete()[0]
        return touched

