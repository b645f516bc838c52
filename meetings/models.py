"""Bodies of the partnership, their sessions, the frozen expected list and the real attendance.

The indicators are computed from these records (``meetings.indicators``), so three rules hold here:
the expected list of a session is frozen in ``Invitation`` rows when convocations are sent (later
membership changes never rewrite it), each invitation has at most one ``Attendance`` (a database
constraint, so double taps and two secretaries never duplicate a presence), and walk-ins are attendances
without an invitation, never counted as expected.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField

from relais.slugs import unique_slug


def _feed_token() -> str:
    return secrets.token_urlsafe(24)


# Personal check-in codes: no 0/O, 1/I/L, so that a code read aloud or typed from paper is typed right.
CHECKIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CHECKIN_CODE_LENGTH = 8


def new_checkin_code() -> str:
    """8 characters from a 31-letter alphabet (about 8.5 × 10¹¹ codes), shown as ABCD-EFGH."""
    return "".join(secrets.choice(CHECKIN_CODE_ALPHABET) for _ in range(CHECKIN_CODE_LENGTH))


class Seat(models.TextChoices):
    TITULAIRE = "titulaire", _("Titulaire")
    SUPPLEANT = "suppleant", _("Suppléant")


class Body(ClusterableModel):
    """An instance of the partnership: COPIL, comité de suivi, comité technique, training, permanence…"""

    class Kind(models.TextChoices):
        COPIL = "copil", _("Comité de pilotage (COPIL)")
        COMITE_SUIVI = "comite_suivi", _("Comité de suivi")
        COMITE_TECHNIQUE = "comite_technique", _("Comité technique de réseau")
        COMMISSION_RP = "commission_rp", _("Commission référent de parcours")
        RENCONTRE = "rencontre", _("Rencontre thématique")
        FORMATION = "formation", _("Formation")
        PERMANENCE = "permanence", _("Permanence")
        AUTRE = "autre", _("Autre")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant d'adresse"), max_length=120, unique=True)
    kind = models.CharField(_("type d'instance"), max_length=32, choices=Kind.choices, default=Kind.AUTRE)
    territory = models.ForeignKey("directory.Territory", verbose_name=_("territoire"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="bodies")
    description = models.TextField(_("description"), blank=True)
    is_decision_body = models.BooleanField(_("instance de décision"), default=False,
                                           help_text=_("Compte pour les taux de présence aux instances de décision."))
    recurrence = models.TextField(
        _("récurrence (RRULE)"), blank=True,
        help_text=_("Règle iCalendar, par exemple FREQ=MONTHLY;INTERVAL=3 (trimestriel) ou FREQ=WEEKLY;INTERVAL=6."))
    series_start = models.DateTimeField(_("début de la série"), null=True, blank=True,
                                        help_text=_("Date et heure de la première séance de la série."))
    default_duration_minutes = models.PositiveIntegerField(_("durée habituelle (minutes)"), default=120)
    default_place = models.CharField(_("lieu habituel"), max_length=255, blank=True)
    default_video_link = models.URLField(_("lien de visioconférence habituel"), blank=True)
    quorum = models.PositiveIntegerField(
        _("quorum"), null=True, blank=True,
        help_text=_("Nombre d'organisations membres votantes présentes requis, chacune comptée une fois quels que "
                    "soient ses sièges (vide : pas de quorum)."))
    organiser = models.ForeignKey(
        "directory.Organisation", verbose_name=_("organisme de formation"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="organised_bodies",
        help_text=_("Pour une formation : l'organisation qui la dispense, nommée sur la feuille d'émargement et "
                    "les attestations de présence."))
    youth_seats = models.PositiveSmallIntegerField(
        _("sièges de jeunes"), default=0,
        help_text=_("Sièges réservés à des jeunes accompagnés ou sortis de l'ASE."))
    reminder_hours = models.PositiveIntegerField(_("rappel (heures avant la séance)"), default=48)
    feed_token = models.CharField(_("jeton du calendrier"), max_length=64, unique=True, default=_feed_token,
                                  editable=False)
    is_active = models.BooleanField(pgettext_lazy("body", "active"), default=True)

    class Meta:
        verbose_name = _("instance")
        verbose_name_plural = _("instances")
        ordering = ["name"]
        permissions = [
            ("manage_body", "Gérer les séances de l'instance (secrétariat)"),
            ("view_all_bodies", "Voir toutes les instances"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Body, self.name, max_length=100, fallback="instance")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("meetings:body", args=[self.slug])

    @property
    def is_training(self) -> bool:
        return self.kind == self.Kind.FORMATION


class BodyMember(models.Model):
    """A seat on a body: a directory organisation, optionally a named contact, titulaire or suppléant."""

    body = ParentalKey(Body, related_name="members", on_delete=models.CASCADE)
    organisation = models.ForeignKey("directory.Organisation", verbose_name=_("organisation"),
                                     on_delete=models.CASCADE, related_name="body_seats")
    contact = models.ForeignKey("directory.Contact", verbose_name=_("contact nommé"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="body_seats")
    seat = models.CharField(_("siège"), max_length=16, choices=Seat.choices, default=Seat.TITULAIRE)
    voting = models.BooleanField(_("voix délibérative"), default=True,
                                 help_text=_("Décoché : voix consultative."))
    is_active = models.BooleanField(_("actif"), default=True)
    sort_order = models.PositiveIntegerField(default=0, editable=False)

    panels = [FieldPanel("organisation"), FieldPanel("contact"), FieldPanel("seat"), FieldPanel("voting"),
              FieldPanel("is_active")]

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        who = self.contact.name if self.contact_id else ""
        return f"{self.organisation} {who}".strip()


class Meeting(ClusterableModel):
    """A session of a body. Sessions of a series are generated from the body's rule, then edited one by one."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévue")
        CONVENED = "convened", _("Convoquée")
        HELD = "held", _("Tenue")
        CANCELLED = "cancelled", _("Annulée")

    body = models.ForeignKey(Body, verbose_name=_("instance"), on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("intitulé"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    video_link = models.URLField(_("lien de visioconférence"), blank=True)
    status = models.CharField(_("statut"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    # The occurrence of the body's rule this session came from: moving a session never makes the
    # generator create it again.
    occurrence = models.DateTimeField(_("occurrence de la série"), null=True, blank=True, editable=False)
    convened_at = models.DateTimeField(_("convoquée le"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("émargement clos le"), null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True, editable=False)
    # When the secretaries were told this past session's sheet was still open (remind_unclosed_sessions).
    close_reminder_sent_at = models.DateTimeField(_("rappel de clôture envoyé le"), null=True, blank=True,
                                                  editable=False)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    trainer_name = models.CharField(_("formateur ou formatrice"), max_length=200, blank=True)
    # The body's settings that change the indicators, frozen at convocation with the expected list
    # (services.freeze_invitations): a later change of the body never rewrites a past session's figures.
    # None: not convened yet (the indicators then read the body's current settings).
    frozen_is_decision_body = models.BooleanField(_("instance de décision (à la convocation)"), null=True,
                                                  blank=True, editable=False)
    frozen_youth_seats = models.PositiveSmallIntegerField(_("sièges de jeunes (à la convocation)"), null=True,
                                                          blank=True, editable=False)
    checkin_people_per_phone = models.PositiveSmallIntegerField(
        _("personnes pouvant pointer depuis un même téléphone"), default=1,
        help_text=_("1 : chacun pointe avec son téléphone. Augmentez si des personnes sans téléphone pointent "
                    "avec celui d'un collègue."))
    updated_at = models.DateTimeField(auto_now=True)
    # Goes up with every write to the session's invitations or attendance (meetings.signals): the indicators'
    # per-session counts (indicators.SessionTally) remember the version they were counted at.
    figures_version = models.PositiveIntegerField(default=0, editable=False)

    # A change of any of these reaches invitees' calendars: SEQUENCE goes up (RFC 5545 §3.8.7.4).
    CALENDAR_FIELDS = ("starts_at", "ends_at", "place", "video_link", "status", "title")

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["body", "occurrence"], name="meeting_unique_occurrence"),
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="meeting_ends_after_start"),
        ]
        indexes = [models.Index(fields=["body", "starts_at"]), models.Index(fields=["status", "starts_at"])]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.display_title} – {local:%d/%m/%Y}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._calendar_snapshot = instance._calendar_values()
        return instance

    def _calendar_values(self):
        return tuple(getattr(self, name, None) for name in self.CALENDAR_FIELDS)

    def save(self, *args, **kwargs):
        snapshot = getattr(self, "_calendar_snapshot", None)
        if snapshot is not None and snapshot != self._calendar_values():
            self.sequence += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "sequence"}
        super().save(*args, **kwargs)
        self._calendar_snapshot = self._calendar_values()

    def get_absolute_url(self):
        return reverse("meetings:meeting", args=[self.pk])

    @property
    def display_title(self) -> str:
        return self.title or self.body.name

    @property
    def is_frozen(self) -> bool:
        return self.convened_at is not None

    @property
    def is_closed(self) -> bool:
        """Closed sheets refuse self check-in; cancelled sessions take no attendance at all."""
        return self.closed_at is not None or self.status == self.Status.CANCELLED


