"""The convention's indicator matrix: definitions, yearly targets and hand-entered values.

Computed indicators are never stored: ``compute.py`` derives them from the frozen invitation lists and the
attendance of the meetings app each time they are asked for, so a figure cannot drift from its sources.
Only what no attendance sheet can tell (contrats jeunes majeurs signed, young people who chose a resource
person…) is entered by hand, per year and optionally per territory.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel


class Convention(models.Model):
    """A State–département convention: its years bound every target and value that can be entered."""

    name = models.CharField(_("intitulé"), max_length=255)
    first_year = models.PositiveSmallIntegerField(_("première année"))
    last_year = models.PositiveSmallIntegerField(_("dernière année"))
    note = models.TextField(
        _("note"), blank=True,
        help_text=_("Par exemple : d'où viennent les cibles, comment les années ont été reportées."))

    panels = [FieldPanel("name"), FieldPanel("first_year"), FieldPanel("last_year"), FieldPanel("note")]

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["first_year", "name"]

    def __str__(self):
        return f"{self.name} ({self.first_year}–{self.last_year})"

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    def clean(self):
        if self.first_year is not None and self.last_year is not None:
            if self.last_year < self.first_year:
                raise ValidationError({"last_year": _("La dernière année ne peut pas précéder la première.")})
            if not 2000 <= self.first_year <= 2100 or not 2000 <= self.last_year <= 2100:
                raise ValidationError(_("Les années d'une convention sont comprises entre 2000 et 2100."))


class Indicator(ClusterableModel):
    """One line of the matrix. ``computation`` says which function of compute.py gives its result."""

    class Unit(models.TextChoices):
        COUNT = "count", _("nombre")
        PERCENT = "percent", _("pourcentage")
        YES_NO = "yes_no", _("oui / non")

    class Computation(models.TextChoices):
        MANUAL = "manual", _("saisi à la main")
        PARTNER_PRESENCE = "partner_presence_rate", _("taux de présence des partenaires aux instances de décision")
        YOUTH_PRESENCE = "youth_presence_rate", _("taux de présence des jeunes aux instances de décision")
        TRAINED = "professionals_trained", _("professionnels formés (dans l'année)")
        TRAINED_CUMULATIVE = "professionals_trained_cumulative", _("professionnels formés (cumul depuis le début)")
        SUIVI_PRESENCES = "comite_suivi_presences", _("présences au comité de suivi")
        PERMANENCES = "permanences_held", _("permanences effectuées")
        COPIL_HELD = "copil_held", _("comité de pilotage organisé")
        TECHNIQUE_PARTICIPATION = "comite_technique_participation", _("participation au comité technique de réseau")

    # The unit each computation produces: a definition cannot claim another one.
    COMPUTATION_UNITS = {
        Computation.PARTNER_PRESENCE: Unit.PERCENT,
        Computation.YOUTH_PRESENCE: Unit.PERCENT,
        Computation.TRAINED: Unit.COUNT,
        Computation.TRAINED_CUMULATIVE: Unit.COUNT,
        Computation.SUIVI_PRESENCES: Unit.COUNT,
        Computation.PERMANENCES: Unit.COUNT,
        Computation.COPIL_HELD: Unit.YES_NO,
        Computation.TECHNIQUE_PARTICIPATION: Unit.PERCENT,
    }

    convention = models.ForeignKey(Convention, verbose_name=_("convention"), on_delete=models.PROTECT,
                                   related_name="indicators")
    code = models.SlugField(_("code"), max_length=80, unique=True,
                            help_text=_("Identifiant stable, utilisé dans l'API et les exports."))
    name = models.CharField(_("intitulé"), max_length=255)
    definition = models.TextField(
        _("mode de calcul"),
        help_text=_("Dites exactement comment le chiffre est obtenu (numérateur, dénominateur, période, "
                    "instances prises en compte) : ce texte accompagne le chiffre sur le tableau de bord et dans les "
                    "exports."))
    source = models.CharField(_("source"), max_length=255, blank=True,
                              help_text=_("Par exemple : fiche action n°4 de la convention, avenant n°2 article 2."))
    computation = models.CharField(_("calcul"), max_length=40, choices=Computation.choices, default=Computation.MANUAL)
    unit = models.CharField(_("unité"), max_length=10, choices=Unit.choices, default=Unit.COUNT)
    class Basis(models.TextChoices):
        EFFECTIVE = "effective", _("présence effective")
        REPRESENTED = "represented", _("présence ou représentation")

    # The computations counting people present: both figures are computed, ``presence_basis`` says which
    # one the convention reports.
    PRESENCE_COMPUTATIONS = (Computation.PARTNER_PRESENCE, Computation.YOUTH_PRESENCE,
                             Computation.TECHNIQUE_PARTICIPATION, Computation.SUIVI_PRESENCES)
    # The annual / cumulative pair that counts over one selection of bodies (the annual one's).
    SHARED_SELECTION = {Computation.TRAINED_CUMULATIVE: Computation.TRAINED}

    presence_basis = models.CharField(
        _("présence retenue pour la convention"), max_length=12, choices=Basis.choices, default=Basis.EFFECTIVE,
        help_text=_("Présence effective : présent·e, à distance ou suppléé·e (représenté·e par une autre "
                    "organisation exclu ; un siège jeune compte seulement si un·e jeune y a siégé). Présence ou "
                    "représentation : compte aussi les représentations et les sièges jeunes tenus par un·e "
                    "professionnel·le. Les deux chiffres sont affichés ; celui-ci est comparé à la cible."))
    selection_territory = models.ForeignKey(
        "directory.Territory", verbose_name=_("territoire des instances"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Vide : toutes les instances de la règle, où qu'elles soient."))
    bodies = models.ManyToManyField("meetings.Body", verbose_name=_("instances ajoutées à la règle"), blank=True,
                                    related_name="+",
                                    help_text=_("Instances comptées en plus de celles que la règle du calcul "
                                                "sélectionne (type, instance de décision, territoire)."))
    excluded_bodies = models.ManyToManyField(
        "meetings.Body", verbose_name=_("instances exclues"), blank=True, related_name="+",
        help_text=_("Instances que la règle sélectionnerait mais que la convention ne compte pas (par exemple une "
                    "formation qui n'est pas « référent de parcours »). Une nouvelle instance du bon type est "
                    "comptée sans modifier l'indicateur."))
    sort_order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("affiché"), default=True)

    panels = [
        MultiFieldPanel([FieldPanel("convention"), FieldPanel("code"), FieldPanel("name"), FieldPanel("source"),
                         FieldPanel("sort_order"), FieldPanel("is_active")], heading=_("Indicateur")),
        MultiFieldPanel([FieldPanel("computation"), FieldPanel("unit"), FieldPanel("presence_basis"),
                         FieldPanel("definition")], heading=_("Calcul")),
        MultiFieldPanel([FieldPanel("selection_territory"), FieldPanel("bodies"), FieldPanel("excluded_bodies")],
                        heading=_("Instances comptées"),
                        help_text=_("La règle du calcul choisit les instances (type, instance de décision figée à "
                                    "la convocation) ; précisez un territoire, des ajouts ou des exclusions. Le "
                                    "cumul des professionnels formés compte les instances de l'indicateur annuel.")),
        InlinePanel("targets", heading=_("Cibles par année"), label=_("cible")),
    ]

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["sort_order", "name"]
        permissions = [
            ("view_dashboard", _("Voir le tableau de bord des indicateurs (toutes les instances)")),
        ]

    def __str__(self):
        return self.name

    @property
    def is_manual(self) -> bool:
        return self.computation == self.Computation.MANUAL

    @property
    def is_percent(self) -> bool:
        return self.unit == self.Unit.PERCENT

    def clean(self):
        expected = self.COMPUTATION_UNITS.get(self.computation)
        if expected and self.unit != expected:
            raise ValidationError({"unit": _("Ce calcul donne un résultat en « %(unit)s » : choisissez cette unité.")
                                   % {"unit": self.Unit(expected).label}})

    def check_amount(self, value, field: str = "value") -> None:
        """Refuse a value this indicator's unit cannot hold (a percentage over 100, a yes/no that is 3…)."""
        if value is None:
            return
        if not isinstance(value, Decimal | int | float):
            raise ValidationError({field: _("Saisissez un nombre.")})
        if value < 0:
            raise ValidationError({field: _("La valeur ne peut pas être négative.")})
        if self.unit == self.Unit.PERCENT and value > 100:
            raise ValidationError({field: _("Un pourcentage ne peut pas dépasser 100.")})
        if self.unit == self.Unit.YES_NO and value not in (0, 1):
            raise ValidationError({field: _("Pour un indicateur oui / non, saisissez 1 (oui) ou 0 (non).")})
        if self.unit == self.Unit.COUNT and value != int(value):
            raise ValidationError({field: _("Un nombre de personnes ou de séances est un nombre entier.")})

    def check_year(self, year, field: str = "year") -> None:
        if year is None or self.convention_id is None:
            return
        convention = self.convention
        if not convention.first_year <= year <= convention.last_year:
            raise ValidationError({field: _("L'année %(year)s est hors de la convention (%(first)s–%(last)s).")
                                   % {"year": year, "first": convention.first_year, "last": convention.last_year}})


