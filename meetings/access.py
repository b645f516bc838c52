"""Who may see and who may run a body, in one place (views, exports and the websocket consumer ask here).

- A secretary runs the bodies on which they hold the guardian object permission ``meetings.manage_body``;
  département admins hold it globally (and ``meetings.view_all_bodies``).
- A member sees the sessions and minutes of their bodies: a professional whose account is linked to a named
  contact seated on the body (directory.ContactAccount, set by the pilot, the organisation's editor or a
  signed link sent to the contact's address), or who holds ``meetings.view_body`` on it. An account's
  e-mail address grants nothing: it is typed by the account holder and proves nothing.
- The public sees nothing of this module.
"""

from django.db.models import Q

from meetings.models import Body
from relais.permissions import can, is_professional, objects_for

MANAGE = "meetings.manage_body"
VIEW = "meetings.view_body"
VIEW_ALL = "meetings.view_all_bodies"


def can_manage(user, body: Body) -> bool:
    return can(user, MANAGE, body)


def bodies_managed_by(user):
    return objects_for(user, MANAGE, Body.objects.all())


def bodies_visible_to(user):
    if not is_professional(user):
        return Body.objects.none()
    if can(user, VIEW_ALL):
        return Body.objects.all()
    managed = objects_for(user, MANAGE, Body.objects.all()).values("pk")
    viewable = objects_for(user, VIEW, Body.objects.all(), global_ok=False).values("pk")
    membership = Q(members__is_active=True, members__contact__account__user=user)
    return Body.objects.filter(Q(pk__in=managed) | Q(pk__in=viewable) | membership).distinct()


def can_view(user, body: Body) -> bool:
    if can_manage(user, body):
        return True
    return bodies_visible_to(user).filter(pk=body.pk).exists()
