"""Public forms of the directory."""

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import ErrorReport
from relais.forms import HoneypotMixin


class ErrorReportForm(HoneypotMixin, forms.ModelForm):
    """A visitor's report; the honeypot field is ``website`` (relais.forms)."""

    class Meta:
        model = ErrorReport
        fields = ["message", "email"]
        labels = {"message": _("Qu'est-ce qui est faux ou manque ?"),
                  "email": _("Ton courriel, si tu veux une réponse (facultatif)")}
        widgets = {"message": forms.Textarea(attrs={"rows": 4, "maxlength": 2000})}

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 10:
            raise forms.ValidationError(_("Décris l'erreur en quelques mots (10 caractères au moins)."))
        return message[:2000]
