# Longer than 400 lines: the public question form with its prerendered widgets and the staff forms
# for rules, simulator, examples and the model threshold; forms_staff.py holds the case actions.
"""Forms of the public intake and of the rules pages. Domain checks live in routing.validation."""

from __future__ import annotations

import weakref
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from regions.models import ActorType, County, Municipality, Topic
from routing import validation
from routing.catalogue import CatalogueSnapshot, catalogue
from routing.engine import keyword_problems
from routing.intake import QuestionData
from routing.markets import MARKET_GROUPS
from routing.models import Case, ExampleQuestion

# --------------------------------------------------------------------------- fast selects


def options_html(choices) -> str:
    """The <option>s (and <optgroup>s) of ``choices``, none selected, laid out as Django's
    select template lays them out."""
    parts = []
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            parts.append(format_html('\n  <optgroup label="{}">', value))
            parts.extend(
                format_html('\n  <option value="{}">{}</option>', v, sub) for v, sub in label
            )
            parts.append("\n  </optgroup>")
        else:
            parts.append(format_html('\n  <option value="{}">{}</option>', value, label))
    return "".join(parts)


def _attrs_html(attrs: dict[str, Any]) -> str:
    # As django/forms/widgets/attrs.html: False is left out, True is a bare attribute.
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class PrerenderedSelect(forms.Select):
    """A <select> rendered in Python, not through one template include per option.

    The options come from ``options`` (HTML built once, e.g. per catalogue snapshot) or are built
    from the choices; the selected option is marked by patching its tag. The <select> element's
    own attributes (id, aria-describedby, aria-invalid, required) are exactly those Django's
    template would write, so labels, errors and help text work as before.
    """

    def __init__(self, attrs=None, choices=()) -> None:
        super().__init__(attrs, choices)
        self.options: str | None = None

    def render(self, name, value, attrs=None, renderer=None):
        html = self.options if self.options is not None else options_html(self.choices)
        for selected in self.format_value(value):
            # Option values are unique, so the tag is found at most once; Django too selects
            # only the first of several values.
            tag = format_html('<option value="{}">', selected)
            if tag in html:
                html = html.replace(tag, tag[:-1] + " selected>", 1)
                break
        opening = format_html('<select name="{}"', name) + _attrs_html(
            self.build_attrs(self.attrs, attrs)
        )
        # Every part was escaped where it was built (format_html, conditional_escape).
        return mark_safe(f"{opening}>{html}\n</select>")  # noqa: S308


class _NormalChoices(BaseChoiceIterator):
    """Choices already in Django's normal form: assigning them to a field skips normalising the
    290 options again for every form."""

    def __init__(self, choices: list) -> None:
        self.choices = choices

    def __iter__(self):
        return iter(self.choices)


class _FormCatalogue:
    """What the question form shows from the reference data, read once per catalogue snapshot:
    the topics and the municipalities grouped by county (290 options)."""

    def __init__(self) -> None:
        self.topics: dict[str, Topic] = {t.code: t for t in Topic.objects.all()}
        groups: dict[str, tuple[str, list[tuple[str, str]]]] = {}
        for m in Municipality.objects.select_related("county").order_by("county_id", "short_name"):
            groups.setdefault(m.county_id, (m.county.name, []))[1].append((m.code, m.short_name))
        self.municipality_groups = groups
        # (language, preset county) -> (choices, their options' HTML)
        self.rendered: dict[tuple[str, str | None], tuple[list, str]] = {}
        # (language, preset county, initial values) -> the untouched form's fields (fields_html)
        self.rendered_fields: dict[tuple, SafeString] = {}


_form_catalogues: weakref.WeakKeyDictionary[CatalogueSnapshot, _FormCatalogue] = (
    weakref.WeakKeyDictionary()
)


def _form_catalogue(snapshot: CatalogueSnapshot) -> _FormCatalogue:
    # Kept beside the catalogue snapshot, so it is rebuilt whenever that is.
    found = _form_catalogues.get(snapshot)
    if found is None:
        found = _form_catalogues[snapshot] = _FormCatalogue()
    return found


def municipality_choices(first_county: str | None = None) -> list:
    """290 municipalities grouped by county (<optgroup>); a preset county's group first."""
    return list(_municipality_options(_form_catalogue(catalogue()), first_county)[0])


