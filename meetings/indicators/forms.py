"""The dashboard's filters (GET, in the URL) and the monthly report's month picker."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from directory import territories
from directory.models import Territory
from meetings.indicators.compute import Period
from relais.forms import SafeModelChoiceField, SafeModelMultipleChoiceField

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TerritoryChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj):
        if obj.kind == Territory.Kind.DEPARTEMENT:
            return f"{obj.name} (département)"
        return f"— {obj.name}"


class DashboardFilterForm(forms.Form):
    """Year, territory, bodies and an optional custom period; every error is a French message, never a 500."""

    annee = forms.TypedChoiceField(label=_("Année"), coerce=int, required=False)
    territoire = TerritoryChoiceField(label=_("Territoire"), queryset=Territory.objects.none(), required=False,
                                      to_field_name="code", empty_label=_("Tous les territoires"))
    instances = SafeModelMultipleChoiceField(label=pgettext_lazy("bodies", "Instances"), queryset=None,
                                               required=False,
                                               widget=forms.CheckboxSelectMultiple,
                                               help_text=_("Aucune case cochée : toutes les instances."))
    debut = forms.DateField(label=_("Du"), required=False, widget=DATE_INPUT)
    fin = forms.DateField(label=_("Au"), required=False, widget=DATE_INPUT)

    def __init__(self, data, *, years: list[int], bodies, **kwargs):
        super().__init__(data, **kwargs)
        self.years = years
        self.fields["annee"].choices = [(y, str(y)) for y in years]
        self.fields["annee"].error_messages["invalid_choice"] = _(
            "L'année %(value)s est hors de la convention (%(first)s–%(last)s)."
        ) % {"value": "%(value)s", "first": years[0], "last": years[-1]} if years else _("Année inconnue.")
        self.fields["territoire"].queryset = territories.areas().order_by("code")
        self.fields["territoire"].error_messages["invalid_choice"] = _("Ce territoire n'existe pas.")
        self.fields["instances"].queryset = bodies
        self.fields["instances"].error_messages["invalid_choice"] = _(
            "Cette instance n'existe pas ou ne vous est pas accessible.")
        self.fields["debut"].error_messages["invalid"] = _("Saisissez une date de début valide (jj/mm/aaaa).")
        self.fields["fin"].error_messages["invalid"] = _("Saisissez une date de fin valide (jj/mm/aaaa).")

    def clean(self):
        data = super().clean()
        start, end = data.get("debut"), data.get("fin")
        if (start is None) != (end is None) and not self.errors:
            raise forms.ValidationError(_("Une période personnalisée a besoin d'un début et d'une fin."))
        if start and end and end < start:
            raise forms.ValidationError(_("La fin de la période précède son début : la période n'est pas prise "
                                          "en compte."))
        return data

    def period(self) -> Period | None:
        if not self.is_valid():
            return None
        start, end = self.cleaned_data.get("debut"), self.cleaned_data.get("fin")
        if start and end:
            return Period(start, end)
        return None


def parse_month(value: str) -> tuple[int, int]:
    """'2026-03' → (2026, 3); anything else raises ValueError with a French message."""
    try:
        parsed = dt.datetime.strptime((value or "").strip(), "%Y-%m")
    except ValueError:
        raise ValueError(f"Mois invalide « {value} » : attendu AAAA-MM, par exemple 2026-03.") from None
    if not 2000 <= parsed.year <= 2100:
        raise ValueError(f"Mois invalide « {value} » : l'année doit être comprise entre 2000 et 2100.")
    return parsed.year, parsed.month
