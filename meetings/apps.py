from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """Partnership bodies, their sessions, convocations, attendance, minutes and actions."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    label = "meetings"
    verbose_name = "Instances"

    def ready(self):
        from meetings import signals
        from meetings.personal_data import MeetingRecords

        signals.connect()
        from relais import personal_data

        personal_data.register(MeetingRecords())
