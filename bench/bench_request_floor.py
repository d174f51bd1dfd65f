"""The floor under a form submission: what Django alone costs for a GET + POST of this shape.

The same settings and middleware as the portal; a throwaway URL conf serves one page that
renders a ten-field form with its CSRF token (GET) and, on POST, validates it, writes one row
and redirects — no routing, clock, events, e-mails or limits. Its process CPU per GET + POST,
beside ``bench_form_cpu.py``'s for the real form in the same sitting, shows how much of a
submission is the framework's and how much is the portal's own work.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ec_bench REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/bench_request_floor.py [--bare] [--batch 60]
"""

from __future__ import annotations

import argparse
import os
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = """<!doctype html><html lang="sv"><title>Golv</title><form method="post">{% csrf_token %}
{{ form.as_div }}<button>Skicka</button></form></html>"""


def floor_urlconf():
    """A URL conf with the one page, built after django.setup()."""
    from django import forms
    from django.contrib.sessions.models import Session
    from django.shortcuts import redirect
    from django.template import engines
    from django.urls import path
    from django.utils import timezone

    class TenFields(forms.Form):
        company_name = forms.CharField(max_length=200)
        org_number = forms.CharField(max_length=20)
        contact_name = forms.CharField(max_length=200)
        email = forms.EmailField()
        postal_code = forms.CharField(max_length=10)
        language = forms.ChoiceField(choices=[("sv", "svenska"), ("en", "English")])
        topic = forms.CharField(max_length=40)
        question = forms.CharField(widget=forms.Textarea, max_length=5000)
        target_countries = forms.CharField(max_length=200, required=False)
        consent = forms.BooleanField()

    template = engines["django"].from_string(PAGE)

    def page(request):
        form = TenFields(request.POST or None)
        if request.method == "POST" and form.is_valid():
            Session.objects.create(
                session_key=os.urandom(16).hex(), session_data="x", expire_date=timezone.now()
            )
            return redirect("/golv/")
        from django.http import HttpResponse

        return HttpResponse(template.render({"form": form}, request))

    module = types.ModuleType("floor_urls")
    module.urlpatterns = [path("golv/", page)]
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=60)
    parser.add_argument(
        "--bare", action="store_true", help="only the CSRF middleware: Django's own minimum"
    )
    args = parser.parse_args()
    os.environ.update({"DJANGO_SETTINGS_MODULE": "exportcentrum.settings", "LOG_LEVEL": "WARNING"})
    os.environ["DJANGO_DEBUG"] = "false"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import override_settings

    sys.modules["floor_urls"] = floor_urlconf()
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_form_cpu import TOKEN_RE, cpu_ms_per_call, report

    def one(i: int) -> None:
        client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
        token = TOKEN_RE.search(client.get("/golv/").content.decode()).group(1)
        response = client.post("/golv/", {
            "csrfmiddlewaretoken": token, "company_name": f"Golv {i} AB",
            "org_number": "556036-0793", "contact_name": "Bänk Testsson",
            "email": f"golv{i}@example.com", "postal_code": "211 20", "language": "sv",
            "topic": "financing", "question": "Vi behöver ett lån.", "consent": "on",
        }, HTTP_REFERER="http://127.0.0.1/golv/")  # fmt: skip
        if response.status_code != 302:
            sys.exit(f"POST answered {response.status_code}")

    middleware = {}
    if args.bare:
        middleware = {"MIDDLEWARE": ["django.middleware.csrf.CsrfViewMiddleware"]}
    with override_settings(ROOT_URLCONF="floor_urls", **middleware):
        batches = cpu_ms_per_call(one, batch=args.batch)
    report("bare_get_post" if args.bare else "floor_get_post", batches)


if __name__ == "__main__":
    main()
