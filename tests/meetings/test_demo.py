"""The demo loader on a small directory: held sessions with attendance, planned ones ahead, idempotent."""

from django.contrib.auth import get_user_model

from directory.models import Contact
from meetings.models import Attendance, Body, HalfDaySignature, Invitation, Meeting
from meetings.queries import trained_person_keys
from relais.demo import meetings as demo

KINDS = ["ml", "mds", "ccas", "ft", "caf", "fjt", "cllaj"]


def _small_directory():
    from tests.builders import make_org, territory_world

    places = territory_world("62", "62-ARR", "62-ART", located=False)
    for code in ("62-ARR", "62-ART"):
        name = places[code].name
        for kind in KINDS:
            make_org(f"{kind.upper()} {name}", slug=f"{kind}-{code.lower()}", source_id=f"demo--{code}--{kind}",
                     contacts=[{"name": f"Contact {position} {kind} {name}", "position": position,
                                "email": f"c{position}-{kind}-{code.lower()}@exemple.invalid"} for position in (1, 2)])


def test_demo_builds_two_years_of_sessions_and_is_idempotent(db, make_user):
    _small_directory()
    secretary = make_user("secretaire", "secretaire_instance")
    lines = []
    demo.load(lines.append)
    counts = (Body.objects.count(), Meeting.objects.count(), Invitation.objects.count(), Attendance.objects.count(),
              HalfDaySignature.objects.count())
    assert set(Body.objects.values_list("kind", flat=True)) == {
        "copil", "comite_suivi", "comite_technique", "permanence", "formation", "commission_rp"}
    held = Meeting.objects.filter(status="held")
    assert held.filter(starts_at__year=2025).exists() and held.filter(starts_at__year=2026).exists()
    assert not held.filter(starts_at__date__gte=demo.DEMO_TODAY).exists()
    assert Meeting.objects.filter(status="planned", starts_at__date__gt=demo.DEMO_TODAY).exists()
    # Every expected seat of a held session has exactly one attendance; some are absent, some present.
    assert not Invitation.objects.filter(meeting__status="held", attendance__isnull=True).exists()
    statuses = set(Attendance.objects.values_list("status", flat=True))
    assert {"present", "absent", "excused"} <= statuses
    youth = Invitation.objects.filter(meeting__status="held", is_youth_seat=True)
    filled = youth.filter(attendance__status="present")
    assert 0 < filled.count() < youth.count()
    assert all(len(name) <= 12 for name in filled.values_list("person_name", flat=True))  # first name + initial
    training = held.filter(body__kind="formation").first()
    assert training is not None and training.half_days.count() == 4 and trained_person_keys(training)
    assert secretary.has_perm("meetings.manage_body", Body.objects.get(slug="copil-62"))
    assert any("Instances" in line for line in lines)

    demo.load(lines.append)
    assert counts == (Body.objects.count(), Meeting.objects.count(), Invitation.objects.count(),
                      Attendance.objects.count(), HalfDaySignature.objects.count())
    assert get_user_model().objects.count() == 1


def test_demo_accounts_are_linked_to_contacts_and_see_what_they_saw(db, make_user):
    """The demo accounts reach their bodies through an explicit contact link (no e-mail matches one)."""
    from directory.models import ContactAccount
    from meetings import permissions

    _small_directory()
    secretary = make_user("secretaire", "secretaire_instance")
    professional = make_user("pro", "professionnel")
    demo.load(lambda _line: None)
    assert set(ContactAccount.objects.values_list("user__username", "method")) == {
        ("secretaire", "demo"), ("pro", "demo")}
    seen = set(permissions.bodies_viewable_by(professional).values_list("slug", flat=True))
    assert seen == {"comite-suivi-62-arr", "copil-62"}
    assert Body.objects.filter(slug__in=seen, members__contact__account__user=professional).exists()
    managed = set(Body.objects.filter(slug__in=demo.SECRETARY_BODIES).values_list("slug", flat=True))
    assert set(permissions.bodies_viewable_by(secretary).values_list("slug", flat=True)) == managed
    assert not Contact.objects.filter(email__in=["pro@exemple.invalid", "secretaire@exemple.invalid"]).exists()

    demo.load(lambda _line: None)
    assert ContactAccount.objects.count() == 2