class IndicatorAdminForm(WagtailAdminModelForm):
    """Checks the inline targets against the unit and convention chosen in the same form (even a new one)."""

    def clean(self):
        data = super().clean()
        probe = Indicator(unit=data.get("unit"), computation=data.get("computation"),
                          convention=data.get("convention"))
        formset = self.formsets.get("targets") if hasattr(self, "formsets") else None
        for form in formset.forms if formset is not None else ():
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            for check, field in ((probe.check_year, "year"), (probe.check_amount, "value")):
                try:
                    check(form.cleaned_data.get(field), field)
                except ValidationError as error:
                    form.add_error(None, error)
        return data


Indicator.base_form_class = IndicatorAdminForm


class IndicatorTarget(models.Model):
    """The convention's target for one indicator and one year (percentages in points: 80 means 80 %)."""

    indicator = ParentalKey(Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicateur"))
    year = models.PositiveSmallIntegerField(_("année"))
    value = models.DecimalField(_("cible"), max_digits=12, decimal_places=2)

    panels = [FieldPanel("year"), FieldPanel("value")]

    class Meta:
        verbose_name = _("cible")
        verbose_name_plural = _("cibles")
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="indicators_one_target_per_year")]

    def __str__(self):
        return f"{self.indicator} {self.year} : {self.value}"

    def clean(self):
        # In the admin's inline panel the indicator may be new (unsaved) but already carries the unit and
        # convention chosen in the same form.
        indicator = self._meta.get_field("indicator").get_cached_value(self, default=None)
        if indicator is None and self.indicator_id is not None:
            indicator = self.indicator
        if indicator is None:
            return
        indicator.check_year(self.year)
        indicator.check_amount(self.value)


