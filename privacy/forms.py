from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PersonalDataSearchForm(forms.Form):
    q = forms.CharField(
        label=_("E-postadress, telefonnummer, organisationsnummer eller personnummer"),
        max_length=200,
    )


class ErasureForm(forms.Form):
    q = forms.CharField(widget=forms.HiddenInput, max_length=200)
    reason = forms.CharField(
        label=_("Skäl"),
        max_length=500,
        help_text=_(
            "T.ex. ”Begäran om radering per e-post 2026-11-30”. Skälet sparas i raderingsloggen; "
            "det som raderas sparas inte."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("Jag förstår att uppgifterna inte går att återställa."),
        error_messages={"required": _("Bekräfta att uppgifterna ska raderas.")},
    )