def _municipality_options(
    form_catalogue: _FormCatalogue, first_county: str | None
) -> tuple[list, str]:
    """The municipality choices and their rendered options, per language and preset county."""
    key = (get_language() or settings.LANGUAGE_CODE, first_county)
    found = form_catalogue.rendered.get(key)
    if found is None:
        ordered = sorted(
            form_catalogue.municipality_groups.items(),
            key=lambda item: (item[0] != first_county, item[0]),
        )
        choices = [("", str(_("Välj kommun")))] + [
            (name, options) for _code, (name, options) in ordered
        ]
        found = form_catalogue.rendered[key] = (_NormalChoices(choices), options_html(choices))
    return found


QUESTION_FIELDS_TEMPLATE = "routing/intake/_question_fields.html"
# What the page fills in for a visitor without an account; other initial values (a company's
# last question) are personal and rendered per request.
UNTOUCHED_INITIAL_FIELDS = frozenset({"language", "topic"})


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Topic) -> str:
        return obj.name


class QuestionForm(forms.Form):
    company_name = forms.CharField(label=_("Företagets namn"), max_length=200)
    org_number = forms.CharField(
        label=_("Organisationsnummer"),
        max_length=20,
        help_text=_("Tio siffror, t.ex. 556036-0793. Har du enskild firma anger du personnummer."),
    )
    contact_name = forms.CharField(label=_("Kontaktperson"), max_length=200)
    email = forms.EmailField(label=_("E-post"), max_length=254)
    phone = forms.CharField(label=_("Telefon (frivilligt)"), max_length=40, required=False)
    postal_code = forms.CharField(
        label=_("Postnummer"),
        max_length=10,
        required=False,
        help_text=_("Företagets postnummer avgör vilket län som tar emot frågan."),
    )
    municipality_code = forms.ChoiceField(
        label=_("Kommun"),
        required=False,
        widget=PrerenderedSelect,
        help_text=_(
            "Välj kommun om du inte vet postnumret. En vald kommun gäller före postnumret."
        ),
    )
    topic = forms.ChoiceField(
        label=_("Vad gäller frågan?"), required=False, widget=PrerenderedSelect
    )
    question = forms.CharField(
        label=_("Din fråga"),
        max_length=validation.QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Beskriv kort vad företaget vill göra och vad ni behöver hjälp med."),
    )
    target_countries = forms.CharField(
        label=_("Målländer (frivilligt)"),
        required=False,
        max_length=200,
        help_text=_("Länder med kommatecken emellan, t.ex. Tyskland, USA, Norge."),
    )
    employees = forms.ChoiceField(
        label=_("Antal anställda (frivilligt)"),
        required=False,
        choices=[("", _("Vill inte ange"))] + list(Case.EmployeeBand.choices),
        widget=PrerenderedSelect,
    )
    export_experience = forms.ChoiceField(
        label=_("Exporterfarenhet (frivilligt)"),
        required=False,
        choices=[("", _("Vill inte ange"))] + list(Case.ExportExperience.choices),
        widget=PrerenderedSelect,
    )
    language = forms.ChoiceField(label=_("Vilket språk vill du bli kontaktad på?"),
                                 choices=settings.LANGUAGES, widget=PrerenderedSelect)  # fmt: skip
    consent = forms.BooleanField(required=False)
    website = forms.CharField(
        label=_("Lämna tomt"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, preset_county: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Reference data and the 290 municipality options come from the catalogue snapshot.
        # One read of the catalogue version per form (a cache round trip), shared by its checks.
        self._snapshot = catalogue()
        self._catalogue = _form_catalogue(self._snapshot)
        choices, options = _municipality_options(self._catalogue, preset_county)
        municipality = self.fields["municipality_code"]
        municipality.choices = choices
        municipality.widget.options = options
        self.fields["topic"].choices = [
            (code, topic.name) for code, topic in self._catalogue.topics.items()
        ]
        self.fields["consent"].label = format_html(
            '{} (<a href="{}">{}</a>)',
            _("Jag godkänner att uppgifterna behandlas för att besvara frågan"),
            reverse("privacy"),
            _("så behandlar vi personuppgifter"),
        )
        # The label holds a link; the error summary names the field shortly instead.
        self.fields["consent"].summary_label = _("Godkännande")
        self.org = None
        self.municipality: Municipality | None = None
        self._preset_county = preset_county

    def fields_html(self, *, preview: dict | None = None) -> SafeString:
        """The fields (routing/intake/_question_fields.html), with ``preview``: the county the
        "Visa län" button found, or why it found none.

        The untouched form of a visitor without an account (only the page's default language and
        topic filled in) is the same for everyone with the same language and preset county, so it
        is rendered once per catalogue snapshot — the GET of /fraga/ then renders no field
        template. Anything typed, an error, a preview or a company's own details is rendered as
        usual.
        """
        context = {"form": self, "preview": preview}
        if self.is_bound or preview or not set(self.initial) <= UNTOUCHED_INITIAL_FIELDS:
            return render_to_string(QUESTION_FIELDS_TEMPLATE, context)
        key = (get_language(), self._preset_county, tuple(sorted(self.initial.items())))
        html = self._catalogue.rendered_fields.get(key)
        if html is None:
            html = render_to_string(QUESTION_FIELDS_TEMPLATE, context)
            self._catalogue.rendered_fields[key] = html
        return html

    def clean_org_number(self) -> str:
        self.org = validation.clean_org_number(self.cleaned_data["org_number"])
        return self.org.number

    def clean_postal_code(self) -> str:
        return validation.clean_postal_code(self.cleaned_data["postal_code"])

    def clean_topic(self) -> Topic | None:
        return self._catalogue.topics.get(self.cleaned_data.get("topic") or "")

    def clean_target_countries(self) -> list[str]:
        return validation.clean_target_countries(self.cleaned_data["target_countries"])

    def clean_consent(self) -> bool:
        return validation.clean_consent(self.cleaned_data.get("consent"))

    def clean_website(self) -> str:
        value = self.cleaned_data.get("website", "")
        if value:
            # Reported as a form-wide error; the field itself gets no message.
            raise ValidationError(validation.GENERIC_REJECTION)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "website" in self.errors:
            errors = self.errors.pop("website")
            self.add_error(None, errors)
        if "postal_code" in cleaned and "postal_code" not in self.errors:
            try:
                self.municipality = validation.resolve_municipality(
                    postal_code=cleaned.get("postal_code", ""),
                    municipality_code=cleaned.get("municipality_code") or None,
                    snapshot=self._snapshot,
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned

    @property
    def is_honeypot(self) -> bool:
        return bool(self.data.get(validation.HONEYPOT_FIELD))

    def question_data(self) -> QuestionData:
        return validation.question_data(
            self.cleaned_data, org=self.org, municipality=self.municipality
        )

    def preview_municipality(self) -> tuple[Municipality | None, str]:
        """Resolve only the location (the "Visa län" button), without validating the rest."""
        try:
            postal = validation.clean_postal_code(self.data.get("postal_code", ""))
            return (
                validation.resolve_municipality(
                    postal_code=postal,
                    municipality_code=self.data.get("municipality_code") or None,
                    snapshot=self._snapshot,
                ),
                "",
            )
        except ValidationError as exc:
            return None, " ".join(exc.messages)


# --------------------------------------------------------------------------- rules


def _csv_list(value: str) -> list[str]:
    return [item.strip() for item in (value or "").replace("\n", ",").split(",") if item.strip()]


TOPIC_CHOICES_LAZY = lambda: [(t.code, t.name) for t in Topic.objects.all()]  # noqa: E731
MARKET_GROUP_LABELS = {
    "eu_eea": _("EU/EES"),
    "nordic": _("Norden"),
    "outside_eu": _("Utanför EU"),
}


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=160)
    priority = forms.IntegerField(
        label=_("Prioritet"),
        initial=100,
        help_text=_("Avgör ordningen när två aktörer får samma poäng; högre går först."),
    )
    active = forms.BooleanField(label=_("Aktiv"), required=False, initial=True)
    topics = forms.MultipleChoiceField(
        label=_("Ämnen"), required=False, widget=forms.CheckboxSelectMultiple
    )
    keywords = forms.CharField(
        label=_("Nyckelord"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Med kommatecken emellan, på svenska och engelska. Ett nyckelord matchar början av "
            "ord (kreditförsäkr matchar kreditförsäkringen); avsluta med $ för helt ord."
        ),
    )
    market_groups = forms.MultipleChoiceField(
        label=_("Marknadsgrupper"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, MARKET_GROUP_LABELS[code]) for code in sorted(MARKET_GROUPS)],
    )
    countries = forms.CharField(
        label=_("Länder"),
        required=False,
        help_text=_("Landskoder med kommatecken emellan, t.ex. DE, US."),
    )
    employee_bands = forms.MultipleChoiceField(
        label=_("Företagets storlek"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=Case.EmployeeBand.choices,
    )
    export_experience = forms.MultipleChoiceField(
        label=_("Exporterfarenhet"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=Case.ExportExperience.choices,
    )
    actor_type = forms.ModelChoiceField(label=_("Aktör"), queryset=ActorType.objects.all())
    weight = forms.FloatField(
        label=_("Vikt"),
        initial=2.0,
        min_value=-100,
        max_value=100,
        help_text=_(
            "Läggs till aktörens poäng; en negativ vikt trycker ned en aktör. En aktör som en "
            "matchande länsregel med positiv vikt pekar på går alltid före aktörer som bara "
            "nationella regler pekar på, oavsett poäng. Poängen avgör mellan aktörer på samma nivå."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = TOPIC_CHOICES_LAZY()

    def clean_keywords(self) -> list[str]:
        keywords = _csv_list(self.cleaned_data["keywords"])
        for keyword in keywords:
            if keyword_problems(keyword):
                if not any(ch.isalnum() for ch in keyword):
                    raise ValidationError(
                        _("Nyckelordet ”%(kw)s” saknar bokstäver."), params={"kw": keyword}
                    )
                raise ValidationError(
                    _(
                        "Nyckelordet ”%(kw)s” är så kort att det matchar början av många ord. "
                        "Avsluta med $ för att bara matcha hela ordet."
                    ),
                    params={"kw": keyword},
                )
        return keywords

    def clean_countries(self) -> list[str]:
        return validation.clean_target_countries(self.cleaned_data["countries"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        conditions = ("topics", "keywords", "market_groups", "countries", "employee_bands",
                      "export_experience")  # fmt: skip
        if not self.errors and not any(cleaned.get(k) for k in conditions):
            raise ValidationError(
                _("Ange minst ett villkor (ämne, nyckelord, marknad, storlek eller erfarenhet).")
            )
        return cleaned

    @classmethod
    def initial_from(cls, rule) -> dict[str, Any]:
        return {
            "name": rule.name,
            "priority": rule.priority,
            "active": rule.active,
            "topics": rule.topics,
            "keywords": ", ".join(rule.keywords),
            "market_groups": rule.market_groups,
            "countries": ", ".join(rule.countries),
            "employee_bands": rule.employee_bands,
            "export_experience": rule.export_experience,
            "actor_type": rule.actor_type_id,
            "weight": rule.weight,
        }


class SimulatorForm(forms.Form):
    question = forms.CharField(
        label=_("Fråga"), max_length=validation.QUESTION_MAX_LENGTH, widget=forms.Textarea(
            attrs={"rows": 4}
        ),
    )  # fmt: skip
    county = forms.ModelChoiceField(label=_("Län"), queryset=County.objects.all(), empty_label=None)
    topic = TopicChoiceField(
        label=_("Ämne"), queryset=Topic.objects.all(), required=False, to_field_name="code",
        empty_label=_("Inget ämne valt"),
    )  # fmt: skip
    target_countries = forms.CharField(label=_("Målländer"), required=False, max_length=200,
                                       help_text=_("Landskoder, t.ex. DE, US."))  # fmt: skip
    employees = forms.ChoiceField(
        label=_("Antal anställda"), required=False,
        choices=[("", _("Ej angivet"))] + list(Case.EmployeeBand.choices),
    )  # fmt: skip
    export_experience = forms.ChoiceField(
        label=_("Exporterfarenhet"), required=False,
        choices=[("", _("Ej angivet"))] + list(Case.ExportExperience.choices),
    )  # fmt: skip

    def __init__(self, *args, counties=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if counties is not None:
            self.fields["county"].queryset = counties

    def clean_target_countries(self) -> list[str]:
        return validation.clean_target_countries(self.cleaned_data["target_countries"])


class ExampleQuestionForm(forms.ModelForm):
    target_countries = forms.CharField(label=_("Målländer"), required=False, max_length=200,
                                       help_text=_("Landskoder, t.ex. DE, US."))  # fmt: skip

    class Meta:
        model = ExampleQuestion
        fields = ["text", "topic", "target_countries", "expected_actor_type"]
        labels = {"text": _("Exempelfråga"), "topic": _("Ämne"),
                  "expected_actor_type": _("Förväntad aktör")}  # fmt: skip
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def clean_target_countries(self) -> list[str]:
        return validation.clean_target_countries(self.cleaned_data["target_countries"])


class RouterSettingsForm(forms.Form):
    """National staff: how sure the learned model must be to decide where the rules do not."""

    model_threshold = forms.FloatField(
        label=_("Modellens tröskel"),
        min_value=0.0,
        max_value=1.0,
        localize=True,
        help_text=_(
            "Där reglerna inte avgör frågan tydligt avgör modellen om den är minst så här säker "
            "(0–1); annars går frågan till den främre dörren."
        ),
    )
