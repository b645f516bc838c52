"""A session's ``figures_version`` goes up on every write to its invitations or attendance.

The indicators keep per-session counts stamped with that version (indicators.SessionTally): a write raises the
version, the next dashboard counts the session again. Saves and deletes through the ORM raise it here; bulk
writes (``bulk_create``, ``QuerySet.update``) send no signal and call ``touch`` themselves.
"""

from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_delete


def touch(meeting_ids) -> None:
    """Raise the figures version of these sessions."""
    from meetings.models import Meeting

    ids = sorted({pk for pk in meeting_ids if pk is not None})
    if ids:
        Meeting.objects.filter(pk__in=ids).update(figures_version=F("figures_version") + 1)


def _row_changed(sender, instance, **kwargs):
    touch([instance.meeting_id])


def _organisation_deleted(sender, instance, **kwargs):
    """A walk-in's organisation is set to null when the organisation goes: its sessions' counts change."""
    from meetings.models import Attendance

    touch(Attendance.objects.filter(organisation=instance).values_list("meeting_id", flat=True).distinct())


def connect():
    from directory.models import Organisation
    from meetings.models import Attendance, Invitation

    for model in (Attendance, Invitation):
        post_save.connect(_row_changed, sender=model, dispatch_uid=f"meetings.figures.{model.__name__}.save")
        post_delete.connect(_row_changed, sender=model, dispatch_uid=f"meetings.figures.{model.__name__}.delete")
    pre_delete.connect(_organisation_deleted, sender=Organisation, dispatch_uid="meetings.figures.organisation")
