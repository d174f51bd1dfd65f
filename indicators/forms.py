"""Forms: period picker, activities with participants, survey answers, mystery-shopper tests."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from indicators.models import Activity, SurveyResponse
from indicators.periods import period_from_dates, period_problem
from indicators.selectors import PRESETS, default_period, period_for_preset
from indicators.values import Period
from regions.models import Actor, ActorType, County, Topic

PRESET_LABELS = {
    "this_year": _("I år"),
    "last_year": _("Förra året"),
    "last_12_months": _("Senaste 12 månaderna"),
}


class PeriodForm(forms.Form):
    """GET form: ?preset=… or ?from=YYYY-MM-DD&to=YYYY-MM-DD (inclusive)."""

    preset = forms.ChoiceField(
        label=_("Förval"),
        required=False,
        choices=[("", _("Eget intervall")), *PRESET_LABELS.items()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from"/"to" are Python keywords, so these fields are added by name (the API uses them).
        self.fields["from"] = forms.DateField(
            label=_("Från och med"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        self.fields["to"] = forms.DateField(
            label=_("Till och med"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )

    def clean(self):
        data = super().clean()
        preset = data.get("preset")
        if preset in PRESETS:
            period = period_for_preset(preset)
            data["period"] = period
            return data
        start, end = data.get("from"), data.get("to")
        if not start and not end and not self.errors:
            data["period"] = default_period()
            return data
        problem = period_problem(start, end)
        if problem is not None:
            self.add_error(problem.field, problem.message)
        elif start and end:
            data["period"] = period_from_dates(start, end)
        return data

    def period(self) -> Period:
        """The chosen period, or the default when the form is unbound or invalid."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period"]
        return default_period()


def bad_rows_message(count: int, *, in_file: bool) -> str:
    """ "1 rad i filen har fel" / "3 rader i filen har fel": the plural each language needs."""
    if in_file:
        text = ngettext(
            "%(n)s rad i filen har fel; se rapporten nedan. Ingenting har sparats.",
            "%(n)s rader i filen har fel; se rapporten nedan. Ingenting har sparats.",
            count,
        )
    else:
        text = ngettext(
            "%(n)s rad har fel; se rapporten nedan. Ingenting har sparats.",
            "%(n)s rader har fel; se rapporten nedan. Ingenting har sparats.",
            count,
        )
    return text % {"n": count}


