"""The project app holds no data of its own, only the permission that opens the professional space."""

from django.db import models


class ProfessionalSpace(models.Model):
    """Unmanaged anchor for the ``relais.access_professional_space`` permission."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("access_professional_space", "Peut accéder à l'espace professionnel")]

    def __str__(self):
        return "Espace professionnel"
