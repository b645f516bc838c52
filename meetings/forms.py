import re
from html import unescape

from dateutil.rrule import DAILY, rrulestr
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from directory.models import Organisation
from meetings.models import Action, AgendaItem, Attendance, Meeting
from relais.forms import SafeModelChoiceField
from relais.validators import validate_single_line

ONE_LINE = [validate_single_line]


# Sessions are dated within these years: a typo such as year 0001 or 20260 is refused with a French
# message instead of overflowing the database's date range.
YEAR_MIN, YEAR_MAX = 2000, 2100

# One click of "create the series" makes at most this many sessions (the message says so).
MAX_GENERATED_SESSIONS = 200

# Minutes are a text, not an archive: about 60 pages. The browser's request limit
# (DATA_UPLOAD_MAX_MEMORY_SIZE) is larger, so the form answers with this French limit and keeps the text.
MINUTES_MAX_CHARS = 200_000


def validate_session_date(value):
    """A date between 2000 and 2100 (local time), else a French message."""
    if value is None:
        return
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise ValidationError(_("Indiquez une date entre %(min)d et %(max)d.") % {"min": YEAR_MIN, "max": YEAR_MAX},
                              code="date_range")


def validate_recurrence(text: str) -> None:
    """An RRULE the series generator can honour: well formed, daily at most (no HOURLY/MINUTELY/SECONDLY)."""
    text = (text or "").strip()
    if not text:
        return
    try:
        rule = rrulestr(text.removeprefix("RRULE:"), dtstart=timezone.now().replace(tzinfo=None))
    except (ValueError, TypeError):
        raise ValidationError(_("Cette règle de récurrence n'est pas valide. Exemple : FREQ=MONTHLY;INTERVAL=3 "
                                "(tous les trois mois)."), code="rrule") from None
    if getattr(rule, "_freq", DAILY) > DAILY:
        raise ValidationError(_("Une séance par jour au plus : les fréquences HOURLY, MINUTELY et SECONDLY ne "
                                "sont pas acceptées."), code="rrule_frequency")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class TrainingDatesMixin:
    """A training's dates decide its half-days: a date change that would drop a signed half-day is refused
    (French message), any other rebuilds the half-days when saved (meetings.services.ensure_half_days)."""

    def check_training_dates(self, data):
        meeting = self.instance
        if (meeting.pk is None or not meeting.body_id or not meeting.body.is_training
                or not data.get("starts_at") or not data.get("ends_at")):
            return
        from meetings import services

        dropped = services.signed_half_days_dropped(meeting, data["starts_at"], data["ends_at"])
        if dropped:
            self.add_error(None, services.dropped_half_days_message(dropped))

    def save(self, commit=True):
        meeting = super().save(commit=commit)
        if commit and meeting.body.is_training and meeting.half_days.exists():
            from meetings import services

            services.ensure_half_days(meeting, by=getattr(self, "for_user", None))
        return meeting


class MeetingForm(TrainingDatesMixin, forms.ModelForm):
    video_link = forms.URLField(label=_("Lien de visioconférence"), required=False, assume_scheme="https")

    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "ends_at", "place", "video_link", "trainer_name", "checkin_people_per_phone"]
        widgets = {"starts_at": DateTimeLocalInput(), "ends_at": DateTimeLocalInput()}
        help_texts = {"title": _("Laisser vide pour reprendre le nom de l'instance.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "place", "trainer_name"):
            self.fields[name].validators.append(validate_single_line)
        for name in ("starts_at", "ends_at"):
            self.fields[name].validators.append(validate_session_date)
        per_phone = self.fields["checkin_people_per_phone"]
        per_phone.required, per_phone.min_value, per_phone.max_value = False, 1, 50
        per_phone.widget.attrs.update({"min": 1, "max": 50})
        per_phone.validators += [MinValueValidator(1), MaxValueValidator(50)]

    def clean_checkin_people_per_phone(self):
        """Left empty: unchanged (1 for a new session)."""
        return self.cleaned_data.get("checkin_people_per_phone") or self.instance.checkin_people_per_phone or 1

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
            self.add_error("ends_at", _("La fin doit être après le début."))
        self.check_training_dates(data)
        return data


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].validators.append(validate_single_line)


class StatusForm(forms.Form):
    """A row of the sheet: a status tap, or (``change=times``) the correction of the arrival and departure."""

    invitation = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=[("", "—"), *Attendance.Status.choices], required=False,
                               error_messages={"invalid_choice": _("Statut de présence inconnu.")})
    change = forms.CharField(required=False)
    represented_by = forms.CharField(label=_("Personne venue à sa place (facultatif)"), max_length=200,
                                     required=False, validators=ONE_LINE)
    represented_by_organisation = forms.CharField(label=_("Représenté·e par (organisation de l'annuaire)"),
                                                  max_length=200, required=False, validators=ONE_LINE)
    arrived = forms.TimeField(label=_("Heure d'arrivée"), required=False,
                              error_messages={"invalid": _("Heure d'arrivée invalide (HH:MM).")})
    left = forms.TimeField(label=_("Heure de départ"), required=False,
                           error_messages={"invalid": _("Heure de départ invalide (HH:MM).")})

    def clean_represented_by_organisation(self):
        """The name chosen from the directory's list, as an organisation (None when empty)."""
        name = " ".join(self.cleaned_data["represented_by_organisation"].split())
        if not name:
            return None
        organisation = directory_organisation(name)
        if organisation is None:
            raise forms.ValidationError(_("« %(name)s » n'est pas une organisation de l'annuaire : choisissez-la "
                                          "dans la liste.") % {"name": name})
        return organisation


