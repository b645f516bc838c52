"""The one place views ask "may this user do X (to this object)?".

Model-level permissions come from the role groups (relais.roles); object-level ones from django-guardian
(an editor's organisations, a secretary's bodies). Django's ``user.has_perm(perm, obj)`` asks every
authentication backend, and ``ModelBackend`` answers False for any object, so an object check is true
only when guardian holds it, or when the user has the global permission (an admin) and ``global_ok``.

    from relais.permissions import can, require, objects_for

    require(request.user, "directory.change_organisation", organisation)   # 403 otherwise
    qs = objects_for(request.user, "meetings.change_body", Body.objects.all())
"""

from django.core.exceptions import PermissionDenied

from relais.roles import ALL_ROLES


def can(user, perm: str, obj=None, *, global_ok: bool = True) -> bool:
    """True when ``user`` holds ``perm`` globally (if ``global_ok``) or on ``obj`` through guardian."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if global_ok and user.has_perm(perm):
        return True
    return obj is not None and user.has_perm(perm, obj)


def require(user, perm: str, obj=None, *, global_ok: bool = True) -> None:
    if not can(user, perm, obj, global_ok=global_ok):
        raise PermissionDenied


def objects_for(user, perm: str, queryset, *, global_ok: bool = True):
    """The objects of ``queryset`` on which ``user`` holds ``perm`` (all of them for a global holder)."""
    from guardian.shortcuts import get_objects_for_user

    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser or (global_ok and user.has_perm(perm)):
        return queryset
    return get_objects_for_user(user, perm, queryset, accept_global_perms=False, with_superuser=False)


def is_professional(user) -> bool:
    """Professionals see what the public does not (professional contacts, freshness, meetings)."""
    return can(user, "relais.access_professional_space")


def roles_of(user) -> list[str]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [name for name in user.groups.values_list("name", flat=True) if name in ALL_ROLES]
