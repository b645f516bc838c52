"""Who sees which figures: département admins see everything, a secretary only the figures of the bodies
they run (the meetings rule, meetings.permissions.bodies_manageable_by). Same names as the other apps'
permissions modules: ``can_…`` answers, ``require_…`` refuses with a 403."""

from django.core.exceptions import PermissionDenied

from meetings.permissions import bodies_manageable_by
from relais.permissions import can

VIEW_DASHBOARD = "indicators.view_dashboard"


def require_dashboard(user) -> frozenset[int] | None:
    """403 unless ``user`` may see the dashboard; then the bodies whose figures they see (None: every one)."""
    if can(user, VIEW_DASHBOARD):
        return None
    ids = frozenset(bodies_manageable_by(user).values_list("pk", flat=True))
    if not ids:
        raise PermissionDenied
    return ids


def sees_everything(body_ids) -> bool:
    return body_ids is None


def can_view_dashboard(user) -> bool:
    """For links (e.g. the professional home): département admins, and secretaries of at least one body."""
    return can(user, VIEW_DASHBOARD) or bodies_manageable_by(user).exists()
