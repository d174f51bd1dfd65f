from __future__ import annotations

import secrets

from django import forms
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from evaluation.models import ArmSpec, Experiment
from evaluation.selectors import STRATA_BY_UNIT

STRATA_LABELS = {
    "county_size": _("Länets storlek (antal ärenden året före start)"),
    "front_door": _("Vem som driver länets ingång"),
    "actor_type": _("Aktör"),
    "county": _("Län"),
    "employees": _("Antal anställda"),
    "export_experience": _("Exporterfarenhet"),
}


class ExperimentForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=160)
    intervention = forms.CharField(
        label=_("Åtgärd"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Vad som ändras för enheterna i försöksgruppen."),
    )
    handler_notice = forms.CharField(
        label=_("Text för handläggaren"),
        max_length=200,
        help_text=_("Visas på ärendesidan, t.ex. ”Försök: proaktiv återkoppling inom 4 timmar”."),
    )
    unit = forms.ChoiceField(
        label=_("Randomiseringsenhet"), choices=Experiment.Unit.choices, widget=forms.RadioSelect
    )
    design = forms.ChoiceField(
        label=_("Design"), choices=Experiment.Design.choices, widget=forms.RadioSelect
    )
    arms = forms.CharField(
        label=_("Armar och andelar"),
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="Kontroll;50\nÅtgärd;50",
        help_text=_(
            "En rad per arm: namn;andel. Första raden är kontrollgruppen. Vid stegvis införande "
            "får alla enheter åtgärden (sista raden) i slumpad ordning."
        ),
    )
    strata = forms.MultipleChoiceField(
        label=_("Stratifiera på"),
        choices=list(STRATA_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Bara de som passar enheten används."),
    )
    start_date = forms.DateField(
        label=_("Startdatum"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Tilldelningen görs före start och kan inte ändras därefter."),
    )
    steps = forms.IntegerField(
        label=_("Antal steg (stegvis införande)"), min_value=2, max_value=12, initial=4
    )
    step_days = forms.IntegerField(
        label=_("Dagar per steg"), min_value=7, max_value=365, initial=30
    )

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        if start <= timezone.localdate():
            raise forms.ValidationError(_("Startdatum måste ligga i framtiden."))
        return start

    def clean_arms(self) -> list[ArmSpec]:
        specs, codes = [], set()
        for line in self.cleaned_data["arms"].splitlines():
            if not line.strip():
                continue
            label, _sep, share = line.rpartition(";")
            label = label.strip()
            try:
                value = float(share.replace(",", ".").strip())
            except ValueError:
                value = 0
            code = slugify(label)[:40]
            if not label or not code or value <= 0 or code in codes:
                raise forms.ValidationError(
                    _("Skriv varje arm som namn;andel med olika namn och positiva andelar.")
                )
            codes.add(code)
            specs.append(ArmSpec(code, label[:80], value))
        if len(specs) < 2 or len(specs) > 6:
            raise forms.ValidationError(_("Ange mellan två och sex armar."))
        return specs

    def clean(self):
        data = super().clean()
        unit = data.get("unit")
        if unit and data.get("strata"):
            data["strata"] = [s for s in data["strata"] if s in STRATA_BY_UNIT[unit]]
        return data


class RunForm(forms.Form):
    seed = forms.IntegerField(
        label=_("Frö (seed)"),
        min_value=0,
        max_value=2**53,
        help_text=_("Samma frö ger samma lista. Frö, tid och vem som körde sparas."),
    )

    @staticmethod
    def suggested_seed() -> int:
        return secrets.randbelow(10**9)


class PowerForm(forms.Form):
    units = forms.IntegerField(label=_("Antal enheter"), min_value=2, max_value=100000, initial=21)
    cases_per_unit = forms.FloatField(
        label=_("Ärenden per enhet under försöket"), min_value=1, max_value=100000, initial=40
    )
    baseline = forms.FloatField(
        label=_("Andel utan åtgärd (%)"), min_value=1, max_value=99, initial=70
    )
    icc = forms.FloatField(
        label=_("Intraklasskorrelation (ICC)"), min_value=0, max_value=1, initial=0.05
    )
    treated_share = forms.FloatField(
        label=_("Andel enheter med åtgärd (%)"), min_value=5, max_value=95, initial=50
    )
    cluster = forms.BooleanField(
        label=_("Enheterna är kluster (län eller kontor)"), required=False, initial=True
    )
