"""Territories, partner organisations, their services and contacts.

Field names follow the cross-app contract (docs/directory.md); data·inclusion codes are stored as they are
so that import and export are a mapping, not a translation. Lists of codes are JSON lists; each service also
keeps one ``ServiceCode`` row per theme (categories included) and per code of its service area, so that the
partner queries join on an index instead of scanning every service, and a "|code|" index of its publics.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from directory import vocabulary
from directory.validators import (
    validate_latitude,
    validate_longitude,
    validate_opening_hours,
    validate_phone,
    validate_siret,
)
from relais.slugs import unique_slug

STALE_AFTER = timedelta(days=183)  # "not confirmed for 6 months"


class Territory(models.Model):
    """Département → territoire d'action sociale (MDS) → commune, keyed by official COG codes."""

    class Kind(models.TextChoices):
        DEPARTEMENT = "departement", _("Département")
        TERRITOIRE = "territoire", _("Territoire d'action sociale")
        EPCI = "epci", _("Intercommunalité (EPCI)")
        COMMUNE = "commune", _("Commune")

    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, db_index=True)
    code = models.CharField(_("code"), max_length=12, unique=True,
                            help_text=_("Code INSEE (COG) ; pour un territoire : code local, ex. « 62-ARR »."))
    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, db_index=True)
    parent = models.ForeignKey("self", verbose_name=_("territoire parent"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    latitude = models.FloatField(_("latitude"), null=True, blank=True, validators=[validate_latitude])
    longitude = models.FloatField(_("longitude"), null=True, blank=True, validators=[validate_longitude])
    postal_codes = models.CharField(_("codes postaux"), max_length=200, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    epci = models.CharField(_("EPCI (SIREN)"), max_length=9, blank=True)
    centre_source = models.CharField(
        _("source du centre"), max_length=20, blank=True,
        help_text=_("« geonames », « chef-lieu », « commune-principale » ; « saisie » pour un centre saisi à la main, "
                    "que le chargement des territoires ne remplace jamais. Vide : pas de centre."))
    centre_note = models.CharField(_("centre : précision"), max_length=300, blank=True,
                                   help_text=_("D'où vient le centre, ou pourquoi il n'y en a pas."))

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name"]

    def __str__(self):
        if self.kind == self.Kind.COMMUNE:
            return f"{self.name} ({self.code})"
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:160]
        super().save(*args, **kwargs)

    @property
    def departement_code(self) -> str:
        if self.kind == self.Kind.DEPARTEMENT:
            return self.code
        if self.kind == self.Kind.COMMUNE:
            return self.code[:3] if self.code.startswith("97") else self.code[:2]
        if self.kind == self.Kind.EPCI:  # coded by its SIREN: the département it is attached to
            return self.parent.code if self.parent_id else ""
        return self.code.split("-", 1)[0]


class Status(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publié")
    ARCHIVED = "archived", _("Archivé")


class OrganisationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def stale(self, now=None):
        """Published records nobody confirmed for six months (or ever, once created six months ago)."""
        limit = (now or timezone.now()) - STALE_AFTER
        return self.published().filter(
            models.Q(last_confirmed_at__lt=limit) | models.Q(last_confirmed_at__isnull=True, created_at__lt=limit)
        )


def _type_choices():
    return vocabulary.type_choices()


class Organisation(models.Model):
    """A partner: Mission locale, CCAS, FJT, MDS… (a data·inclusion ``structure``)."""

    Status = Status

    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True,
                            help_text=_("Adresse de la fiche publique : /annuaire/<slug>/"))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    typologie = models.CharField(_("type de structure"), max_length=60, blank=True, choices=_type_choices,
                                 db_index=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    address_complement = models.CharField(_("complément d'adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(Territory, verbose_name=_("commune"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="organisations_here",
                                limit_choices_to={"kind": Territory.Kind.COMMUNE})
    latitude = models.FloatField(_("latitude"), null=True, blank=True, validators=[validate_latitude])
    longitude = models.FloatField(_("longitude"), null=True, blank=True, validators=[validate_longitude])
    phone = models.CharField(_("téléphone"), max_length=30, blank=True, validators=[validate_phone])
    email = models.EmailField(_("courriel"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    description = models.TextField(_("description"), blank=True)
    opening_hours = models.CharField(
        _("horaires d'ouverture"), max_length=500, blank=True, validators=[validate_opening_hours],
        help_text=_("Format OpenStreetMap, ex. « Mo-Fr 09:00-12:00,14:00-17:00; PH off »."))
    accessibility = models.TextField(_("accessibilité"), blank=True,
                                     help_text=_("Accès en fauteuil, boucle magnétique, langue des signes…"))
    accessibility_url = models.URLField(_("fiche Acceslibre"), blank=True)
    territories = models.ManyToManyField(Territory, verbose_name=_("territoires desservis"), blank=True,
                                         related_name="organisations_serving")
    notice = models.CharField(_("avis temporaire"), max_length=500, blank=True,
                              help_text=_("Fermeture exceptionnelle, déménagement…"))
    notice_starts_on = models.DateField(_("avis affiché à partir du"), null=True, blank=True)
    notice_ends_on = models.DateField(_("avis affiché jusqu'au"), null=True, blank=True)
    closed_from = models.DateField(_("fermée à partir du"), null=True, blank=True,
                                   help_text=_("Vide avec une date de fin : fermée dès maintenant."))
    closed_until = models.DateField(_("fermée jusqu'au (inclus)"), null=True, blank=True,
                                    help_text=_("Vide avec une date de début : jusqu'à nouvel ordre."))
    closure_note = models.CharField(_("motif de la fermeture"), max_length=200, blank=True,
                                    help_text=_("Ex. « congés annuels », « travaux »."))
    last_confirmed_at = models.DateTimeField(_("dernière confirmation"), null=True, blank=True)
    last_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmée par"), null=True,
                                          blank=True, on_delete=models.SET_NULL, related_name="+")
    reseaux_porteurs = models.JSONField(
        _("autres réseaux porteurs"), default=list, blank=True,
        help_text=_("Codes data·inclusion des réseaux qui portent aussi la structure, en plus de son type."))
    source = models.CharField(_("source"), max_length=60, blank=True)
    source_id = models.CharField(_("identifiant dans la source"), max_length=200, blank=True)
    source_url = models.URLField(_("fiche chez le producteur"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        permissions = [
            ("view_professional_contacts", "Peut voir les contacts réservés aux professionnels"),
            ("export_directory", "Peut exporter l'annuaire"),
            ("assign_editors", "Peut désigner les éditeurs d'une organisation"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], condition=~models.Q(source_id=""),
                                    name="directory_organisation_unique_source_id"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Organisation, self.name, max_length=150, fallback="fiche")
        if self.commune_id and (self.latitude is None or self.longitude is None):
            commune = self.commune
            self.latitude = self.latitude if self.latitude is not None else commune.latitude
            self.longitude = self.longitude if self.longitude is not None else commune.longitude
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("directory:organisation", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.notice_starts_on and self.notice_ends_on and self.notice_ends_on < self.notice_starts_on:
            raise ValidationError({"notice_ends_on": _("La date de fin précède la date de début.")})
        if self.closed_from and self.closed_until and self.closed_until < self.closed_from:
            raise ValidationError({"closed_until": _("La date de fin précède la date de début.")})

    @property
    def type_label(self) -> str:
        return vocabulary.type_label(self.typologie)

    def notice_is_active(self, today=None) -> bool:
        today = today or timezone.localdate()
        if not self.notice:
            return False
        if self.notice_starts_on and today < self.notice_starts_on:
            return False
        return not (self.notice_ends_on and today > self.notice_ends_on)

    @property
    def freshness_date(self):
        return self.last_confirmed_at or self.created_at

    def is_stale(self, now=None) -> bool:
        return self.freshness_date < (now or timezone.now()) - STALE_AFTER

    def confirm(self, user):
        """The editor's one-click "the record is up to date"."""
        self.last_confirmed_at = timezone.now()
        self.last_confirmed_by = user if getattr(user, "is_authenticated", False) else None
        self.save(update_fields=["last_confirmed_at", "last_confirmed_by", "updated_at"])


class ServiceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def bulk_create(self, objs, *args, **kwargs):
        """Bulk loaders (import, benchmarks, tests) get the same indexes and code rows as ``save()``."""
        objs = list(objs)
        for service in objs:
            service.refresh_indexes()
        created = super().bulk_create(objs, *args, **kwargs)
        write_codes([service for service in created if service.pk is not None])
        return created


class Service(models.Model):
    """What an organisation offers (a data·inclusion ``service``)."""

    Status = Status

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="services")
    name = models.CharField(_("nom"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    thematiques = models.JSONField(_("thématiques"), default=list, blank=True,
                                   help_text=_("Codes data·inclusion (thématiques et sous-thématiques)."))
    publics = models.JSONField(_("publics"), default=list, blank=True)
    publics_precisions = models.CharField(_("précisions sur les publics"), max_length=500, blank=True)
    age_min = models.PositiveSmallIntegerField(_("âge minimum"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("âge maximum"), null=True, blank=True)
    conditions_acces = models.TextField(_("conditions d'accès"), blank=True)
    frais = models.CharField(_("frais"), max_length=10, blank=True, choices=vocabulary.frais_choices)
    frais_precisions = models.CharField(_("précisions sur les frais"), max_length=300, blank=True)
    modes_accueil = models.JSONField(_("modes d'accueil"), default=list, blank=True)
    modes_mobilisation = models.JSONField(_("comment mobiliser le service"), default=list, blank=True)
    mobilisable_par = models.JSONField(_("mobilisable par"), default=list, blank=True)
    mobilisation_precisions = models.TextField(_("précisions sur l'orientation"), blank=True)
    lien_mobilisation = models.URLField(_("lien de mobilisation"), blank=True)
    zone_eligibilite = models.JSONField(_("zone d'éligibilité"), default=list, blank=True,
                                        help_text=_("Codes COG : communes, départements, EPCI."))
    opening_hours = models.CharField(_("horaires du service"), max_length=500, blank=True,
                                     validators=[validate_opening_hours],
                                     help_text=_("Vide : horaires de l'organisation."))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True, validators=[validate_phone])
    email = models.EmailField(_("courriel"), blank=True)
    # Where the service is given when it is not the organisation's address (a "permanence" in a town hall…).
    address = models.CharField(_("adresse du service"), max_length=255, blank=True,
                               help_text=_("Vide : l'adresse de l'organisation."))
    address_complement = models.CharField(_("complément d'adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(Territory, verbose_name=_("commune"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="services_here",
                                limit_choices_to={"kind": Territory.Kind.COMMUNE})
    latitude = models.FloatField(_("latitude"), null=True, blank=True, validators=[validate_latitude])
    longitude = models.FloatField(_("longitude"), null=True, blank=True, validators=[validate_longitude])
    source = models.CharField(_("source"), max_length=60, blank=True,
                              help_text=_("Producteur d'un service importé (vide : celui de son organisation)."))
    source_id = models.CharField(_("identifiant dans la source"), max_length=200, blank=True)
    source_url = models.URLField(_("fiche chez le producteur"), max_length=500, blank=True)
    publics_index = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["organisation_id", "name"]

    def __str__(self):
        return f"{self.name} — {self.organisation.name}" if self.organisation_id else self.name

    def save(self, *args, **kwargs):
        self.refresh_indexes()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"publics_index"}
        super().save(*args, **kwargs)
        if update_fields is None or {"thematiques", "zone_eligibilite"} & set(update_fields):
            write_codes([self], replace=True)

    def clean(self):
        super().clean()
        errors = {}
        bad = [code for code in self.thematiques or [] if not vocabulary.is_valid_theme(code)]
        if bad:
            errors["thematiques"] = _("Thématique inconnue : %s") % ", ".join(bad)
        bad = [code for code in self.publics or [] if not vocabulary.is_valid_public(code)]
        if bad:
            errors["publics"] = _("Public inconnu : %s") % ", ".join(bad)
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            errors["age_max"] = _("L'âge maximum est inférieur à l'âge minimum.")
        if errors:
            raise ValidationError(errors)

    def refresh_indexes(self):
        """Write the "|code|" index of publics that ``partners_for`` filters on (themes and areas have rows:
        ``ServiceCode``)."""
        self.publics = [vocabulary.normalise_public(code) for code in self.publics or []]
        self.publics_index = build_index(self.publics)

    def codes(self) -> list[tuple[str, str]]:
        """(kind, code) of its ``ServiceCode`` rows: its themes with their categories, its service area."""
        themes = vocabulary.with_parent_themes(self.thematiques or [])
        areas = dict.fromkeys(str(code).strip() for code in self.zone_eligibilite or [] if str(code).strip())
        return ([(ServiceCode.Kind.THEME, code) for code in themes]
                + [(ServiceCode.Kind.AREA, code) for code in areas])

    @property
    def has_own_address(self) -> bool:
        return bool(self.address or self.commune_id or self.latitude is not None)

    @property
    def theme_labels(self) -> list[str]:
        labels = vocabulary.theme_labels()
        return [gettext(labels[code]) if code in labels else code for code in self.thematiques or []]

    @property
    def public_labels(self) -> list[str]:
        labels = vocabulary.public_labels()
        return [gettext(labels[code]) if code in labels else code for code in self.publics or []]

    @property
    def age_label(self) -> str:
        if self.age_min is not None and self.age_max is not None:
            return _("de %(min)s à %(max)s ans") % {"min": self.age_min, "max": self.age_max}
        if self.age_min is not None:
            return _("à partir de %(min)s ans") % {"min": self.age_min}
        if self.age_max is not None:
            return _("jusqu'à %(max)s ans") % {"max": self.age_max}
        return ""


def build_index(codes, *, with_parents=False) -> str:
    found = vocabulary.with_parent_themes(codes) if with_parents else list(dict.fromkeys(codes))
    return "|" + "|".join(found) + "|" if found else ""


class ServiceCode(models.Model):
    """One theme (a sub-theme's category included) or one code of a service's area (``zone_eligibilite``: a
    commune, EPCI or département code), one row each, written with the service: partner queries find the
    services of a theme or serving a place through this index instead of reading every service's JSON."""

    class Kind(models.TextChoices):
        THEME = "theme", _("thématique")
        AREA = "area", _("zone d'éligibilité")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="code_rows")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    code = models.CharField(max_length=120)

    class Meta:
        verbose_name = _("code d'un service")
        verbose_name_plural = _("codes des services")
        constraints = [models.UniqueConstraint(fields=["service", "kind", "code"],
                                               name="directory_servicecode_unique")]
        indexes = [models.Index(fields=["kind", "code", "service"], name="directory_servicecode_lookup")]

    def __str__(self):
        return f"{self.kind}:{self.code}"


def write_codes(services, *, replace: bool = False) -> None:
    """Write the ``ServiceCode`` rows of these saved services (``replace``: their old rows go first)."""
    services = list(services)
    if replace:
        ServiceCode.objects.filter(service__in=[service.pk for service in services]).delete()
    ServiceCode.objects.bulk_create(
        [ServiceCode(service_id=service.pk, kind=kind, code=code[:120])
         for service in services for kind, code in service.codes()], batch_size=2000)


class Contact(models.Model):
    """A named person or desk; personal contacts are never public unless the organisation says so."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", pgettext_lazy("visibility", "Public")
        PROFESSIONALS = "professionals", _("Professionnels connectés")
        INTERNAL = "internal", _("Interne (administration seulement)")

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="contacts")
    service = models.ForeignKey(Service, verbose_name=_("service"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("nom ou accueil"), max_length=150)
    role = models.CharField(_("fonction"), max_length=150, blank=True,
                            help_text=_("Ex. « référent thématique logement », « coordonnateur ASE »."))
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True, validators=[validate_phone])
    visibility = models.CharField(_("visibilité"), max_length=14, choices=Visibility.choices,
                                  default=Visibility.PROFESSIONALS)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["position", "name"]

    def __str__(self):
        return f"{self.name} ({self.role})" if self.role else self.name

    def clean(self):
        super().clean()
        if self.service_id and self.organisation_id and self.service.organisation_id != self.organisation_id:
            raise ValidationError({"service": _("Ce service appartient à une autre organisation.")})


class ContactAccount(models.Model):
    """The verified link between a login account and the directory contact that is that person.

    Membership of a body follows the contact seated on it, so this link is what opens a body's sessions and
    minutes to an account. It is set by the département's pilot or the editor of the contact's organisation,
    or confirmed by the person through a signed link sent to the contact's address (directory.accounts);
    never inferred from matching e-mail addresses.
    """

    class Method(models.TextChoices):
        ADMIN = "admin", _("Lié par un administrateur ou l'éditeur de l'organisation")
        EMAIL = "email", _("Confirmé par le lien envoyé au courriel du contact")
        DEMO = "demo", _("Données de démonstration")

    contact = models.OneToOneField(Contact, verbose_name=_("contact"), on_delete=models.CASCADE,
                                   related_name="account")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("compte"), on_delete=models.CASCADE,
                             related_name="contact_links")
    method = models.CharField(_("confirmé par"), max_length=10, choices=Method.choices)
    confirmed_at = models.DateTimeField(_("confirmé le"), default=timezone.now)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmé par le compte"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("compte lié à un contact")
        verbose_name_plural = _("comptes liés à des contacts")

    def __str__(self):
        return f"{self.user.get_username()} → {self.contact}"


class ErrorReport(models.Model):
    """A visitor's "signaler une erreur" on an organisation's page."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="error_reports")
    message = models.TextField(_("message"))
    email = models.EmailField(_("courriel pour vous répondre"), blank=True)
    created_at = models.DateTimeField(_("reçu le"), default=timezone.now)
    handled = models.BooleanField(_("traité"), default=False)

    class Meta:
        verbose_name = _("signalement d'erreur")
        verbose_name_plural = _("signalements d'erreur")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.organisation} — {self.created_at:%d/%m/%Y}"


class ChangeRecord(models.Model):
    """One change to an organisation, service or contact: who, when, which fields (old → new)."""

    class Action(models.TextChoices):
        CREATE = "create", _("Création")
        EDIT = "edit", _("Modification")
        DELETE = "delete", _("Suppression")
        CONFIRM = "confirm", _("Fiche confirmée à jour")
        IMPORT = "import", pgettext_lazy("source", "Import")
        MERGE = "merge", _("Fusion de doublons")
        SEPARATE = "separate", _("Doublon présumé écarté")

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="change_records")
    model = models.CharField(_("type d'objet"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("identifiant"))
    object_repr = models.CharField(_("objet"), max_length=255)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("par"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    changes = models.JSONField(_("changements"), default=dict, blank=True)

    class Meta:
        verbose_name = _("historique des modifications")
        verbose_name_plural = _("historique des modifications")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.object_repr}"


class StaleReminder(models.Model):
    """Which organisation was reminded for which period, so the reminder command is idempotent."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="stale_reminders")
    period = models.CharField(max_length=10)
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("relance de mise à jour")
        verbose_name_plural = _("relances de mise à jour")
        constraints = [models.UniqueConstraint(fields=["organisation", "period"],
                                               name="directory_stalereminder_once_per_period")]

    def __str__(self):
        return f"{self.organisation} · {self.period}"


class Provenance(models.Model):
    """Where a record's data comes from: one national data·inclusion record (its producer's ``source``, its ``id``,
    the producer's ``date_maj``). A local record that absorbed a national one keeps that one's provenance as an
    alias, so later pulls find it (directory.national)."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="provenance")
    source = models.CharField(_("producteur"), max_length=60)
    source_id = models.CharField(_("identifiant chez le producteur"), max_length=200)
    date_maj = models.DateField(_("mise à jour par le producteur le"), null=True, blank=True)
    lien_source = models.URLField(_("fiche chez le producteur"), max_length=500, blank=True)
    first_seen_at = models.DateTimeField(_("reçue le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("provenance")
        verbose_name_plural = _("provenances")
        ordering = ["source", "source_id"]
        constraints = [models.UniqueConstraint(fields=["source", "source_id"],
                                               name="directory_provenance_unique_source_id")]

    def __str__(self):
        return f"{self.source} · {self.source_id}"


class SuspectedDuplicate(models.Model):
    """A national record (``incoming``, kept as a draft meanwhile) that may be the same partner as a record
    already in the directory (``local``): same SIRET, or close name and address. The département decides:
    merge (the local record stays and takes the national one's services and provenance) or keep apart."""

    class Reason(models.TextChoices):
        SIRET = "siret", _("même SIRET")
        NAME_ADDRESS = "name_address", _("nom et adresse proches")

    class Decision(models.TextChoices):
        PENDING = "pending", _("À examiner")
        MERGED = "merged", _("Fusionnées")
        KEPT_APART = "kept_apart", _("Gardées séparées")
        OBSOLETE = "obsolete", _("Sans objet (fiche nationale fusionnée ailleurs)")

    local = models.ForeignKey(Organisation, verbose_name=_("fiche de l'annuaire"), on_delete=models.CASCADE,
                              related_name="duplicate_suspicions_as_local")
    incoming = models.ForeignKey(Organisation, verbose_name=_("fiche nationale"), on_delete=models.CASCADE,
                                 related_name="duplicate_suspicions_as_incoming")
    score = models.FloatField(_("ressemblance"), help_text=_("De 0 à 1 ; 1 pour un même SIRET."))
    reason = models.CharField(_("motif"), max_length=12, choices=Reason.choices)
    detail = models.CharField(_("détail"), max_length=200, blank=True)
    decision = models.CharField(_("décision"), max_length=10, choices=Decision.choices, default=Decision.PENDING,
                                db_index=True)
    created_at = models.DateTimeField(_("détecté le"), default=timezone.now, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("décidé par"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("doublon présumé")
        verbose_name_plural = _("doublons présumés")
        ordering = ["-score", "created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["local", "incoming"],
                                               name="directory_suspectedduplicate_once_per_pair")]

    def __str__(self):
        return f"{self.local} ≟ {self.incoming}"
