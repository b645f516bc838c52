"""The project app holds no data of its own, only the permissions that open the professional space and the
per-person data tools."""

from django.db import models


class ProfessionalSpace(models.Model):
    """Unmanaged anchor for the ``relais.access_professional_space`` permission."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("access_professional_space", "Peut accéder à l'espace professionnel"),
                       ("manage_personal_data", "Peut exporter et effacer les données d'une personne")]

    def __str__(self):
        return "Espace professionnel"
