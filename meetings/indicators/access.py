"""Who sees which figures: département admins see everything, a secretary only their own bodies' figures."""

from django.core.exceptions import PermissionDenied

from relais.permissions import can, objects_for

DASHBOARD_PERM = "indicators.view_dashboard"
# The object permission the meetings app gives a secretary on the bodies they run.
SECRETARY_BODY_PERM = "meetings.manage_body"


def visible_bodies(user) -> frozenset[int] | None:
    """None when ``user`` may see every figure; the ids of their bodies for a secretary; 403 otherwise."""
    from meetings.models import Body

    if can(user, DASHBOARD_PERM):
        return None
    ids = frozenset(objects_for(user, SECRETARY_BODY_PERM, Body.objects.all()).values_list("pk", flat=True))
    if not ids:
        raise PermissionDenied
    return ids


def sees_everything(body_ids) -> bool:
    return body_ids is None


def can_see_dashboard(user) -> bool:
    """For links (e.g. the professional home): département admins, and secretaries of at least one body."""
    from meetings.models import Body

    if can(user, DASHBOARD_PERM):
        return True
    return objects_for(user, SECRETARY_BODY_PERM, Body.objects.all()).exists()
