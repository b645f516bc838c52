"""The project app's own data: the permissions that open the professional space and the per-person data tools,
and the review state of each page translation (relais.languages)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProfessionalSpace(models.Model):
    """Unmanaged anchor for the ``relais.access_professional_space`` permission."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("access_professional_space", "Peut accéder à l'espace professionnel"),
                       ("manage_personal_data", "Peut exporter et effacer les données d'une personne")]

    def __str__(self):
        return "Espace professionnel"


class TranslationReview(models.Model):
    """Where a page translation stands: draft, to review, reviewed (by whom, when). Readers see a translation
    only once reviewed, unless the pilot publishes it before review, and the page then says so."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        TO_REVIEW = "to_review", _("À relire")
        REVIEWED = "reviewed", _("Relue")

    page = models.OneToOneField("wagtailcore.Page", verbose_name=_("page traduite"), on_delete=models.CASCADE,
                                related_name="translation_review")
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    publish_before_review = models.BooleanField(
        _("montrer aux lecteurs avant relecture"), default=False,
        help_text=_("Choix du pilote pour cette page : la traduction est montrée avant d'être relue, et la page "
                    "le dit au lecteur."))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("relue par"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewer_name = models.CharField(_("nom montré du relecteur"), max_length=120, blank=True,
                                     help_text=_("Ce que la page affiche, ex. : « l'équipe du guide »."))
    reviewed_at = models.DateTimeField(_("relue le"), null=True, blank=True)
    note = models.TextField(_("note pour l'équipe"), blank=True)

    class Meta:
        verbose_name = _("relecture d'une traduction")
        verbose_name_plural = _("relectures des traductions")

    def __str__(self):
        return f"{self.page} ({self.get_status_display()})"

    @property
    def is_reviewed(self) -> bool:
        return self.status == self.Status.REVIEWED

    @property
    def is_public(self) -> bool:
        return self.is_reviewed or self.publish_before_review

    @property
    def reviewer_label(self) -> str:
        if self.reviewer_name:
            return self.reviewer_name
        user = self.reviewed_by
        return (user.get_full_name() or user.get_username()) if user is not None else ""