def directory_organisation(name: str):
    """The directory organisation named ``name`` (archived ones aside), or None."""
    return (Organisation.objects.exclude(status="archived").filter(name__iexact=" ".join(name.split()))
            .order_by("pk").first())


class WalkInForm(forms.Form):
    """Someone who came without a convocation: from any organisation of the directory, or one typed by hand."""

    name = forms.CharField(label=_("Nom de la personne"), max_length=200, validators=ONE_LINE)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False, validators=ONE_LINE,
                                   help_text=_("Choisissez-la dans l'annuaire, ou écrivez son nom si elle n'y "
                                               "est pas encore."))
    arrived = forms.TimeField(label=_("Heure d'arrivée"), required=False,
                              error_messages={"invalid": _("Heure d'arrivée invalide (HH:MM).")})

    def organisation_choice(self):
        """(directory organisation or None, the typed name when the directory does not have it)."""
        name = " ".join(self.cleaned_data.get("organisation", "").split())
        organisation = directory_organisation(name) if name else None
        return organisation, "" if organisation else name


class WalkInTimesForm(forms.Form):
    attendance = forms.IntegerField(widget=forms.HiddenInput)
    arrived = forms.TimeField(label=_("Heure d'arrivée"), required=False,
                              error_messages={"invalid": _("Heure d'arrivée invalide (HH:MM).")})
    left = forms.TimeField(label=_("Heure de départ"), required=False,
                           error_messages={"invalid": _("Heure de départ invalide (HH:MM).")})


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Motif de la réouverture"), max_length=500, validators=ONE_LINE)


class YouthSeatForm(forms.Form):
    invitation = forms.IntegerField(widget=forms.HiddenInput)
    label = forms.CharField(label=_("Prénom et initiale, ou pseudonyme"), max_length=60, validators=ONE_LINE,
                            help_text=_("Jamais de nom complet, de date de naissance ni d'adresse."))
    holder = forms.ChoiceField(label=_("Qui a siégé"), required=False,
                               choices=[("", _("(inchangé)")), *Attendance.YouthSeatHolder.choices[1:]])


class MinutesForm(forms.Form):
    text = forms.CharField(
        label=_("Compte rendu"), widget=forms.Textarea(attrs={"rows": 14}), max_length=MINUTES_MAX_CHARS,
        error_messages={"max_length": _("Le compte rendu dépasse la limite de %(limit_value)s caractères "
                                        "(il en compte %(show_value)s). Raccourcissez-le ou joignez les annexes "
                                        "à part : votre texte est conservé ci-dessous.")},
        help_text=_("Séparez les paragraphes par une ligne vide. Chaque enregistrement crée une nouvelle version ; "
                    "les précédentes restent consultables. 200 000 caractères au plus (environ 60 pages)."))

    def as_rich_text(self) -> str:
        """Plain paragraphs → the HTML a RichTextField stores (escaped: no markup injection)."""
        paragraphs = [p.strip() for p in self.cleaned_data["text"].replace("\r\n", "\n").split("\n\n")]
        return "".join(f"<p>{escape(p).replace(chr(10), '<br/>')}</p>" for p in paragraphs if p)

    @staticmethod
    def as_plain_text(html: str) -> str:
        """The stored minutes back as the plain paragraphs the form edits (the inverse of ``as_rich_text``)."""
        text = re.sub(r"<br\s*/?>", "\n", html)
        text = re.sub(r"</p>\s*", "\n\n", text)
        return unescape(strip_tags(text)).strip()


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Décision"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["title", "owner_organisation", "due_date"]
        field_classes = {"owner_organisation": SafeModelChoiceField}
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].validators.append(validate_single_line)
        if organisations is not None:
            self.fields["owner_organisation"].queryset = organisations


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("État"), choices=Action.Status.choices)


