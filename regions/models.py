"""Reference data: counties, municipalities, postal codes, actors, offices, services, staff.

Nothing here imports `routing` or `indicators` (they depend on this app, not the reverse).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from regions.bilingual import ShownText, shown_text


class County(models.Model):
    """A län. `code` is the SCB code as a two-character string ("01"–"25")."""

    code = models.CharField(_("länskod"), max_length=2, primary_key=True)
    name = models.CharField(_("namn"), max_length=64)
    short_name = models.CharField(_("kort namn"), max_length=64)
    slug = models.SlugField(_("slug"), unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("län")
        verbose_name_plural = _("län")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A kommun. `code` is the four-digit SCB code; its first two digits are the county's."""

    code = models.CharField(_("kommunkod"), max_length=4, primary_key=True)
    name = models.CharField(_("namn"), max_length=64)
    short_name = models.CharField(_("kort namn"), max_length=64)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="municipalities")

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")

    def __str__(self) -> str:
        return self.short_name


class PostalCode(models.Model):
    code = models.CharField(_("postnummer"), max_length=5, primary_key=True)
    locality = models.CharField(_("ort"), max_length=64)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="postal_codes"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("postnummer")
        verbose_name_plural = _("postnummer")

    def __str__(self) -> str:
        return f"{self.code[:3]} {self.code[3:]} {self.locality}"


class Topic(models.Model):
    """What a question is about. Services are tagged with topics; rules match on them."""

    code = models.SlugField(_("kod"), max_length=40, primary_key=True)
    name_sv = models.CharField(_("namn (svenska)"), max_length=120)
    name_en = models.CharField(_("namn (engelska)"), max_length=120)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("ämne")
        verbose_name_plural = _("ämnen")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "sv").startswith("en") else self.name_sv