class IndicatorValue(models.Model):
    """A result entered by hand for a manual indicator, for a year and optionally one territory."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values",
                                  verbose_name=_("indicateur"), limit_choices_to={"computation": "manual"})
    year = models.PositiveSmallIntegerField(_("année"))
    territory = models.ForeignKey("directory.Territory", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("territoire"),
                                  help_text=_("Vide : valeur pour tout le département."))
    value = models.DecimalField(_("valeur"), max_digits=12, decimal_places=2)
    comment = models.TextField(_("commentaire"), blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    panels = [FieldPanel("indicator"), FieldPanel("year"), FieldPanel("territory"), FieldPanel("value"),
              FieldPanel("comment")]

    class Meta:
        verbose_name = _("valeur saisie")
        verbose_name_plural = _("valeurs saisies")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "territory"],
                                    name="indicators_one_value_per_territory"),
            models.UniqueConstraint(fields=["indicator", "year"], condition=Q(territory__isnull=True),
                                    name="indicators_one_departement_value"),
        ]

    def __str__(self):
        return f"{self.indicator} {self.year} : {self.value}"

    def clean(self):
        if self.indicator_id is None:
            return
        if not self.indicator.is_manual:
            raise ValidationError({"indicator": _("Cet indicateur est calculé à partir des présences : "
                                                  "il ne se saisit pas à la main.")})
        self.indicator.check_year(self.year)
        self.indicator.check_amount(self.value)
        if self.year is not None:
            duplicate = IndicatorValue.objects.filter(indicator_id=self.indicator_id, year=self.year,
                                                      territory_id=self.territory_id).exclude(pk=self.pk)
            if duplicate.exists():
                raise ValidationError(_("Une valeur existe déjà pour cet indicateur, cette année et ce territoire : "
                                        "modifiez-la plutôt."))


class PeriodClosure(models.Model):
    """A month or a year the pilot closed ("arrêté"): its figures, as they were then, are kept in
    ``ClosedFigure`` rows and never recomputed; later changes to that period's sessions are shown as
    differences, with the attendance history written since. Whole département, every body."""

    start = models.DateField(_("début"))
    end = models.DateField(_("fin"))
    label = models.CharField(_("période"), max_length=20)
    closed_at = models.DateTimeField(_("arrêtée le"), auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("arrêtée par"))
    closed_by_name = models.CharField(_("arrêtée par (nom)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("période arrêtée")
        verbose_name_plural = _("périodes arrêtées")
        ordering = ["-start"]
        constraints = [models.UniqueConstraint(fields=["start", "end"], name="indicators_one_closure_per_period")]

    def __str__(self):
        return self.label


class ClosedFigure(models.Model):
    """One indicator's figure as it stood when its period was closed (both definitions of presence)."""

    closure = models.ForeignKey(PeriodClosure, on_delete=models.CASCADE, related_name="figures")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="closed_figures")
    basis = models.CharField(max_length=12, blank=True)
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    numerator = models.IntegerField(null=True, blank=True)
    denominator = models.IntegerField(null=True, blank=True)
    other_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    other_numerator = models.IntegerField(null=True, blank=True)
    other_denominator = models.IntegerField(null=True, blank=True)
    unclosed = models.PositiveIntegerField(default=0)
    display = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("chiffre arrêté")
        verbose_name_plural = _("chiffres arrêtés")
        constraints = [models.UniqueConstraint(fields=["closure", "indicator"], name="indicators_one_closed_figure")]

    def __str__(self):
        return f"{self.closure} {self.indicator}: {self.display}"


