"""The case page section: shows the handler that the case's unit is in an experiment's treated
group (e.g. "Försök: proaktiv återkoppling inom 4 timmar"). Control cases show nothing."""

from __future__ import annotations

from django.template.loader import render_to_string

from evaluation.selectors import arms_for_case


def experiment_flags_section(case) -> str:
    treated = [arm for arm in arms_for_case(case) if arm.treated]
    if not treated:
        return ""
    return render_to_string("evaluation/_case_flags.html", {"arms": treated})
