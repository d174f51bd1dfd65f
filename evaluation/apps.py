from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluation"
    verbose_name = _("Utvärdering")

    def ready(self) -> None:
        # Routing's case page offers an extension point; the experiment flag plugs in here so
        # routing never names this app.
        from evaluation.case_page import experiment_flags_section
        from routing.templatetags.cases import CASE_PAGE_SECTIONS

        if experiment_flags_section not in CASE_PAGE_SECTIONS:
            CASE_PAGE_SECTIONS.append(experiment_flags_section)
