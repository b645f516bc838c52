import re
from html import unescape

from django import forms
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext_lazy as _

from directory.models import Organisation
from meetings.models import Action, AgendaItem, Attendance, Meeting
from relais.forms import SafeModelChoiceField
from relais.validators import validate_single_line

ONE_LINE = [validate_single_line]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingForm(forms.ModelForm):
    video_link = forms.URLField(label=_("Lien de visioconférence"), required=False, assume_scheme="https")

    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "ends_at", "place", "video_link", "trainer_name"]
        widgets = {"starts_at": DateTimeLocalInput(), "ends_at": DateTimeLocalInput()}
        help_texts = {"title": _("Laisser vide pour reprendre le nom de l'instance.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "place", "trainer_name"):
            self.fields[name].validators.append(validate_single_line)

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
            self.add_error("ends_at", _("La fin doit être après le début."))
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


class MinutesForm(forms.Form):
    text = forms.CharField(label=_("Compte rendu"), widget=forms.Textarea(attrs={"rows": 14}),
                           help_text=_("Séparez les paragraphes par une ligne vide. Chaque enregistrement crée "
                                       "une nouvelle version ; les précédentes restent consultables."))

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
