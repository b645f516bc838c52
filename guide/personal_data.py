"""What the guide holds about one person: the optional contact they left with feedback, and their words."""

from django.db.models import Q

from guide.models import Feedback
from relais.personal_data import Person


def _feedback(person: Person):
    needles = [n for n in (person.email, person.name) if n]
    if not needles:
        return Feedback.objects.none()
    query = Q()
    for needle in needles:
        query |= Q(contact__icontains=needle)
    return Feedback.objects.filter(query)


class GuideFeedback:
    label = "Guide : avis et idées laissés avec un contact"

    def collect(self, person: Person) -> list[dict]:
        return [{"reçu le": str(f.created_at), "type": f.kind, "message": f.comment, "contact": f.contact}
                for f in _feedback(person)]

    def erase(self, person: Person) -> int:
        """The feedback stays (it is about a page, not a person); the contact and the words go."""
        return _feedback(person).update(contact="", comment="")
