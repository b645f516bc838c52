"""Demo accounts, one per role (data/accounts.toml), all with the demo password that the command prints."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from relais.demo import read

SUPERUSER = "superutilisateur"


def demo_password() -> str:
    return getattr(settings, "RELAIS_DEMO_PASSWORD", "") or read("accounts.toml")["password"]


def load_users(log) -> list[tuple[str, str]]:
    """Create the missing accounts; returns (username, role) of every demo account, for the command to print."""
    User = get_user_model()
    users = read("accounts.toml")["users"]
    created = []
    for spec in users:
        role = spec.get("role")
        user, was_created = User.objects.get_or_create(
            username=spec["username"],
            defaults={"first_name": spec["first_name"], "last_name": spec["last_name"],
                      "email": f"{spec['username']}@exemple.invalid", "is_staff": role is None,
                      "is_superuser": role is None},
        )
        if was_created:
            user.set_password(demo_password())
            user.save()
            created.append(spec["username"])
        if role:
            user.groups.add(Group.objects.get(name=role))
    if created:
        log(f"Comptes de démonstration créés : {', '.join(created)}.")
    return [(spec["username"], spec.get("role") or SUPERUSER) for spec in users]
