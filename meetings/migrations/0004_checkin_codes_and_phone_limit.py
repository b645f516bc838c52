"""Personal check-in codes on invitations (existing rows get one each), youth-seat claims waiting for the
secretary, and how many people one phone may check in per session."""

import secrets

from django.db import migrations, models

import meetings.models

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def fill_codes(apps, schema_editor):
    Invitation = apps.get_model("meetings", "Invitation")
    used = set()
    for invitation in Invitation.objects.filter(checkin_code=None).only("pk").iterator():
        code = None
        while code is None or code in used:
            code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        used.add(code)
        Invitation.objects.filter(pk=invitation.pk).update(checkin_code=code)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0003_drawn_signatures")]

    operations = [
        migrations.AddField(
            model_name="invitation", name="checkin_code",
            field=models.CharField(blank=True, editable=False, max_length=16, null=True, unique=True,
                                   verbose_name="code de pointage"),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="invitation", name="checkin_code",
            field=models.CharField(blank=True, default=meetings.models.new_checkin_code, editable=False,
                                   max_length=16, null=True, unique=True, verbose_name="code de pointage"),
        ),
        migrations.AddField(
            model_name="invitation", name="self_claimed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True,
                                       verbose_name="demande d'auto-pointage"),
        ),
        migrations.AddField(
            model_name="meeting", name="checkin_people_per_phone",
            field=models.PositiveSmallIntegerField(
                default=1,
                help_text="1 : chacun pointe avec son téléphone. Augmentez si des personnes sans téléphone "
                          "pointent avec celui d'un collègue.",
                verbose_name="personnes pouvant pointer depuis un même téléphone"),
        ),
    ]
