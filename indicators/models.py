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
    # Ten digits, or after anonymisation the same keyed pseudonym as the company's cases get.
    org_number = models.CharField(_("organisationsnummer"), max_length=24, db_index=True)
    # db_default too: the benchmark seeders insert participants in bulk SQL.
    org_number_is_personal = models.BooleanField(
        default=False,
        db_default=False,
        help_text=_("Enskild firma: numret är ett personnummer (personuppgift)."),
    )
    company_name = models.CharField(_("företagsnamn"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "org_number"], name="one_row_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.org_number} @ {self.activity_id}"


class SurveyInvitation(models.Model):
    """A follow-up survey sent to the company of a closed case; one per case and kind.

    The link carries a signed token of this row's id, so the company needs no account.
    """

    class Kind(models.TextChoices):
        FOLLOWUP = "followup", _("Uppföljning efter avslutat ärende")
        EFFECT = "effect", _("Effektfråga efter sex månader")

    case = models.ForeignKey(
        "routing.Case", on_delete=models.CASCADE, related_name="survey_invitations"
    )
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(_("skickad"))
    language = models.CharField(max_length=2, default="sv")

    class Meta:
        verbose_name = _("enkätinbjudan")
        verbose_name_plural = _("enkätinbjudningar")
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="one_invitation_per_case_kind")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class SurveyResponse(models.Model):
    """The company's answer. At most one per case and kind (the invitation is one-to-one)."""

    class RightActor(models.TextChoices):
        YES = "yes", _("Ja")
        NO = "no", _("Nej")
        DONT_KNOW = "dont_know", _("Vet ej")

    class GotHelp(models.TextChoices):
        YES = "yes", _("Ja")
        PARTLY = "partly", _("Delvis")
        NO = "no", _("Nej")

    class WentOn(models.TextChoices):
        EXPORTING = "exporting", _("Ja, vi exporterar")
        PREPARING = "preparing", _("Ja, vi förbereder")
        NO = "no", _("Nej")

    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.CASCADE, related_name="response"
    )
    # Denormalised from the invitation so indicator aggregates need one join less.
    case = models.ForeignKey(
        "routing.Case", on_delete=models.CASCADE, related_name="survey_responses"
    )
    kind = models.CharField(max_length=10, choices=SurveyInvitation.Kind.choices)
    answered_at = models.DateTimeField(_("besvarad"))
    right_actor_in_time = models.CharField(
        _("Kom ni i kontakt med rätt aktör inom en arbetsdag?"),
        max_length=10,
        choices=RightActor.choices,
        blank=True,
    )
    got_help = models.CharField(
        _("Fick ni den hjälp ni behövde?"), max_length=10, choices=GotHelp.choices, blank=True
    )
    went_on = models.CharField(
        _("Har ni gått vidare med export eller internationalisering?"),
        max_length=10,
        choices=WentOn.choices,
        blank=True,
    )
    comment = models.TextField(_("Övriga synpunkter"), blank=True)

    class Meta:
        verbose_name = _("enkätsvar")
        verbose_name_plural = _("enkätsvar")
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="one_response_per_case_kind")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class MysteryShopperTest(models.Model):
    """A test question (tillgänglighetsmätning) that enters the normal flow as a case.

    Handlers see an ordinary case (`Case.is_test` is never shown to them); the report compares
    who made first contact, and when, with the actor national staff expected.
    """

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="mystery_tests")
    case = models.OneToOneField(
        "routing.Case", on_delete=models.PROTECT, related_name="mystery_test"
    )
    expected_actor_type = models.ForeignKey(
        "regions.ActorType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("förväntad aktör"),
    )
    note = models.TextField(_("anteckning"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tillgänglighetsmätning")
        verbose_name_plural = _("tillgänglighetsmätningar")

    def __str__(self) -> str:
        return f"{self.county_id} {self.case_id}"


class IndicatorSnapshot(models.Model):
    """Every indicator figure of one period, computed together and served from here.

    Exact distinct-company counts and medians over a year cannot be summed from smaller parts,
    so the dashboards, exports and API read a periodically refreshed snapshot instead of
    aggregating a year of cases per request. ``payload`` is written and read only by
    ``indicators.snapshots``; it holds every county and the whole country, so whoever serves it
    must scope it (``indicators.access.county_for_detail``).
    """

    period_start = models.DateField()
    period_end = models.DateField()
    computed_at = models.DateTimeField(db_index=True)
    duration_ms = models.PositiveIntegerField(default=0)
    payload = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end"], name="indicator_snapshot_period"
            )
        ]
        verbose_name = _("indikatorögonblicksbild")
        verbose_name_plural = _("indikatorögonblicksbilder")

    def __str__(self) -> str:
        return f"{self.period_start} – {self.period_end} ({self.computed_at:%Y-%m-%d %H:%M})"


class KeptMonth(models.Model):
    """The per-month parts of every indicator for one closed month, computed once and kept.

    Written and read only by ``indicators.kept_months`` (which defines when a month is closed);
    ``parts`` is None until the month is kept and again after something changed its records.
    ``token`` changes with every such change, so a refresh that computed the parts before the
    change cannot store them after it (compare-and-set on the token). ``parts`` holds company
    keys (organisation numbers) of the month: the services that anonymise or erase them clear
    it in the same transaction, so no copy outlives an erasure.
    """

    month = models.DateField(unique=True)
    token = models.UUIDField()
    version = models.PositiveSmallIntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)
    parts = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("sparad månad av indikatordelar")
        verbose_name_plural = _("sparade månader av indikatordelar")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} ({'kept' if self.parts is not None else 'not kept'})"
