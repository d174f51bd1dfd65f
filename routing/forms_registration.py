"""The staff form for a question received by telephone, e-mail, visit, event or referral.

It is the public question form (``routing.forms.QuestionForm``, so the company's details are
checked by the same ``routing.validation`` functions) without consent and honeypot, plus how and
when the question came in, the receipt choice, keeping it at the handler's office and closing it
when it was answered on the spot.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from routing import registration
from routing.access import may_register_in_county
from routing.clock import STOCKHOLM
from routing.forms import QuestionForm


class RegisterQuestionForm(QuestionForm):
    channel = forms.ChoiceField(
        label=_("Hur kom frågan in?"),
        choices=[(c.value, c.label) for c in registration.STAFF_CHANNELS],
        widget=forms.RadioSelect,
    )
    received_at = forms.DateTimeField(
        label=_("När kom frågan in?"),
        help_text=_(
            "Svensk tid. Företagets arbetsdag räknas härifrån, inte från när du registrerar."
        ),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    send_receipt = forms.BooleanField(
        label=_("Företaget vill ha kvittot med status-länken per e-post"),
        required=False,
        initial=True,
    )
    keep_reason = forms.CharField(
        label=_("Behåll frågan på mitt kontor, med mig som handläggare (skäl)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Lämna tomt för att låta vägledningen välja aktör. Skälet sparas som en ändring av "
            "vägledningen i ärendets historik."
        ),
    )
    answered_outcome = forms.ChoiceField(
        label=_("Besvarades frågan redan?"),
        required=False,
        choices=[("", _("Nej, frågan ska vidare"))]
        + [(o.value, o.label) for o in registration.ANSWERED_OUTCOMES],
        help_text=_(
            "Ett besvarat ärende registreras som avslutat med första kontakt när frågan kom in. "
            "Inget kvitto skickas då."
        ),
    )
    answer_note = forms.CharField(
        label=_("Kommentar till avslutet (valfri)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # Staff take the company's consent orally and are no bots.
        del self.fields["consent"]
        del self.fields["website"]
        self.fields["question"].label = _("Företagets fråga")
        self.fields["question"].help_text = _(
            "Vad företaget vill göra och vad det behöver hjälp med, med företagets ord."
        )
        self.fields["language"].label = _("Språk för kontakten med företaget")
        if registration.own_office(user) is None:
            del self.fields["keep_reason"]
        self.fields["received_at"].initial = timezone.localtime(timezone.now(), STOCKHOLM)

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if timezone.is_naive(value):
            value = value.replace(tzinfo=STOCKHOLM)
        return registration.clean_received_at(value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        county = self.municipality.county if self.municipality else None
        if county is not None and not may_register_in_county(self.user, county.code):
            field = "municipality_code" if cleaned.get("municipality_code") else "postal_code"
            self.add_error(
                field,
                ValidationError(
                    _(
                        "Företaget finns i %(county)s. Du kan bara registrera frågor från "
                        "företag i ditt eget län; hänvisa företaget till exportcentret där."
                    )
                    % {"county": county.name},
                    code="other_county",
                ),
            )
        return cleaned

    SECTIONS = (
        (_("Hur och när"), ("channel", "received_at")),
        (_("Företaget"), ("company_name", "org_number", "employees", "export_experience",
                          "postal_code", "municipality_code")),
        (_("Kontaktperson"), ("contact_name", "email", "phone", "language", "send_receipt")),
        (_("Frågan"), ("topic", "question", "target_countries")),
        (_("Vart går frågan?"), ("keep_reason", "answered_outcome", "answer_note")),
    )  # fmt: skip

    def sections(self) -> list[tuple[str, list]]:
        """The fieldsets of the page: a legend and its bound fields."""
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.SECTIONS
        ]

    def registration_kwargs(self) -> dict[str, Any]:
        """``case_register``'s arguments besides the user."""
        cleaned = self.cleaned_data
        return {
            "data": self.question_data(),
            "channel": cleaned["channel"],
            "received_at": cleaned["received_at"],
            "send_receipt": cleaned["send_receipt"],
            "keep_reason": cleaned.get("keep_reason", ""),
            "answered_outcome": cleaned["answered_outcome"],
            "answer_note": cleaned["answer_note"],
        }
