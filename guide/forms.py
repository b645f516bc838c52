"""Young people's forms: short, no account, optional contact, a honeypot for bots."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from relais.forms import HoneypotMixin

COMMENT_MAX = 1000
CONTACT_MAX = 200


def retention_days() -> int:
    return int(getattr(settings, "RELAIS_FEEDBACK_CONTACT_RETENTION_DAYS", 90))


class _YouthForm(HoneypotMixin, forms.Form):
    honeypot_name = "site_web"
    contact = forms.CharField(
        label=_("Ton contact (facultatif)"), required=False, max_length=CONTACT_MAX,
        error_messages={"max_length": _("Ton contact est trop long (%(limit_value)d caractères au plus).")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].help_text = _(
            "Seulement si tu veux une réponse : un e-mail ou un numéro. Il est effacé au bout de %(days)d jours."
        ) % {"days": retention_days()}


class FeedbackForm(_YouthForm):
    page = forms.IntegerField(widget=forms.HiddenInput)
    helpful = forms.TypedChoiceField(
        label=_("Cette page t'a aidé ?"), choices=[("oui", _("Oui")), ("non", _("Non"))], widget=forms.RadioSelect,
        coerce=lambda v: v == "oui",
        error_messages={"required": _("Choisis « Oui » ou « Non »."),
                        "invalid_choice": _("Choisis « Oui » ou « Non »."), },
    )
    comment = forms.CharField(
        label=_("Tu veux en dire plus ? (facultatif)"), required=False, max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Ton message est trop long : %(limit_value)d caractères au plus "
                                        "(il en fait %(show_value)d).")},
    )


class IdeaForm(_YouthForm):
    message = forms.CharField(
        label=_("Ton idée, ou ce qui manque"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Écris ton idée avant d'envoyer."),
                        "max_length": _("Ton message est trop long : %(limit_value)d caractères au plus "
                                        "(il en fait %(show_value)d).")},
    )
    theme = forms.ChoiceField(label=_("Ça concerne quel thème ? (facultatif)"), required=False)

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("Aucun en particulier"))] + [(str(t.pk), t.title) for t in themes]

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError(_("Écris ton idée avant d'envoyer."))
        return message


class TerritoryForm(forms.Form):
    territoire = forms.ChoiceField(label=_("Ton territoire"), required=False)
    commune = forms.CharField(label=_("Ou ta commune"), required=False, max_length=80,
                              help_text=_("Écris le nom de ta commune, par exemple : Arras."))
    code = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, *args, territoires=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].choices = [("", _("Choisis dans la liste"))] + [(t.code, t.name) for t in territoires]