class ActorType(models.Model):
    """almi, business_sweden, een, ekn, tillvaxtverket, region, and optional partners."""

    code = models.SlugField(_("kod"), max_length=40, primary_key=True)
    name = models.CharField(_("namn"), max_length=120)
    description_sv = models.TextField(_("beskrivning (svenska)"), blank=True)
    description_en = models.TextField(_("beskrivning (engelska)"), blank=True)
    is_core_partner = models.BooleanField(
        _("ingår i partnerskapet"),
        default=True,
        help_text=_("Kärnaktörerna; valfria partner (t.ex. handelskammare) har detta avstängt."),
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("aktörstyp")
        verbose_name_plural = _("aktörstyper")

    def __str__(self) -> str:
        return self.name

    @property
    def description(self) -> str:
        lang = get_language() or "sv"
        return (self.description_en if lang.startswith("en") else "") or self.description_sv


class Actor(models.Model):
    """An organisation of a given type, e.g. "Almi Företagspartner Mitt" or "Region Dalarna"."""

    actor_type = models.ForeignKey(ActorType, on_delete=models.PROTECT, related_name="actors")
    name = models.CharField(_("namn"), max_length=160, unique=True)
    website = models.URLField(_("webbplats"), blank=True)

    class Meta:
        ordering = ["actor_type__sort_order", "name"]
        verbose_name = _("aktör")
        verbose_name_plural = _("aktörer")

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    """An actor's office. It serves one or more counties (EKN's offices serve several)."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="offices")
    name = models.CharField(_("namn"), max_length=160)
    home_county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="home_offices", verbose_name=_("säteslän")
    )
    counties_served = models.ManyToManyField(
        County, related_name="offices_serving", verbose_name=_("län som betjänas")
    )
    is_national = models.BooleanField(
        _("nationellt kontor"),
        default=False,
        help_text=_("Tar frågor när aktören saknar kontor i länet."),
    )
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    street_address = models.CharField(_("besöksadress"), max_length=200, blank=True)
    opening_hours = models.CharField(_("öppettider"), max_length=200, blank=True)

    class Meta:
        ordering = ["actor__name", "name"]
        verbose_name = _("kontor")
        verbose_name_plural = _("kontor")

    def __str__(self) -> str:
        return self.name


class ExportCentre(models.Model):
    """A county's regional export centre: a partnership, with one actor running the front door."""

    county = models.OneToOneField(County, on_delete=models.PROTECT, related_name="export_centre")
    name = models.CharField(_("namn"), max_length=160)
    front_door_actor = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="front_doors",
        verbose_name=_("aktör som tar emot frågor"),
    )
    triage_office = models.ForeignKey(
        Office,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kontor för triagering"),
    )
    participants = models.ManyToManyField(
        Actor, related_name="export_centres", blank=True, verbose_name=_("medverkande aktörer")
    )
    contact_email = models.EmailField(_("kontakt e-post"), blank=True)
    contact_phone = models.CharField(_("kontakt telefon"), max_length=40, blank=True)
    website = models.URLField(_("webbplats"), blank=True)
    introduction = models.TextField(_("introduktion (Markdown)"), blank=True)

    class Meta:
        ordering = ["county__code"]
        verbose_name = _("regionalt exportcentrum")
        verbose_name_plural = _("regionala exportcentrum")

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """What an actor offers, tagged by topic. The routing engine lists these as alternatives."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="services")
    counties = models.ManyToManyField(
        County,
        related_name="services",
        blank=True,
        help_text=_(
            "Län där tjänsten erbjuds; tomt betyder alla län vars exportcentrum aktören deltar i."
        ),
    )
    title = models.CharField(_("titel"), max_length=160)
    description = models.TextField(_("kort beskrivning"))
    # English for the English pages and receipts; empty means the Swedish is shown there.
    title_en = models.CharField(_("titel (engelska)"), max_length=160, blank=True)
    description_en = models.TextField(_("kort beskrivning (engelska)"), blank=True)
    topics = models.ManyToManyField(Topic, related_name="services", verbose_name=_("ämnen"))
    url = models.URLField(_("länk"), blank=True)
    is_free = models.BooleanField(_("kostnadsfri"), default=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    reviewed_at = models.DateTimeField(_("senast granskad"), null=True, blank=True)

    class Meta:
        ordering = ["actor__name", "title"]
        verbose_name = _("tjänst")
        verbose_name_plural = _("tjänster")

    def __str__(self) -> str:
        return f"{self.actor}: {self.title}"

    @property
    def shown_title(self) -> ShownText:
        return shown_text(self.title, self.title_en)

    @property
    def shown_description(self) -> ShownText:
        return shown_text(self.description, self.description_en)

    def review_is_due(self, now: datetime | None = None) -> bool:
        """Staleness guard: never reviewed, or not reviewed for SERVICE_REVIEW_INTERVAL."""
        if self.reviewed_at is None:
            return True
        return self.reviewed_at < (now or timezone.now()) - SERVICE_REVIEW_INTERVAL


# A service nobody has looked at for a year is flagged to the coordinator and to the public.
SERVICE_REVIEW_INTERVAL = timedelta(days=365)


class StaffProfile(models.Model):
    """Who a staff user is in the partnership. Access scoping reads only this (see access.py)."""

    class Role(models.TextChoices):
        HANDLER = "handler", _("Handläggare")
        COORDINATOR = "coordinator", _("Regional samordnare")
        NATIONAL = "national", _("Nationell handläggare (Tillväxtverket)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("kontor"),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinators",
        verbose_name=_("län (samordnare)"),
    )
    is_available = models.BooleanField(
        _("tillgänglig"), default=True, help_text=_("Av under semester, sjukdom m.m.")
    )
    away_until = models.DateField(_("borta till och med"), null=True, blank=True)

    class Meta:
        verbose_name = _("personalprofil")
        verbose_name_plural = _("personalprofiler")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="handler") | models.Q(office__isnull=False),
                name="handler_has_office",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="coordinator") | models.Q(county__isnull=False),
                name="coordinator_has_county",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class CountyPageVersion(models.Model):
    """One saved revision of a county page's introduction (append-only).

    Drafts are previewed before publishing; publishing copies the text to
    `ExportCentre.introduction`, which is what the public page shows. A version is published at
    most once; restoring an old text makes a new draft from it.
    """

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="page_versions")
    introduction = models.TextField(_("introduktion (Markdown)"), blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("skriven av"),
    )
    created_at = models.DateTimeField(_("sparad"), default=timezone.now)
    is_published = models.BooleanField(_("publicerad"), default=False)
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publicerad av"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("version av länssida")
        verbose_name_plural = _("versioner av länssidor")
        indexes = [
            models.Index(fields=["county", "-created_at"], name="pageversion_county_created")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_published=False) | models.Q(published_at__isnull=False),
                name="published_version_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.county_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class CountyPageChange(models.Model):
    """Who changed what on a county's page and catalogue, with before/after snapshots."""

    class Kind(models.TextChoices):
        INTRODUCTION_PUBLISHED = "introduction_published", _("Introduktionen publicerades")
        PARTICIPANTS_UPDATED = "participants_updated", _("Medverkande aktörer ändrades")
        SERVICE_CREATED = "service_created", _("Tjänst lades till")
        SERVICE_UPDATED = "service_updated", _("Tjänst ändrades")
        SERVICE_DEACTIVATED = "service_deactivated", _("Tjänst avaktiverades")
        SERVICE_ACTIVATED = "service_activated", _("Tjänst aktiverades igen")
        SERVICE_REVIEWED = "service_reviewed", _("Tjänst granskades")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="page_changes")
    kind = models.CharField(_("ändring"), max_length=32, choices=Kind.choices)
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    page_version = models.ForeignKey(
        CountyPageVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    before = models.JSONField(_("före"), null=True, blank=True)
    after = models.JSONField(_("efter"), null=True, blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("ändrad av"),
    )
    created_at = models.DateTimeField(_("tidpunkt"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ändring av länssida")
        verbose_name_plural = _("ändringar av länssidor")
        indexes = [models.Index(fields=["county", "-created_at"], name="pagechange_county_created")]

    def __str__(self) -> str:
        return f"{self.county_id} {self.kind} @ {self.created_at:%Y-%m-%d %H:%M}"


class CountyPageVisit(models.Model):
    """Visits to a county's public page, one counter per county and day (Europe/Stockholm).

    No cookie, IP address or user agent is stored: a count per day is all the indicator needs.
    """

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="page_visits")
    day = models.DateField(_("dag"))
    count = models.PositiveIntegerField(_("antal besök"), default=0)

    class Meta:
        ordering = ["-day", "county"]
        verbose_name = _("besök på länssida")
        verbose_name_plural = _("besök på länssidor")
        constraints = [
            models.UniqueConstraint(fields=["county", "day"], name="one_visit_row_per_county_day")
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.day}: {self.count}"
