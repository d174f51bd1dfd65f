"""Activities, follow-up surveys and the raw records the indicators are computed from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from regions.models import Actor, County


class Activity(models.Model):
    """Something a county's centre did: a seminar, a company visit, a financing decision …"""

    class Kind(models.TextChoices):
        SEMINAR = "seminar", _("Seminarium")
        WORKSHOP = "workshop", _("Workshop")
        CONFERENCE = "conference", _("Konferens")
        COMPANY_VISIT = "company_visit", _("Företagsbesök")
        JOINT_COMPANY_VISIT = "joint_company_visit", _("Gemensamt företagsbesök")
        STUDY_TRIP = "study_trip", _("Studieresa")
        FINANCING_DECISION = "financing_decision", _("Positivt finansieringsbeslut")

    class FinancingKind(models.TextChoices):
        CHECK = "check", _("Check")
        LOAN = "loan", _("Lån")
        GUARANTEE = "guarantee", _("Garanti")

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("typ"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    date = models.DateField(_("datum"), db_index=True)
    actors = models.ManyToManyField(Actor, related_name="activities", verbose_name=_("aktörer"))
    participant_count = models.PositiveIntegerField(_("antal deltagare"), default=0)
    financing_kind = models.CharField(max_length=12, choices=FinancingKind.choices, blank=True)
    registration_url = models.URLField(_("anmälningslänk"), blank=True)
    is_public = models.BooleanField(
        _("visa på länets sida"),
        default=True,
        help_text=_("Kommande aktiviteter visas på exportcentrets publika sida."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")
        indexes = [models.Index(fields=["county", "date"], name="activity_county_date")]

    def __str__(self) -> str:
        return f"{self.title} ({self.date})"


class ActivityParticipant(models.Model):
    """A company that took part, by organisation number (deduplicated across the partnership)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    org_number = models.CharField(_("organisationsnummer"), max_length=11, db_index=True)
    company_name = models.CharField(_("företagsnamn"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "org_number"], name="one_row_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.org_number} @ {self.activity_id}"
