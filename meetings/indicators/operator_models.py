"""The operator's monthly reporting table (seeds: the Mission locale coordinator "alimente le tableau de suivi mis
à disposition par le département et le retourne pour le 10 de chaque mois").

Only aggregates are held: counts of young people, never a name, a birth date or a case number. Percentages are
never stored nor typed: they are computed from the counts (``operator_table.py``). The attendance-based lines
(presences at the comité de suivi, permanences, COPIL) are computed from the meetings app and only frozen here
when the table is submitted. Rules (deadline, validation, feeding the hand-entered values) live in
``operator_table.py``; these models only hold the data. Imported by ``models.py``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_COUNT = 100_000  # more young people than a département holds: a typing error
COMMENT_MAX_LENGTH = 500


class ReportingOperator(models.Model):
    """An organisation (a Mission locale) that returns the monthly table, designated by the département."""

    organisation = models.OneToOneField("directory.Organisation", on_delete=models.PROTECT,
                                        related_name="reporting_operator", verbose_name=_("organisation"))
    territory = models.ForeignKey("directory.Territory", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("territoire couvert"),
                                  help_text=_("Les valeurs transmises alimentent les indicateurs de ce territoire."))
    first_month = models.DateField(_("premier mois attendu"), help_text=_("Le premier jour du mois."))
    is_active = models.BooleanField(_("tableau attendu"), default=True)
    created_at = models.DateTimeField(_("désigné le"), auto_now_add=True)

    class Meta:
        app_label = "indicators"
        verbose_name = _("opérateur (tableau de suivi)")
        verbose_name_plural = _("opérateurs (tableau de suivi)")
        ordering = ["organisation__name"]

    def __str__(self):
        return self.organisation.name


def _count(label, help_text=""):
    return models.PositiveIntegerField(label, null=True, blank=True, help_text=help_text,
                                       validators=[MaxValueValidator(MAX_COUNT)])


class OperatorTable(models.Model):
    """One operator's table for one month: draft, submitted, or reopened by the département."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SUBMITTED = "submitted", _("transmis")
        REOPENED = "reopened", _("rouvert")

    operator = models.ForeignKey(ReportingOperator, on_delete=models.PROTECT, related_name="tables",
                                 verbose_name=_("opérateur"))
    month = models.DateField(_("mois"), help_text=_("Le premier jour du mois."))
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.DRAFT)

    # Typed counts (labels and "of which" rules: operator_table.LINES).
    coordinator_posts = models.DecimalField(_("postes de coordonnateur Mission locale (ETP)"), max_digits=4,
                                            decimal_places=1, null=True, blank=True)
    followed = _count(_("jeunes de 16 à 18 ans suivis dans le cadre de l'ASE"))
    at_risk = _count(_("dont jeunes en risque de rupture"))
    at_risk_first_meeting = _count(_("jeunes en risque de rupture ayant eu un premier rendez-vous référent ASE / "
                                     "référent ML"))
    accompanied = _count(_("jeunes accompagnés par le binôme ML/ASE"))
    accompanied_school = _count(_("dont parcours scolaire"))
    accompanied_professional = _count(_("dont parcours d'insertion professionnelle"))
    left_care = _count(_("jeunes accompagnés par le binôme sortis de l'ASE"))
    left_in_path = _count(_("dont dans un parcours scolaire ou professionnel"))
    left_stable_housing = _count(_("dont avec un logement stable"))
    left_stable_resources = _count(_("dont avec des ressources stables"))
    left_full_health_cover = _count(_("dont avec une couverture maladie complète"))
    housing_intermediation = _count(_("intermédiation locative"))
    housing_bail_glissant = _count(_("bail glissant"))
    housing_fjt = _count(_("foyer de jeunes travailleurs (FJT)"))
    housing_autonomous = _count(_("logement autonome (bail à son nom)"))
    housing_other = _count(_("autre logement"))
    surveyed = _count(_("jeunes ayant répondu à l'enquête de satisfaction"))
    satisfied = _count(_("dont satisfaits de l'accompagnement du binôme"))
    equipment_phone = models.BooleanField(_("téléphone portable professionnel"), default=False)
    equipment_laptop = models.BooleanField(_("ordinateur portable"), default=False)
    equipment_travel = models.BooleanField(_("frais de déplacement pris en charge"), default=False)
    comment = models.CharField(_("commentaire"), max_length=COMMENT_MAX_LENGTH, blank=True)

    # Attendance-based lines, computed from the meetings app; frozen here when the table is submitted.
    suivi_presences = models.PositiveIntegerField(_("présences au comité de suivi"), null=True, blank=True)
    permanences_held = models.PositiveIntegerField(_("permanences effectuées"), null=True, blank=True)
    copil_held = models.BooleanField(_("comité de pilotage organisé"), null=True, blank=True)

    submitted_at = models.DateTimeField(_("transmis le"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("transmis par"))
    is_late = models.BooleanField(_("transmis en retard"), default=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("modifié par"))

    class Meta:
        app_label = "indicators"
        verbose_name = _("tableau de suivi mensuel")
        verbose_name_plural = _("tableaux de suivi mensuels")
        ordering = ["-month", "operator"]
        constraints = [models.UniqueConstraint(fields=["operator", "month"], name="indicators_one_table_per_month")]

    def __str__(self):
        return f"{self.operator} {self.month:%m/%Y}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class OperatorTableEvent(models.Model):
    """The table's append-only history: saved, submitted (late or not), reopened with the pilot's reason."""

    class Action(models.TextChoices):
        SAVED = "saved", _("brouillon enregistré")
        SUBMITTED = "submitted", _("transmis")
        REOPENED = "reopened", _("rouvert")

    table = models.ForeignKey(OperatorTable, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.CharField(_("motif"), max_length=COMMENT_MAX_LENGTH, blank=True)
    late = models.BooleanField(_("en retard"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("par"))
    at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        app_label = "indicators"
        verbose_name = _("historique du tableau de suivi")
        verbose_name_plural = _("historique des tableaux de suivi")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.table} : {self.get_action_display()}"


class OperatorReminder(models.Model):
    """One reminder per operator, month and stage (before the 10th, then late): the command is idempotent."""

    class Stage(models.TextChoices):
        DUE = "due", _("avant l'échéance")
        LATE = "late", _("en retard")

    operator = models.ForeignKey(ReportingOperator, on_delete=models.CASCADE, related_name="reminders")
    month = models.DateField()
    stage = models.CharField(max_length=5, choices=Stage.choices)
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "indicators"
        constraints = [models.UniqueConstraint(fields=["operator", "month", "stage"],
                                               name="indicators_one_operator_reminder")]

    def __str__(self):
        return f"{self.operator} {self.month:%m/%Y} ({self.get_stage_display()})"
