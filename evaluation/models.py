"""Experiments (randomised, possibly staggered roll-outs) and their append-only assignments."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

ARMS_VERSION = 1


@dataclass(frozen=True)
class ArmSpec:
    """One arm of an experiment. The first arm of an experiment is the control."""

    code: str
    label: str
    share: float

    @staticmethod
    def list_to_json(arms: list[ArmSpec]) -> dict:
        return {
            "version": ARMS_VERSION,
            "arms": [{"code": a.code, "label": a.label, "share": a.share} for a in arms],
        }

    @staticmethod
    def list_from_json(data: dict) -> list[ArmSpec]:
        if not data or data.get("version") != ARMS_VERSION:
            return []
        return [ArmSpec(a["code"], a["label"], float(a["share"])) for a in data["arms"]]


class Experiment(models.Model):
    class Unit(models.TextChoices):
        COUNTY = "county", _("Län")
        OFFICE = "office", _("Kontor")
        COMPANY = "company", _("Företag (organisationsnummer)")

    class Design(models.TextChoices):
        PARALLEL = "parallel", _("Parallella grupper")
        STEPPED_WEDGE = "stepped_wedge", _("Stegvis införande (stepped wedge)")

    name = models.CharField(_("namn"), max_length=160)
    intervention = models.TextField(_("åtgärd"))
    handler_notice = models.CharField(
        _("text för handläggaren"),
        max_length=200,
        help_text=_("Visas på ärendesidan för ärenden i försöksgruppen."),
    )
    unit = models.CharField(_("randomiseringsenhet"), max_length=10, choices=Unit.choices)
    arms = models.JSONField(_("armar"), default=dict)
    strata = models.JSONField(_("stratifiering"), default=list, blank=True)
    design = models.CharField(_("design"), max_length=16, choices=Design.choices)
    start_date = models.DateField(_("startdatum"))
    steps = models.PositiveSmallIntegerField(
        _("antal steg"), default=1, help_text=_("Stegvis införande: hur många omgångar.")
    )
    step_days = models.PositiveSmallIntegerField(
        _("dagar per steg"), default=30, help_text=_("Stegvis införande: dagar mellan omgångarna.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("försök")
        verbose_name_plural = _("försök")
        constraints = [
            models.CheckConstraint(condition=models.Q(steps__gte=1), name="experiment_steps_min"),
            models.CheckConstraint(
                condition=models.Q(step_days__gte=1), name="experiment_step_days_min"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def arm_specs(self) -> list[ArmSpec]:
        return ArmSpec.list_from_json(self.arms)

    @property
    def control_arm(self) -> str:
        specs = self.arm_specs
        return specs[0].code if specs else ""

    @property
    def is_stepped_wedge(self) -> bool:
        return self.design == self.Design.STEPPED_WEDGE

    @property
    def is_cluster(self) -> bool:
        return self.unit != self.Unit.COMPANY


class AssignmentRun(models.Model):
    """One recorded randomisation: who ran it, when, with which seed. Never changed."""

    experiment = models.ForeignKey(Experiment, on_delete=models.PROTECT, related_name="runs")
    seed = models.BigIntegerField(_("frö"))
    run_at = models.DateTimeField()
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-run_at", "-id"]
        get_latest_by = ["run_at", "id"]

    def __str__(self) -> str:
        return f"{self.experiment_id} seed {self.seed} ({self.run_at:%Y-%m-%d %H:%M})"


class Assignment(models.Model):
    """A unit's arm in one run. Append-only: a database trigger refuses UPDATE and DELETE."""

    run = models.ForeignKey(AssignmentRun, on_delete=models.PROTECT, related_name="assignments")
    experiment = models.ForeignKey(Experiment, on_delete=models.PROTECT, related_name="assignments")
    unit_key = models.CharField(_("enhet"), max_length=40)
    unit_label = models.CharField(max_length=200, blank=True)
    arm = models.CharField(_("arm"), max_length=40)
    stratum = models.CharField(_("stratum"), max_length=200, blank=True)
    switch_on_date = models.DateField(_("införs"), null=True, blank=True)
    seed = models.BigIntegerField()
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["run_id", "unit_key"]
        constraints = [
            models.UniqueConstraint(fields=["run", "unit_key"], name="one_assignment_per_unit_run")
        ]
        indexes = [models.Index(fields=["experiment", "unit_key"], name="assignment_exp_unit")]

    def __str__(self) -> str:
        return f"{self.unit_key} → {self.arm}"