class CheckinForm(forms.Form):
    invitation = forms.IntegerField(required=False)
    name = forms.CharField(label=_("Votre nom (si vous n'êtes pas dans la liste)"), max_length=200, required=False,
                           validators=ONE_LINE)
    youth_label = forms.CharField(label=_("Tu es un·e jeune accompagné·e : ton prénom et l'initiale de ton nom"),
                                  max_length=60, required=False, validators=ONE_LINE)
    code = forms.CharField(label=_("Votre code personnel (sur votre convocation)"), max_length=20, required=False)


class CheckinSignatureForm(forms.Form):
    """A signature drawn on a phone after its check-in (meetings.services.sign_on_phone checks the strokes)."""

    invitation = forms.IntegerField(required=False, widget=forms.HiddenInput)
    strokes = forms.CharField(required=False, max_length=120_000, widget=forms.HiddenInput)
    certify = forms.BooleanField(label=_("Je certifie ma présence (sans dessiner)"), required=False)


class MeetingAdminForm(TrainingDatesMixin, WagtailAdminModelForm):
    """The session form of the Wagtail admin: the same date rules as the secretary's form."""

    def clean(self):
        data = super().clean()
        for name in ("starts_at", "ends_at"):
            try:
                validate_session_date(data.get(name))
            except ValidationError as exc:
                self.add_error(name, exc)
                data.pop(name, None)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
            self.add_error("ends_at", _("La fin doit être après le début."))
        self.check_training_dates(data)
        return data


def secretary_candidates():
    """Active accounts in the "secrétaire d'instance" group: the people a pilot may name on a body."""
    from django.contrib.auth import get_user_model

    from relais import roles

    return (get_user_model().objects.filter(is_active=True, groups__name=roles.SECRETARY)
            .order_by("last_name", "first_name", "username").distinct())


def body_secretaries(body):
    """The accounts named secretary of this body (guardian object permission ``meetings.manage_body``)."""
    from guardian.shortcuts import get_users_with_perms

    if body.pk is None:
        return secretary_candidates().none()
    return get_users_with_perms(body, only_with_perms_in=["manage_body"], with_group_users=False)


class SecretaryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.username})" if name else user.username


class BodyAdminForm(WagtailAdminModelForm):
    """The body form of the Wagtail admin: the RRULE and the series start are checked when saved, and the
    pilot names or removes the body's secretaries (the object permission ``meetings.manage_body``)."""

    secretaries = SecretaryChoiceField(
        label=_("Secrétaires de l'instance"), queryset=secretary_candidates(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ils préparent les séances, envoient les convocations et tiennent la feuille d'émargement. "
                    "Seuls les comptes du rôle « Secrétaire d'instance » sont proposés."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "secretaries" in self.fields:
            self.fields["secretaries"].queryset = secretary_candidates()
            self.initial.setdefault("secretaries", list(body_secretaries(self.instance).values_list("pk", flat=True)))

    def save(self, commit=True):
        body = super().save(commit=commit)
        if commit and "secretaries" in self.cleaned_data:
            self.save_secretaries(body)
        return body

    def save_secretaries(self, body):
        from guardian.shortcuts import assign_perm, remove_perm

        wanted = set(self.cleaned_data["secretaries"])
        current = set(body_secretaries(body))
        # Only accounts that could have been chosen are removed: a right given otherwise stays.
        candidates = set(secretary_candidates())
        for user in wanted - current:
            assign_perm("meetings.manage_body", user, body)
        for user in (current - wanted) & candidates:
            remove_perm("meetings.manage_body", user, body)

    def clean(self):
        data = super().clean()
        if "recurrence" in self.fields:
            try:
                validate_recurrence(data.get("recurrence", ""))
            except ValidationError as exc:
                self.add_error("recurrence", exc)
            has_rule = bool((data.get("recurrence") or "").strip())
            if has_rule and not data.get("series_start") and "series_start" in self.fields:
                self.add_error("series_start", _("Indiquez la date et l'heure de la première séance de la série."))
        if "series_start" in self.fields and data.get("series_start"):
            try:
                validate_session_date(data["series_start"])
            except ValidationError as exc:
                self.add_error("series_start", exc)
        return data
