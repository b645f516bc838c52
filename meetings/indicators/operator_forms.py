"""Forms of the operator's monthly table: the counts (never a percentage, never a person), the pilot's reopening
reason and the designation of an operator. Every error is one French line."""

from django import forms
from django.utils.translation import gettext_lazy as _

from directory import territories
from directory.models import Organisation, Territory
from meetings.indicators import operator_table as rules
from meetings.indicators.models import OperatorTable, ReportingOperator
from meetings.indicators.operator_models import COMMENT_MAX_LENGTH, MAX_COUNT
from relais.forms import SafeModelChoiceField
from relais.validators import validate_single_line

COUNT_ERRORS = {
    "invalid": _("Saisissez un nombre entier (0 si aucun)."),
    "min_value": _("Un nombre de jeunes ne peut pas être négatif."),
    "max_value": _("Nombre trop grand : vérifiez la saisie."),
}


class OperatorTableForm(forms.ModelForm):
    """Counts and equipment; ``complete=True`` (submitting) requires every count, a draft does not."""

    class Meta:
        model = OperatorTable
        fields = [*rules.TYPED, *rules.EQUIPMENT, "comment"]

    def __init__(self, *args, complete: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.complete = complete
        for name in rules.COUNTS:
            field = forms.IntegerField(label=self.fields[name].label, required=False, min_value=0,
                                       max_value=MAX_COUNT, error_messages=COUNT_ERRORS,
                                       help_text=rules.HELP.get(name, ""),
                                       widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0,
                                                                       "step": 1}))
            self.fields[name] = field
        self.fields["coordinator_posts"] = forms.DecimalField(
            label=self.fields["coordinator_posts"].label, required=False, min_value=0, max_value=99,
            max_digits=4, decimal_places=1,
            error_messages={"invalid": _("Saisissez un nombre de postes, par exemple 1 ou 0,5."),
                            "min_value": _("Un nombre de postes ne peut pas être négatif."),
                            "max_value": _("Nombre de postes trop grand : vérifiez la saisie."),
                            "max_decimal_places": _("Une décimale au plus, par exemple 0,5."),
                            "max_digits": _("Nombre de postes trop grand : vérifiez la saisie.")},
            widget=forms.NumberInput(attrs={"inputmode": "decimal", "min": 0, "step": "0.1"}))
        self.fields["comment"] = forms.CharField(
            label=_("Commentaire (facultatif)"), required=False, max_length=COMMENT_MAX_LENGTH,
            validators=[validate_single_line],
            error_messages={"max_length": _("%(limit_value)d caractères au plus.")},
            help_text=_("Une phrase sur le mois, %(n)d caractères au plus. N'écrivez ni nom, ni date de naissance, "
                        "ni numéro de dossier : seulement des chiffres et des constats d'ensemble.")
            % {"n": COMMENT_MAX_LENGTH},
            widget=forms.TextInput(attrs={"maxlength": COMMENT_MAX_LENGTH}))

    def clean_comment(self):
        text = (self.cleaned_data.get("comment") or "").strip()
        problem = rules.check_comment(text)
        if problem:
            raise forms.ValidationError(problem)
        return text

    def clean(self):
        data = super().clean()
        values = {name: data.get(name) for name in rules.TYPED if name not in self.errors}
        if self.complete:
            values.update({name: None for name in rules.TYPED if name in self.errors})
        for name, errors in rules.check_values(values, complete=self.complete).items():
            if name not in self.errors:
                for error in errors:
                    self.add_error(name, error)
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}

    def sections(self):
        """(title, [bound fields]) in the order of the seeds' table."""
        return [(title, [self[name] for name in names]) for title, names in rules.SECTIONS]


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Motif de la réouverture"), min_length=5, max_length=COMMENT_MAX_LENGTH,
                             validators=[validate_single_line],
                             error_messages={"required": _("Indiquez le motif : il est gardé dans l'historique."),
                                             "min_length": _("Motif trop court : dites ce qui est à corriger."),
                                             "max_length": _("%(limit_value)d caractères au plus.")})


class DesignateOperatorForm(forms.Form):
    organisation = SafeModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none(),
                                        empty_label=_("Choisir une organisation"))
    territory = SafeModelChoiceField(label=_("Territoire couvert"), queryset=Territory.objects.none(), required=False,
                                     to_field_name="code", empty_label=_("Tout le département"))
    first_month = forms.DateField(label=_("Premier mois attendu"), input_formats=["%Y-%m"],
                                  widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                                  error_messages={"invalid": _("Mois invalide : attendu AAAA-MM, par exemple "
                                                               "2026-03.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (Organisation.objects.exclude(reporting_operator__isnull=False)
                                                .order_by("name"))
        self.fields["organisation"].error_messages["invalid_choice"] = _(
            "Cette organisation n'existe pas ou est déjà désignée.")
        self.fields["territory"].queryset = territories.areas().order_by("code")
        self.fields["territory"].error_messages["invalid_choice"] = _("Ce territoire n'existe pas.")

    def save(self) -> ReportingOperator:
        data = self.cleaned_data
        return ReportingOperator.objects.create(organisation=data["organisation"], territory=data.get("territory"),
                                                first_month=data["first_month"].replace(day=1))