class ActivityForm(forms.Form):
    """An activity with the companies that took part (typed and/or a CSV file)."""

    county = forms.ModelChoiceField(
        label=_("Län"), queryset=County.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label=_("Typ av aktivitet"), choices=Activity.Kind.choices)
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    date = forms.DateField(label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}))
    actors = forms.ModelMultipleChoiceField(
        label=_("Medverkande aktörer"),
        queryset=Actor.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ett gemensamt företagsbesök har minst två aktörer."),
    )
    financing_kind = forms.ChoiceField(
        label=_("Typ av finansiering"),
        required=False,
        choices=[("", _("Ej finansieringsbeslut")), *Activity.FinancingKind.choices],
        help_text=_("Krävs för positiva finansieringsbeslut."),
    )
    participant_count = forms.IntegerField(
        label=_("Antal deltagare (personer)"),
        min_value=0,
        max_value=100_000,
        initial=0,
        help_text=_("Lämna 0 för att räkna de deltagande företagen."),
    )
    description = forms.CharField(label=_("Beskrivning"), required=False, widget=forms.Textarea)
    is_public = forms.BooleanField(
        label=_("Visa på länets sida"),
        required=False,
        initial=True,
        help_text=_(
            "Kommande seminarier, workshoppar, konferenser och studieresor visas under "
            "”Kommande aktiviteter” på exportcentrets sida."
        ),
    )
    registration_url = forms.URLField(
        label=_("Anmälningslänk"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=_("Webbadress där företag anmäler sig, t.ex. https://exempel.se/anmalan"),
    )
    companies_text = forms.CharField(
        label=_("Deltagande företag"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Ett organisationsnummer per rad, eventuellt följt av semikolon och företagets "
            "namn, t.ex. 556036-0793; Exempel AB. Enskild firma: personnummer."
        ),
    )
    companies_file = forms.FileField(
        label=_("eller ladda upp en CSV-fil"),
        required=False,
        help_text=_(
            "Organisationsnummer i första kolumnen, namn i andra (valfritt). Innehåller filen "
            "någon felaktig rad sparas ingenting."
        ),
    )

    def __init__(self, *args, counties, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
        self.fields["actors"].queryset = actors
        if "companies_file" in self.fields:
            # The error summary names the field on its own, without the label's "eller".
            self.fields["companies_file"].summary_label = _("CSV-fil med deltagande företag")
        self.bad_rows: list = []

    def clean_companies_file(self):
        upload = self.cleaned_data.get("companies_file")
        if upload and upload.size > 2_000_000:
            raise forms.ValidationError(_("Filen är för stor (högst 2 MB)."))
        return upload

    def clean(self):
        from indicators.services import parse_participants_csv, parse_participants_text

        data = super().clean()
        kind = data.get("kind")
        actors = data.get("actors") or []
        if kind == Activity.Kind.JOINT_COMPANY_VISIT and len(actors) < 2:
            self.add_error("actors", _("Ett gemensamt företagsbesök kräver minst två aktörer."))
        if kind == Activity.Kind.FINANCING_DECISION and not data.get("financing_kind"):
            self.add_error("financing_kind", _("Välj check, lån eller garanti."))
        typed = parse_participants_text(data.get("companies_text", ""))
        companies = dict(typed.companies)
        if typed.bad_rows:
            self.add_error(
                "companies_text",
                bad_rows_message(len(typed.bad_rows), in_file=False),
            )
        upload = data.get("companies_file")
        file_bad = []
        if upload:
            parsed = parse_participants_csv(upload.read())
            file_bad = parsed.bad_rows
            for org, name in parsed.companies.items():
                companies.setdefault(org, name)
            if file_bad:
                self.add_error(
                    "companies_file",
                    bad_rows_message(len(file_bad), in_file=True),
                )
        self.bad_rows = [("text", row) for row in typed.bad_rows] + [
            ("file", row) for row in file_bad
        ]
        count = data.get("participant_count") or 0
        if count and count < len(companies):
            self.add_error(
                "participant_count",
                _("Antalet deltagare kan inte vara färre än de %(n)s deltagande företagen.")
                % {"n": len(companies)},
            )
        data["companies"] = companies
        return data


class ActivityEditForm(ActivityForm):
    """The activity's own facts; its companies are added on the activity's page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["companies_text"]
        del self.fields["companies_file"]
        self.fields["participant_count"].help_text = _(
            "Kan inte vara färre än de registrerade deltagande företagen."
        )


class ParticipantImportForm(forms.Form):
    companies_file = forms.FileField(
        label=_("CSV-fil med deltagande företag"),
        help_text=_(
            "Organisationsnummer i första kolumnen, namn i andra (valfritt). Innehåller filen "
            "någon felaktig rad sparas ingenting."
        ),
    )

    def clean_companies_file(self):
        from indicators.services import parse_participants_csv

        upload = self.cleaned_data["companies_file"]
        if upload.size > 2_000_000:
            raise forms.ValidationError(_("Filen är för stor (högst 2 MB)."))
        parsed = parse_participants_csv(upload.read())
        self.bad_rows = [("file", row) for row in parsed.bad_rows]
        if parsed.bad_rows:
            raise forms.ValidationError(bad_rows_message(len(parsed.bad_rows), in_file=True))
        if not parsed.companies:
            raise forms.ValidationError(_("Filen innehåller inga organisationsnummer."))
        self.companies = parsed.companies
        return upload


def survey_comment_field() -> forms.CharField:
    return forms.CharField(
        label=_("Vill ni berätta mer? (frivilligt)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Skriv inga personuppgifter."),
    )


class FollowupSurveyForm(forms.Form):
    right_actor_in_time = forms.ChoiceField(
        label=_("Kom ni i kontakt med rätt aktör inom en arbetsdag?"),
        choices=SurveyResponse.RightActor.choices,
        widget=forms.RadioSelect,
    )
    got_help = forms.ChoiceField(
        label=_("Fick ni den hjälp ni behövde?"),
        choices=SurveyResponse.GotHelp.choices,
        widget=forms.RadioSelect,
    )
    comment = survey_comment_field()


class EffectSurveyForm(forms.Form):
    went_on = forms.ChoiceField(
        label=_("Har ni gått vidare med export eller internationalisering?"),
        choices=SurveyResponse.WentOn.choices,
        widget=forms.RadioSelect,
    )
    comment = survey_comment_field()


class MysteryShopperForm(forms.Form):
    county = forms.ModelChoiceField(label=_("Län"), queryset=County.objects.order_by("code"))
    expected_actor_type = forms.ModelChoiceField(
        label=_("Aktör som borde ta kontakt"),
        queryset=ActorType.objects.all(),
    )
    topic = forms.ModelChoiceField(label=_("Ämne"), queryset=Topic.objects.all(), required=False)
    question = forms.CharField(
        label=_("Testfrågan"),
        widget=forms.Textarea,
        max_length=4000,
        help_text=_("Formulera frågan som ett vanligt företag skulle göra."),
    )
    company_name = forms.CharField(label=_("Företagsnamn (fingerat)"), max_length=200)
    org_number = forms.CharField(label=_("Organisationsnummer"), max_length=13)
    contact_name = forms.CharField(label=_("Kontaktperson"), max_length=200)
    email = forms.EmailField(
        label=_("E-post för testet"), help_text=_("En brevlåda som mätningen bevakar.")
    )
    note = forms.CharField(
        label=_("Anteckning (syns bara för nationell personal)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_org_number(self):
        from indicators.services import normalise_org_number

        return normalise_org_number(self.cleaned_data["org_number"])
