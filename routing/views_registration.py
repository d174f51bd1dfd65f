"""Staff register a question received by telephone, e-mail, visit, event or referral.

Thin view: access (the role; the county is checked by the form and the service) → form → one
service → redirect to the new case.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from routing.access import cases_visible_to, require_case_registrar
from routing.forms_registration import RegisterQuestionForm
from routing.registration import case_register
from routing.services import CaseActionError


@login_required
@require_http_methods(["GET", "POST"])
def register_question(request):
    scope = require_case_registrar(request.scope)
    # The user's own county's municipalities first in the list.
    first_county = min(scope.county_codes) if scope.county_codes else None
    status = 200
    if request.method == "POST":
        form = RegisterQuestionForm(request.POST, user=request.user, preset_county=first_county)
        if form.is_valid():
            try:
                case = case_register(user=request.user, **form.registration_kwargs())
            except CaseActionError as exc:
                form.add_error(None, exc.message)
            else:
                if case.status == case.Status.CLOSED:
                    done = _("Frågan %(reference)s är registrerad som besvarad och avslutad.")
                else:
                    done = _("Frågan %(reference)s är registrerad och skickad till %(office)s.")
                messages.success(
                    request,
                    done % {"reference": case.reference, "office": case.office or "–"},
                )
                if not cases_visible_to(request.scope).filter(pk=case.pk).exists():
                    # Routed to another actor's office: the handler's part is done.
                    return redirect("dashboard")
                return redirect("case-detail", reference=case.reference)
        status = 400
    else:
        form = RegisterQuestionForm(
            user=request.user,
            preset_county=first_county,
            initial={"language": "sv", "topic": "unknown", "send_receipt": True},
        )
    return render(request, "routing/cases/register.html", {"form": form}, status=status)
