"""Public intake pages: the question form, its county preview, the receipt and the status page.

The rules pages of coordinators and national staff are in ``routing.views_rules``."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from regions.models import County
from routing.access import cases_visible_to, company_filing_as, receipt_case
from routing.company_view import (
    case_from_status_token,
    case_status_url,
    receipt_context,
    status_context,
)
from routing.forms import QuestionForm
from routing.intake import case_create
from routing.limits import intake_rate_limited

# The receipt is shown to the browser that filed the question. Its references are kept in a
# signed cookie, not a server-side session: a filing writes no session row, and nothing about
# an anonymous visitor is stored beyond the case itself. The cookie ends with the browser.
RECEIPTS_COOKIE = "kvitton"
RECEIPTS_SALT = "routing.receipts"
RECEIPTS_KEPT = 20


def _filed_in_this_browser(request: HttpRequest) -> list[str]:
    value = request.get_signed_cookie(
        RECEIPTS_COOKIE, default="", salt=RECEIPTS_SALT, max_age=settings.SESSION_COOKIE_AGE
    )
    return value.split(",") if value else []


def _remember_receipt(request: HttpRequest, response: HttpResponse, reference: str) -> None:
    references = [*_filed_in_this_browser(request)[-(RECEIPTS_KEPT - 1) :], reference]
    response.set_signed_cookie(
        RECEIPTS_COOKIE,
        ",".join(references),
        salt=RECEIPTS_SALT,
        path=reverse("question-form"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# --------------------------------------------------------------------------- helpers


def _preset_county(value: str | None) -> County | None:
    if not value:
        return None
    return County.objects.filter(Q(slug=value) | Q(code=value)).first()


def _company_initial(scope, user) -> dict:
    """The company's last question prefills the form (a company sees only its own cases)."""
    last = cases_visible_to(scope).order_by("-created_at").first()
    if last is None:
        return {"email": user.email}
    return {
        "company_name": last.company_name,
        "org_number": f"{last.org_number[:6]}-{last.org_number[6:]}",
        "contact_name": last.contact_name,
        "email": last.email,
        "phone": last.phone,
        "postal_code": last.postal_code,
        "municipality_code": "" if last.postal_code else last.municipality_id,
        "employees": last.employees,
        "export_experience": last.export_experience,
        "language": last.language,
    }


# --------------------------------------------------------------------------- intake


@require_http_methods(["GET", "POST"])
def question_form(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    preset = _preset_county(request.GET.get("lan") or request.POST.get("lan"))
    preset_code = preset.code if preset else None
    context: dict = {
        "preset_county": preset,
        "my_cases": (
            cases_visible_to(scope).select_related("assigned_actor")
            .order_by("-created_at")[:20] if scope.is_company else None
        ),
    }  # fmt: skip
    status = 200

    if request.method == "POST":
        form = QuestionForm(request.POST, preset_county=preset_code)
        if "preview" in request.POST:
            municipality, message = form.preview_municipality()
            context["preview"] = {"municipality": municipality, "message": message}
            form = QuestionForm(initial=request.POST.dict(), preset_county=preset_code)
        elif form.is_valid() or form.is_honeypot:
            if intake_rate_limited(request):
                form.add_error(
                    None,
                    _(
                        "Vi har tagit emot många frågor från din uppkoppling på kort tid. "
                        "Vänta tio minuter och skicka igen – det du skrivit finns kvar."
                    ),
                )
                status = 429
            elif not form.is_honeypot:
                case = case_create(
                    data=form.question_data(), company_user=company_filing_as(scope, request.user)
                )
                response = redirect("question-receipt", reference=case.reference)
                _remember_receipt(request, response, case.reference)
                return response
    else:
        initial = {"language": (request.LANGUAGE_CODE or "sv")[:2], "topic": "unknown"}
        if scope.is_company:
            initial.update(_company_initial(scope, request.user))
        form = QuestionForm(initial=initial, preset_county=preset_code)
    context["form"] = form
    context["form_fields"] = form.fields_html(preview=context.get("preview"))
    return render(request, "routing/intake/form.html", context, status=status)


@require_GET
def county_preview(request: HttpRequest) -> JsonResponse:
    """Postal code or municipality -> county, for the form's live preview (JS)."""
    form = QuestionForm(request.GET)
    municipality, message = form.preview_municipality()
    if municipality is None:
        return JsonResponse({"ok": False, "message": message})
    county = municipality.county
    return JsonResponse(
        {
            "ok": True,
            "municipality": {"code": municipality.code, "name": municipality.short_name},
            "county": {"code": county.code, "name": county.name},
            "message": _("Frågan går till regionalt exportcentrum i %(county)s (%(municipality)s).")
            % {"county": county.name, "municipality": municipality.short_name},
        }
    )


@never_cache
def question_receipt(request: HttpRequest, reference: str) -> HttpResponse:
    """Shown right after filing, to the browser session that filed it (or its company user)."""
    case = receipt_case(request.scope, _filed_in_this_browser(request), reference)
    context = receipt_context(case, status_url=case_status_url(case))
    return render(request, "routing/intake/receipt.html", context)


@never_cache
def case_status(request: HttpRequest, token: str) -> HttpResponse:
    case = case_from_status_token(token)
    if case is None:
        raise Http404
    response = render(request, "routing/intake/status.html", status_context(case))
    # The URL is the credential: keep it out of search engines and other sites' logs.
    response["X-Robots-Tag"] = "noindex, nofollow"
    # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on the
    # page's own POSTs (the language switch), which the CSRF check rejects.
    response["Referrer-Policy"] = "same-origin"
    return response
