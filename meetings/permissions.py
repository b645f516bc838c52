"""Who may see and who may run a body, in one place (views, exports, the websocket consumer and the
indicators ask here; the mechanism is relais.permissions).

- A secretary runs the bodies on which they hold the guardian object permission ``meetings.manage_body``;
  département admins hold it globally (and ``meetings.view_all_bodies``).
- A member sees the sessions and minutes of their bodies: a professional whose account is linked to a named
  contact seated on the body (directory.ContactAccount, set by the pilot, the organisation's editor or a
  signed link sent to the contact's address), or who holds ``meetings.view_body`` on it. An account's
  e-mail address grants nothing: it is typed by the account holder and proves nothing.
- The public sees nothing of this module.

Names follow directory.permissions: ``can_<verb>_<thing>(user, obj)`` answers for one object,
``<things>_<verb>able_by(user)`` gives the queryset.
"""

from django.db.models import Q

from meetings.models import Body
from relais.permissions import can, is_professional, objects_for

MANAGE_BODY = "meetings.manage_body"
VIEW_BODY = "meetings.view_body"
VIEW_ALL_BODIES = "meetings.view_all_bodies"


def can_manage_body(user, body: Body) -> bool:
    return can(user, MANAGE_BODY, body)


def bodies_manageable_by(user):
    return objects_for(user, MANAGE_BODY, Body.objects.all())


def bodies_viewable_by(user):
    if not is_professional(user):
        return Body.objects.none()
    if can(user, VIEW_ALL_BODIES):
        return Body.objects.all()
    managed = bodies_manageable_by(user).values("pk")
    viewable = objects_for(user, VIEW_BODY, Body.objects.all(), global_ok=False).values("pk")
    membership = Q(members__is_active=True, members__contact__account__user=user)
    return Body.objects.filter(Q(pk__in=managed) | Q(pk__in=viewable) | membership).distinct()


def can_view_body(user, body: Body) -> bool:
    if can_manage_body(user, body):
        return True
    return bodies_viewable_by(user).filter(pk=body.pk).exists()
