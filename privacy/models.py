from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ErasureRecord(models.Model):
    """That personal data was erased or handed out, by whom and why – never what it was."""

    class Kind(models.TextChoices):
        ERASURE = "erasure", _("Radering på begäran")
        ACCESS = "access", _("Registerutdrag")
        RETENTION = "retention", _("Gallring enligt bevarandetid")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("skäl"), blank=True)
    # How many rows of each kind were touched, e.g. {"cases": 2, "mail": 5}.
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("raderingslogg")
        verbose_name_plural = _("raderingslogg")

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"

    def counts_display(self) -> str:
        """ "2 ärenden, 5 e-postmeddelanden" in the page's language."""
        labels = {
            "cases": _("ärenden"),
            "events": _("händelser"),
            "mail": _("e-postmeddelanden"),
            "survey_comments": _("enkätkommentarer"),
            "participants": _("deltaganden"),
            "sweep_runs": _("körloggar"),
            "sessions": _("sessioner"),
            "records": _("poster"),
        }
        return ", ".join(f"{n} {labels.get(key, key)}" for key, n in sorted(self.counts.items()))