class AgendaItem(models.Model):
    meeting = ParentalKey(Meeting, related_name="agenda_items", on_delete=models.CASCADE)
    title = models.CharField(_("point"), max_length=255)
    description = models.TextField(_("précisions"), blank=True)
    # Set when the item is an open action rolled over from an earlier session.
    action = models.ForeignKey("Action", null=True, blank=True, on_delete=models.CASCADE, related_name="agenda_items",
                               editable=False)
    sort_order = models.PositiveIntegerField(default=0, editable=False)

    panels = [FieldPanel("title"), FieldPanel("description")]

    class Meta:
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("ordre du jour")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "action"], condition=Q(action__isnull=False),
                                    name="agenda_item_unique_action"),
        ]

    def __str__(self):
        return self.title


class Invitation(models.Model):
    """One expected seat of a session, frozen when the convocations are sent."""

    class Reply(models.TextChoices):
        NONE = "", _("Pas de réponse")
        YES = "yes", _("Sera présent·e")
        NO = "no", _("Ne sera pas présent·e")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(BodyMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations")
    organisation = models.ForeignKey("directory.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="meeting_invitations")
    contact = models.ForeignKey("directory.Contact", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="meeting_invitations")
    person_name = models.CharField(_("personne"), max_length=200, blank=True)
    person_key = models.CharField(max_length=200, db_index=True)
    email = models.EmailField(_("courriel de convocation"), blank=True)
    is_youth_seat = models.BooleanField(_("siège jeune"), default=False)
    seat = models.CharField(_("siège"), max_length=16, choices=Seat.choices, default=Seat.TITULAIRE)
    voting = models.BooleanField(_("voix délibérative"), default=True)
    position = models.PositiveIntegerField(default=0)
    reply = models.CharField(_("réponse à la convocation"), max_length=8, choices=Reply.choices, blank=True, default="")
    replied_at = models.DateTimeField(null=True, blank=True)
    convocation_sent_at = models.DateTimeField(null=True, blank=True)
    # The personal self check-in code sent with the convocation (QR code and short code): it records this
    # person only, during the session's window.
    checkin_code = models.CharField(_("code de pointage"), max_length=16, unique=True, null=True, blank=True,
                                    default=new_checkin_code, editable=False)
    # A youth seat claimed from a phone: the secretary confirms it on the sheet (the claim records no presence).
    self_claimed_at = models.DateTimeField(_("demande d'auto-pointage"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person_key"], name="invitation_unique_person"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.is_youth_seat:
            return self.person_name or _("Siège jeune (à compléter)")
        return self.person_name or (self.organisation.name if self.organisation_id else "")


class Attendance(models.Model):
    """What actually happened for one invitation (or one walk-in) at one session."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Présent·e")
        REMOTE = "remote", _("À distance")
        EXCUSED = "excused", _("Excusé·e")
        ABSENT = "absent", _("Absent·e")
        REPRESENTED = "represented", _("Représenté·e")
        SUBSTITUTE = "substitute", _("Suppléé·e")

    class Via(models.TextChoices):
        SECRETARY = "secretary", _("Secrétariat")
        SELF_CHECKIN = "self_checkin", _("Auto-pointage")
        IMPORT = "import", pgettext_lazy("recorded via", "Import")

    class YouthSeatHolder(models.TextChoices):
        NONE = "", _("Non précisé")
        YOUNG = "young", _("Un·e jeune")
        PROFESSIONAL = "professional", _("Un·e professionnel·le pour les jeunes")

    # "Présence ou représentation": someone sat for the seat, in person, remotely, as the seat's
    # suppléant·e or as a named representative.
    PRESENT_STATUSES = {"present", "remote", "represented", "substitute"}
    # "Présence effective": someone of the seat's organisation sat (representation by another organisation
    # excluded). A youth seat also needs a young person in it (``youth_seat_holder``).
    EFFECTIVE_STATUSES = {"present", "remote", "substitute"}

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    invitation = models.OneToOneField(Invitation, null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="attendance")
    status = models.CharField(_("présence"), max_length=16, choices=Status.choices)
    organisation = models.ForeignKey("directory.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="meeting_attendances")
    person_name = models.CharField(_("personne"), max_length=200, blank=True)
    person_key = models.CharField(max_length=200, db_index=True)
    # A walk-in's organisation typed by hand when the directory does not have it yet.
    organisation_name = models.CharField(_("organisation (saisie libre)"), max_length=200, blank=True)
    # "Représenté·e par": an organisation of the directory (required for the status "represented") and,
    # optionally, the person who came for it.
    represented_by_organisation = models.ForeignKey(
        "directory.Organisation", verbose_name=_("représenté·e par l'organisation"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="meeting_representations")
    represented_by = models.CharField(_("représenté·e ou suppléé·e par (personne)"), max_length=200, blank=True)
    # Who sat on a youth seat: a young person (named on the invitation by first name and initial or a
    # pseudonym) or a professional speaking for them. Empty for other seats and for an absent youth seat.
    youth_seat_holder = models.CharField(_("siège jeune tenu par"), max_length=16, choices=YouthSeatHolder.choices,
                                         blank=True, default="")
    # The arrival and departure as they happened (corrected by the secretary if need be), kept apart from
    # when the row was recorded and by whom.
    arrived_at = models.DateTimeField(_("heure d'arrivée"), null=True, blank=True)
    left_at = models.DateTimeField(_("heure de départ"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("enregistré le"), default=timezone.now)
    recorded_via = models.CharField(max_length=16, choices=Via.choices, default=Via.SECRETARY)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        ordering = ["pk"]
        constraints = [
            # Walk-ins have no invitation: one row per person and session all the same.
            models.UniqueConstraint(fields=["meeting", "person_key"], condition=Q(invitation__isnull=True),
                                    name="attendance_unique_walk_in"),
        ]

    def __str__(self):
        return f"{self.person_name or self.person_key} – {self.get_status_display()}"

    @property
    def is_present(self) -> bool:
        return self.status in self.PRESENT_STATUSES

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation_id else self.organisation_name

    @property
    def representation_label(self) -> str:
        """"Organisation (person)", "Organisation", or the person alone (a suppléant·e named by hand)."""
        org = self.represented_by_organisation.name if self.represented_by_organisation_id else ""
        if org and self.represented_by:
            return f"{org} ({self.represented_by})"
        return org or self.represented_by


class AppendOnlyError(Exception):
    """An attempt to change or delete a row of the attendance history."""


class SheetEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("the attendance history is append-only")

    def erase_personal_data(self, **values) -> int:
        """The one change the history accepts: a person's erasure (RGPD, meetings.personal_data) replaces
        their name by a pseudonym, as it does in every other table."""
        allowed = {"person_key", "person_name", "old_value", "new_value", "reason", "by_name"}
        if not set(values) <= allowed:
            raise AppendOnlyError("only names may be pseudonymised in the attendance history")
        return super().update(**values)

    def delete(self):
        raise AppendOnlyError("the attendance history is append-only")


class SheetEvent(models.Model):
    """One line of a session's attendance history: who changed what, when, old → new (and why).

    Append-only: a row is written once by meetings.services and never updated nor deleted (``save`` of an
    existing row, ``delete`` and the queryset's ``update``/``delete`` raise). The author's name is copied
    so the line still says who did it once the account is gone.
    """

    class Kind(models.TextChoices):
        ATTENDANCE = "attendance", _("Présence")
        TIMES = "times", _("Heures")
        REPRESENTATION = "representation", _("Représentation")
        WALK_IN = "walk_in", _("Sans convocation")
        EXPECTED = "expected", _("Liste des personnes attendues")
        SIGNATURE = "signature", _("Signature")
        SHEET = "sheet", _("Feuille d'émargement")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="sheet_events")
    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    by_name = models.CharField(_("par"), max_length=200, blank=True)
    via = models.CharField(_("par le biais de"), max_length=16, choices=Attendance.Via.choices,
                           default=Attendance.Via.SECRETARY)
    kind = models.CharField(_("objet"), max_length=16, choices=Kind.choices)
    person_key = models.CharField(max_length=200, blank=True)
    person_name = models.CharField(_("personne"), max_length=200, blank=True)
    field = models.CharField(_("champ"), max_length=100, blank=True)
    old_value = models.TextField(_("avant"), blank=True)
    new_value = models.TextField(_("après"), blank=True)
    reason = models.TextField(_("motif"), blank=True)

    objects = SheetEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("historique de l'émargement")
        verbose_name_plural = _("historique de l'émargement")
        ordering = ["at", "pk"]
        default_permissions = ("add", "view")

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.person_name} {self.field}: {self.old_value} → {self.new_value}"

    def save(self, *args, **kwargs):
        if self.pk is not None or kwargs.get("update_fields"):
            raise AppendOnlyError("the attendance history is append-only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the attendance history is append-only")


class MinutesVersion(models.Model):
    """Minutes are never overwritten: each save is a new version; the latest is the current text."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes_versions")
    version = models.PositiveIntegerField()
    text = RichTextField(_("compte rendu"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("version du compte rendu")
        verbose_name_plural = _("versions du compte rendu")
        ordering = ["meeting", "-version"]
        constraints = [models.UniqueConstraint(fields=["meeting", "version"], name="minutes_unique_version")]

    def __str__(self):
        return f"{self.meeting} v{self.version}"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("décision"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["pk"]

    def __str__(self):
        return self.text[:80]


class Action(models.Model):
    """A follow-up action decided at a session; open ones go on the agenda of the next session."""

    class Status(models.TextChoices):
        OPEN = "open", _("À faire")
        IN_PROGRESS = "in_progress", _("En cours")
        DONE = "done", _("Réalisée")
        DROPPED = "dropped", _("Abandonnée")

    OPEN_STATUSES = {"open", "in_progress"}

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(Meeting, verbose_name=_("décidée en séance"), on_delete=models.CASCADE,
                                related_name="actions")
    title = models.CharField(_("action"), max_length=255)
    owner_organisation = models.ForeignKey("directory.Organisation", verbose_name=_("organisation responsable"),
                                           null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_date", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class HalfDay(models.Model):
    """A half-day of a training session: people sign each one; the trainer signs too."""

    class Period(models.TextChoices):
        AM = "am", _("Matin")
        PM = "pm", _("Après-midi")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="half_days")
    date = models.DateField(_("date"))
    period = models.CharField(_("demi-journée"), max_length=2, choices=Period.choices)
    # The hours of the half-day (9:00–12:30, 13:30–17:00 unless the session starts or ends within it): the
    # training's total and each trainee's attended hours are their sum (meetings.services.ensure_half_days).
    start = models.TimeField(_("début"), null=True, blank=True)
    end = models.TimeField(_("fin"), null=True, blank=True)
    trainer_name = models.CharField(_("formateur ou formatrice"), max_length=200, blank=True)
    trainer_signed_at = models.DateTimeField(_("signature du formateur"), null=True, blank=True)

    class Meta:
        verbose_name = _("demi-journée")
        verbose_name_plural = _("demi-journées")
        ordering = ["date", "period"]
        constraints = [models.UniqueConstraint(fields=["meeting", "date", "period"], name="half_day_unique")]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.get_period_display()}"

    @property
    def minutes(self) -> int:
        """The length of the half-day in minutes (0 when its hours are not known)."""
        if self.start is None or self.end is None:
            return 0
        return max(0, (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute))

    @property
    def hours_label(self) -> str:
        """"9:00–12:30" as the sheet and the certificates show it."""
        if self.start is None or self.end is None:
            return ""
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


class HalfDaySignature(models.Model):
    half_day = models.ForeignKey(HalfDay, on_delete=models.CASCADE, related_name="signatures")
    invitation = models.ForeignKey(Invitation, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="half_day_signatures")
    person_key = models.CharField(max_length=200)
    person_name = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey("directory.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)
    recorded_via = models.CharField(max_length=16, choices=Attendance.Via.choices, default=Attendance.Via.SECRETARY)

    class Meta:
        verbose_name = _("signature de demi-journée")
        verbose_name_plural = _("signatures de demi-journée")
        constraints = [models.UniqueConstraint(fields=["half_day", "person_key"], name="half_day_signature_unique")]

    def __str__(self):
        return f"{self.person_name} – {self.half_day}"


class DrawnSignature(models.Model):
    """A signature drawn with a finger, a stylus or a mouse on the sheet (vector strokes in a 300 × 100 box),
    or, for someone who cannot draw, the keyboard statement "je certifie ma présence" (``certified``).

    Bound to the person's attendance, and to a half-day for trainings (the trainer's: ``TRAINER_KEY``, no
    attendance). It is never edited: the only change
    allowed is voiding it once, with a reason (meetings.services.void_signature); every step is in the
    session's history. An absent person cannot sign (the service checks the attendance).
    """

    WIDTH, HEIGHT = 300, 100
    # The person key of a trainer's signature of a half-day (no invitation, no attendance).
    TRAINER_KEY = "trainer"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="drawn_signatures")
    invitation = models.ForeignKey(Invitation, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="drawn_signatures")
    attendance = models.ForeignKey(Attendance, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="drawn_signatures")
    half_day = models.ForeignKey(HalfDay, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="drawn_signatures")
    person_key = models.CharField(max_length=200)
    person_name = models.CharField(_("personne"), max_length=200, blank=True)
    strokes = models.JSONField(_("tracé"), default=list, blank=True)
    certified = models.BooleanField(_("présence certifiée sans tracé"), default=False)
    signed_at = models.DateTimeField(_("signé le"), default=timezone.now)
    recorded_via = models.CharField(max_length=16, choices=Attendance.Via.choices, default=Attendance.Via.SECRETARY)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    voided_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    void_reason = models.TextField(_("motif de l'annulation"), blank=True)

    class Meta:
        verbose_name = _("signature manuscrite")
        verbose_name_plural = _("signatures manuscrites")
        ordering = ["signed_at", "pk"]
        default_permissions = ("add", "view")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person_key"],
                                    condition=Q(voided_at__isnull=True, half_day__isnull=True),
                                    name="drawn_signature_one_per_session"),
            models.UniqueConstraint(fields=["half_day", "person_key"],
                                    condition=Q(voided_at__isnull=True, half_day__isnull=False),
                                    name="drawn_signature_one_per_half_day"),
        ]

    def __str__(self):
        return f"{self.person_name} – {self.signed_at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        # Voiding (meetings.services.void_signature) and a person's erasure (meetings.personal_data) are the
        # only changes a signature accepts.
        if self.pk is not None and not (getattr(self, "_voiding", False) or getattr(self, "_erasing", False)):
            raise AppendOnlyError("a signature is never edited, only voided with a reason")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("a signature is never deleted, only voided with a reason")

    @property
    def is_valid(self) -> bool:
        return self.voided_at is None

    def svg(self) -> str:
        """The strokes as an SVG drawing (numbers only: nothing typed by anyone reaches the markup)."""
        paths = []
        for stroke in self.strokes or []:
            points = [f"{float(x):.1f} {float(y):.1f}" for x, y in stroke]
            if points:
                paths.append("M" + " L".join(points))
        body = "".join(f'<path d="{d}"/>' for d in paths)
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.WIDTH} {self.HEIGHT}" '
                f'width="{self.WIDTH}" height="{self.HEIGHT}" fill="none" stroke="#000" stroke-width="2.5" '
                f'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">{body}</svg>')

    def svg_data_uri(self) -> str:
        from base64 import b64encode

        return "data:image/svg+xml;base64," + b64encode(self.svg().encode()).decode()
