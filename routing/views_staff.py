"""Staff pages: the handler inbox, the case page and its actions, coordinator and national lists.

Thin views: access (scoped queryset, 404 outside scope) → form → one service → render/redirect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from routing import selectors, services
from routing.access import (
    access_case_by_reference,
    case_actions_for,
    cases_readable_by,
    is_referring_office_reader,
    require_case_staff,
    require_county_case_lists,
    require_inbox_user,
    require_national_case_lists,
)
from routing.clock import working_time_between
from routing.deadlines import (
    case_awaiting_contact,
    case_is_overdue,
    clock_started_at,
    clock_stopped_days,
)
from routing.escalation import sweep_health
from routing.forms_staff import (
    AskCoordinatorForm,
    CaseFilterForm,
    CloseForm,
    CountyCaseFilterForm,
    EmailCompanyForm,
    EmptyActionForm,
    FirstContactForm,
    NoteForm,
    OverrideRoutingForm,
    ReassignForm,
    ReferForm,
    ReopenForm,
)
from routing.models import Case

PAGE_SIZE = 50


@dataclass
class Row:
    """A case in a list with its working time left (negative when overdue)."""

    case: Case
    left_seconds: int

    now: datetime

    @property
    def awaiting_contact(self) -> bool:
        return case_awaiting_contact(self.case)

    @property
    def overdue(self) -> bool:
        return case_is_overdue(self.case, self.now)


def _rows(cases, now) -> list[Row]:
    return [
        Row(case, int(working_time_between(now, case.deadline_at).total_seconds()), now)
        for case in cases
    ]


def _page(request, queryset, now):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("sida"))
    page.rows = _rows(page.object_list, now)
    return page


# --------------------------------------------------------------------------- lists


@login_required
def handler_inbox(request):
    require_inbox_user(request.scope)
    now = timezone.now()
    filter_form = CaseFilterForm(request.GET or None)
    filters = filter_form.filters() if request.GET else {}
    mine = selectors.apply_case_filters(selectors.inbox_my_cases(request.scope), now=now, **filters)
    queue = selectors.apply_case_filters(
        selectors.inbox_office_queue(request.scope), now=now, **filters
    )
    return render(
        request,
        "routing/cases/inbox.html",
        {
            "filter_form": filter_form,
            "mine": _rows(mine.order_by("deadline_at")[:200], now),
            "queue": _rows(queue.order_by("deadline_at")[:200], now),
            "referred_by_us": _rows(
                selectors.inbox_referred_by_us(request.scope).order_by("-updated_at")[:50], now
            ),
            "now": now,
        },
    )


@login_required
def coordinator_cases(request):
    require_county_case_lists(request.scope)
    now = timezone.now()
    filter_form = CountyCaseFilterForm(
        request.GET or None, cases=selectors.county_cases(request.scope)
    )
    queryset = selectors.county_case_list(request.scope, now=now, **filter_form.filters())
    return render(
        request,
        "routing/cases/coordinator_list.html",
        {
            "filter_form": filter_form,
            "page": _page(request, queryset, now),
            "title": _("Länets ärenden"),
            "caption": _("Öppna ärenden först: de som väntar på kontakt, tidigast frist först"),
            "list_kind": "all",
            "now": now,
        },
    )


@login_required
def coordinator_triage(request):
    require_county_case_lists(request.scope)
    now = timezone.now()
    queryset = selectors.triage_queue(request.scope).order_by("deadline_at")
    return render(
        request,
        "routing/cases/coordinator_list.html",
        {
            "page": _page(request, queryset, now),
            "title": _("Triagekö"),
            "caption": _("Frågor som ingen regel kunde placera, tidigast frist först"),
            "list_kind": "triage",
            "now": now,
        },
    )


@login_required
def coordinator_overdue(request):
    require_county_case_lists(request.scope)
    now = timezone.now()
    queryset = selectors.overdue_cases(request.scope, now=now)
    return render(
        request,
        "routing/cases/coordinator_list.html",
        {
            "page": _page(request, queryset, now),
            "title": _("Försenade ärenden"),
            "caption": _("Ärenden utan första kontakt efter fristen, eskalerade först"),
            "list_kind": "overdue",
            "now": now,
        },
    )


@login_required
def national_overdue(request):
    require_national_case_lists(request.scope)
    now = timezone.now()
    queryset = selectors.national_overdue_cases(request.scope, now=now)
    return render(
        request,
        "routing/cases/national_overdue.html",
        {"page": _page(request, queryset, now), "sweep": sweep_health(now), "now": now},
    )


# --------------------------------------------------------------------------- case page


ACTION_FORMS = {
    "claim": (EmptyActionForm, False),
    "first_contact": (FirstContactForm, True),
    "start_work": (EmptyActionForm, False),
    "refer": (ReferForm, True),
    "close": (CloseForm, False),
    "reopen": (ReopenForm, False),
    "reassign": (ReassignForm, True),
    "override_routing": (OverrideRoutingForm, True),
    "note": (NoteForm, False),
    "ask_coordinator": (AskCoordinatorForm, False),
    "email": (EmailCompanyForm, False),
}


def _form(action: str, case: Case, data=None):
    form_class, needs_case = ACTION_FORMS[action]
    kwargs = {"case": case} if needs_case else {}
    return form_class(data, prefix=action, **kwargs)


def _run_action(action: str, *, case: Case, user, data: dict):
    if action == "claim":
        services.case_claim(case=case, user=user)
        return _("Du har tagit ärendet.")
    if action == "first_contact":
        services.case_record_first_contact(
            case=case, user=user, channel=data["channel"], at=data["at"]
        )
        return _("Första kontakt är registrerad.")
    if action == "start_work":
        services.case_start_work(case=case, user=user)
        return _("Ärendet pågår.")
    if action == "refer":
        services.case_refer(case=case, user=user, office=data["office"], reason=data["reason"])
        return _("Ärendet är hänvisat.")
    if action == "close":
        services.case_close(case=case, user=user, outcome=data["outcome"], note=data["note"])
        return _("Ärendet är avslutat.")
    if action == "reopen":
        services.case_reopen(case=case, user=user, reason=data["reason"])
        return _("Ärendet är öppnat igen.")
    if action == "reassign":
        services.case_reassign(
            case=case,
            user=user,
            office=data["office"],
            handler=data["handler"],
            reason=data["reason"],
        )
        return _("Ärendet är omfördelat.")
    if action == "override_routing":
        services.case_override_routing(
            case=case, user=user, office=data["office"], reason=data["reason"]
        )
        return _("Vägledningen är ändrad.")
    if action == "ask_coordinator":
        services.case_ask_coordinator(case=case, user=user, question=data["question"])
        return _("Frågan till länets samordnare är köad för utskick.")
    if action == "note":
        services.case_add_note(case=case, user=user, text=data["text"])
        return _("Anteckningen är sparad.")
    if action == "email":
        services.case_email_company(
            case=case, user=user, subject=data["subject"], body=data["body"]
        )
        return _("Meddelandet till företaget är köat för utskick.")
    raise Http404


def _render_case(request, case: Case, *, bound: tuple[str, object] | None = None, status=200):
    scope = require_case_staff(request.scope)
    now = timezone.now()
    allowed = case_actions_for(scope, case)
    forms = {action: _form(action, case) for action in ACTION_FORMS if action in allowed}
    if bound:
        forms[bound[0]] = bound[1]
    events = list(case.events.select_related("actor_user").order_by("at", "id"))
    decision = case.decision
    return render(
        request,
        "routing/cases/detail.html",
        {
            "case": case,
            "row": _rows([case], now)[0],
            "read_only": is_referring_office_reader(scope, case),
            "referral": selectors.case_referral_step(events),
            "clock_started_at": clock_started_at(case, events),
            "stopped_days": clock_stopped_days(clock_started_at(case, events), case.deadline_at),
            "forms": forms,
            "events": events,
            "decision": decision,
            "explanation": decision.explain() if decision else None,
            "escalations": list(case.escalations.order_by("level")),
            "now": now,
        },
        status=status,
    )


@login_required
def case_detail(request, reference: str):
    require_case_staff(request.scope)
    case = access_case_by_reference(request.scope, reference)
    return _render_case(request, case)


@login_required
@require_POST
def case_action(request, reference: str, action: str):
    require_case_staff(request.scope)
    case = access_case_by_reference(request.scope, reference)
    if action not in ACTION_FORMS:
        raise Http404
    if action not in case_actions_for(request.scope, case):
        # Before the form: someone who may not act should not be shown its field errors.
        messages.error(request, _("Den åtgärden går inte att göra för ärendet just nu."))
        return redirect("case-detail", reference=case.reference)
    form = _form(action, case, request.POST)
    if not form.is_valid():
        messages.error(request, _("Rätta felen i formuläret nedan."))
        return _render_case(request, case, bound=(action, form), status=400)
    try:
        done = _run_action(action, case=case, user=request.user, data=form.cleaned_data)
    except services.CaseActionError as exc:
        messages.error(request, exc.message)
        return redirect("case-detail", reference=case.reference)
    messages.success(request, done)
    if (
        action in {"refer", "reassign", "override_routing"}
        and not cases_readable_by(request.scope).filter(pk=case.pk).exists()
    ):
        # The case left the user's scope (a referring office keeps reading it).
        return redirect("dashboard")
    return redirect("case-detail", reference=case.reference)
