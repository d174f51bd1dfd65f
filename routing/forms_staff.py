"""Forms for the case page and the staff lists. Each action form has its own prefix so many of
them can live on one page without clashing ids."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.models import Actor, Office, Topic
from routing.clock import STOCKHOLM
from routing.models import Case


class StaffForm(forms.Form):
    template_name = "routing/cases/_form_fields.html"


def offices_for_case(case: Case, *, exclude_current: bool = True):
    """Offices that serve the case's county (or take national questions)."""
    queryset = (
        Office.objects.filter(Q(counties_served=case.county_id) | Q(is_national=True))
        .select_related("actor")
        .distinct()
        .order_by("actor__name", "name")
    )
    if exclude_current and case.office_id:
        queryset = queryset.exclude(pk=case.office_id)
    return queryset


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Office) -> str:
        return obj.name if obj.actor.name in obj.name else f"{obj.name} ({obj.actor.name})"


class EmptyActionForm(StaffForm):
    """Claim and start-work need nothing but the button (and CSRF)."""


class FirstContactForm(StaffForm):
    channel = forms.ChoiceField(
        label=_("Hur fick företaget kontakt?"),
        choices=Case.Channel.choices,
        widget=forms.RadioSelect,
    )
    at = forms.DateTimeField(
        label=_("När"),
        required=False,
        help_text=_("Lämna tomt för nu. Anges i svensk tid."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def clean_at(self):
        value = self.cleaned_data.get("at")
        if value is None:
            return timezone.now()
        if timezone.is_naive(value):
            value = value.replace(tzinfo=STOCKHOLM)
        # A minute's slack: the browser's clock and ours need not agree to the second.
        if value > timezone.now() + timezone.timedelta(minutes=1):
            raise forms.ValidationError(_("Tidpunkten kan inte ligga i framtiden."))
        if value < self.case.created_at.replace(second=0, microsecond=0):
            raise forms.ValidationError(_("Kontakten kan inte ha tagits innan frågan kom in."))
        return min(max(value, self.case.created_at), timezone.now())


class ReferForm(StaffForm):
    office = OfficeChoiceField(label=_("Hänvisa till"), queryset=Office.objects.none())
    reason = forms.CharField(
        label=_("Skäl"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Syns i ärendets historik och i meddelandet till det mottagande kontoret."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices_for_case(case)


class CloseForm(StaffForm):
    outcome = forms.ChoiceField(
        label=_("Utfall"), choices=Case.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Kommentar (valfri)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class ReopenForm(StaffForm):
    reason = forms.CharField(
        label=_("Varför öppnas ärendet igen?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ReassignForm(StaffForm):
    office = OfficeChoiceField(label=_("Kontor"), queryset=Office.objects.none())
    handler = forms.ModelChoiceField(
        label=_("Handläggare (valfritt)"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Utan handläggare hamnar ärendet i kontorets kö."),
    )
    reason = forms.CharField(
        label=_("Skäl"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Syns i ärendets historik och i meddelandet till det nya kontoret."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        offices = offices_for_case(case, exclude_current=False)
        self.fields["office"].queryset = offices
        self.fields["handler"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True,
                staff_profile__role="handler",
                staff_profile__office__in=offices,
            )
            .select_related("staff_profile__office")
            .order_by("staff_profile__office__name", "email")
        )
        self.fields["handler"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.email} – {user.staff_profile.office.name}"
        )

    def clean(self):
        cleaned = super().clean()
        office, handler = cleaned.get("office"), cleaned.get("handler")
        if office and handler and handler.staff_profile.office_id != office.pk:
            self.add_error("handler", _("Handläggaren arbetar inte på det valda kontoret."))
        return cleaned


class OverrideRoutingForm(StaffForm):
    office = OfficeChoiceField(label=_("Ny mottagare"), queryset=Office.objects.none())
    reason = forms.CharField(
        label=_("Skäl till ändringen"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = offices_for_case(case)
        if case.assigned_actor_id:
            queryset = queryset.exclude(actor_id=case.assigned_actor_id)
        self.fields["office"].queryset = queryset


class AskCoordinatorForm(StaffForm):
    question = forms.CharField(
        label=_("Fråga till länets samordnare"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Skickas med e-post till länets samordnare och sparas i ärendets historik."),
    )


class NoteForm(StaffForm):
    text = forms.CharField(
        label=_("Intern anteckning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Visas aldrig för företaget."),
    )


class EmailCompanyForm(StaffForm):
    subject = forms.CharField(label=_("Ämne"), max_length=200)
    body = forms.CharField(
        label=_("Meddelande"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000
    )


class CaseFilterForm(forms.Form):
    """GET filters of the inbox and the county list; invalid input is simply ignored."""

    template_name = "routing/cases/_form_fields.html"

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Alla"))] + Case.Status.choices
    )
    topic = forms.ModelChoiceField(
        label=_("Ämne"),
        required=False,
        queryset=Topic.objects.all(),
        empty_label=_("Alla"),
        to_field_name="code",
    )
    overdue = forms.BooleanField(label=_("Bara försenade"), required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        topic = self.cleaned_data.get("topic")
        return {
            "status": self.cleaned_data.get("status") or "",
            "topic": topic.pk if topic else "",
            "overdue": bool(self.cleaned_data.get("overdue")),
        }


class CountyCaseFilterForm(forms.Form):
    """GET filters and search of the county's case list. Open cases unless another status is chosen;
    invalid input is ignored (the list falls back to its default) (never an error page).
    """

    template_name = "routing/cases/_form_fields.html"

    OPEN = "open"
    ALL = "all"

    q = forms.CharField(
        label=_("Sök"),
        required=False,
        max_length=200,
        help_text=_("Referens, företag, organisationsnummer eller e-post"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(OPEN, _("Öppna ärenden")), (ALL, _("Alla, även avslutade"))]
        + Case.Status.choices,
    )
    actor = forms.ModelChoiceField(
        label=_("Aktör"), required=False, queryset=Actor.objects.none(), empty_label=_("Alla")
    )
    office = OfficeChoiceField(
        label=_("Kontor"), required=False, queryset=Office.objects.none(), empty_label=_("Alla")
    )
    overdue = forms.BooleanField(label=_("Bara försenade"), required=False)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        # Only actors and offices that have cases in the viewer's list, so every choice finds some.
        # Read from the indexes case_county_actor / case_county_office: without them this was a
        # scan of the county's whole history (3 s per page at 1M cases).
        self.fields["actor"].queryset = Actor.objects.filter(
            pk__in=cases.values("assigned_actor_id")
        ).order_by("name")
        self.fields["office"].queryset = (
            Office.objects.filter(pk__in=cases.values("office_id"))
            .select_related("actor")
            .order_by("actor__name", "name")
        )

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        status = data.get("status") or self.OPEN
        return {
            "search": (data.get("q") or "").strip(),
            "open_only": status == self.OPEN,
            "status": "" if status in {self.OPEN, self.ALL} else status,
            "actor": data.get("actor"),
            "office": data.get("office"),
            "overdue": bool(data.get("overdue")),
        }
