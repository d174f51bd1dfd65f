"""Forms of the county pages. Django renders `aria-invalid` and `aria-describedby` (help text and
errors) itself; templates render fields with `as_field_group` under an error summary."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from regions.models import Actor, ExportCentre, Service, Topic

INTRODUCTION_MAX_LENGTH = 10_000


class CentreSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Postnummer eller kommun"),
        max_length=100,
        help_text=_("Till exempel 211 20, Malmö eller Falun."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "postal-code"}),
        error_messages={"required": _("Skriv ett postnummer eller namnet på en kommun.")},
    )

    def clean_q(self) -> str:
        value = self.cleaned_data["q"].strip()
        digits = value.replace(" ", "")
        if digits.isdecimal() and len(digits) < 3:
            raise forms.ValidationError(_("Skriv minst tre siffror av postnumret."))
        if not digits.isdecimal() and len(value) < 2:
            raise forms.ValidationError(_("Skriv minst två bokstäver av kommunens namn."))
        return value


class IntroductionForm(forms.Form):
    introduction = forms.CharField(
        label=_("Introduktion"),
        required=False,
        max_length=INTRODUCTION_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Markdown: **fet**, *kursiv*, # rubrik, - punktlista, [länktext](https://…). "
            "HTML visas som vanlig text."
        ),
    )


class ParticipantsForm(forms.Form):
    participants = forms.ModelMultipleChoiceField(
        label=_("Medverkande aktörer"),
        queryset=Actor.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aktörer med ett kontor som betjänar länet, eller ett nationellt kontor."),
        error_messages={"required": _("Välj minst en aktör.")},
    )

    def __init__(self, *args, centre: ExportCentre, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = centre
        self.fields["participants"].queryset = actors
        self.fields["participants"].label_from_instance = lambda a: (
            f"{a.name} ({a.actor_type.name})" if a.actor_type.name != a.name else a.name
        )

    def clean_participants(self):
        actors = self.cleaned_data["participants"]
        if self.centre.front_door_actor_id not in {a.pk for a in actors}:
            raise forms.ValidationError(
                _("%(actor)s tar emot länets frågor och måste vara med.")
                % {"actor": self.centre.front_door_actor.name}
            )
        return actors


class ServiceForm(forms.ModelForm):
    PRICE_CHOICES = [("free", _("Kostnadsfri")), ("paid", _("Avgiftsbelagd"))]

    price = forms.ChoiceField(
        label=_("Pris"), choices=PRICE_CHOICES, widget=forms.RadioSelect, initial="free"
    )

    class Meta:
        model = Service
        fields = ["actor", "title", "description", "title_en", "description_en", "topics", "url"]
        labels = {
            "actor": _("Aktör"),
            "title": _("Titel"),
            "description": _("Kort beskrivning"),
            "title_en": _("Titel på engelska"),
            "description_en": _("Kort beskrivning på engelska"),
            "topics": _("Ämnen"),
            "url": _("Länk till mer information"),
        }
        help_texts = {
            "topics": _("Tjänsten visas under varje valt ämne, bredvid liknande tjänster."),
            "url": _("Börjar med https://"),
            "title_en": _("Visas på de engelska sidorna. Lämnas den tom visas den svenska."),
            "description_en": _("Visas på de engelska sidorna. Lämnas den tom visas den svenska."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4, "maxlength": 600}),
            "description_en": forms.Textarea(attrs={"rows": 4, "maxlength": 600}),
            "topics": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "title": {"required": _("Skriv tjänstens titel.")},
            "description": {"required": _("Beskriv tjänsten kort.")},
            "topics": {"required": _("Välj minst ett ämne.")},
            "actor": {"required": _("Välj vilken aktör som erbjuder tjänsten.")},
        }

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = actors
        self.fields["actor"].empty_label = _("Välj aktör")
        self.fields["topics"].queryset = Topic.objects.order_by("sort_order", "code")
        self.fields["description"].max_length = 600
        self.fields["description_en"].max_length = 600
        if self.instance.pk and not self.is_bound:
            self.initial["price"] = "free" if self.instance.is_free else "paid"

    def clean_description(self) -> str:
        return self._short_description("description")

    def clean_description_en(self) -> str:
        return self._short_description("description_en")

    def _short_description(self, name: str) -> str:
        value = self.cleaned_data[name].strip()
        if len(value) > 600:
            raise forms.ValidationError(_("Högst 600 tecken."))
        return value

    def service_values(self) -> dict:
        """Keyword arguments for service_create / service_update."""
        data = self.cleaned_data
        return {
            "actor": data["actor"],
            "title": data["title"],
            "description": data["description"],
            "title_en": data["title_en"].strip(),
            "description_en": data["description_en"],
            "topics": list(data["topics"]),
            "url": data["url"],
            "is_free": data["price"] == "free",
        }