class SessionTally(models.Model):
    """A held session's counts, kept so that the dashboard sums one row per session instead of re-counting
    every invitation and attendance (its cost then follows the number of sessions, not of attendances).

    Written by ``tallies.ensure`` with the session's ``figures_version`` read *before* the counts: any write to
    the session after that read raises the version, so a tally older than its session is counted again.
    """

    meeting = models.OneToOneField("meetings.Meeting", primary_key=True, on_delete=models.CASCADE,
                                   related_name="tally")
    version = models.PositiveIntegerField()
    # Expected partner organisations (distinct organisations of the non-youth seats) and, of them, those with a
    # seat filled: present or represented, and present themselves (présence effective).
    expected = models.PositiveIntegerField(default=0)
    present = models.PositiveIntegerField(default=0)
    effective = models.PositiveIntegerField(default=0)
    # Youth seats, and those filled (represented basis; effective basis: by a young person).
    youth_seats = models.PositiveIntegerField(default=0)
    youth_present = models.PositiveIntegerField(default=0)
    youth_effective = models.PositiveIntegerField(default=0)
    # Organisations present or represented, invited or walk-in (one per organisation, a typed name counting as
    # one "organisation non référencée"), and of them those there themselves.
    attending = models.PositiveIntegerField(default=0)
    attending_effective = models.PositiveIntegerField(default=0)
    # Expected members (non-youth seats) there themselves: a closed session with none is not "held".
    members_effective = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("décompte de séance")
        verbose_name_plural = _("décomptes de séance")

    def __str__(self):
        return f"{self.meeting_id} v{self.version}"


# The operator's monthly reporting table: its own module, registered with this app here.
from meetings.indicators.operator_models import (  # noqa: E402, F401
    OperatorReminder,
    OperatorTable,
    OperatorTableEvent,
    ReportingOperator,
)
