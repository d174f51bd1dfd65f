"""Every form uses the one error summary and field layout in templates/ (no drifting copies)."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.template.loader import render_to_string

ROOT = Path(__file__).resolve().parent.parent


def test_there_is_one_error_summary_and_one_field_template():
    for name in ("_error_summary.html", "_field.html", "_choice_fieldset.html"):
        copies = sorted(
            path.relative_to(ROOT).as_posix()
            for pattern in (f"templates/**/{name}", f"*/templates/**/{name}")
            for path in ROOT.glob(pattern)
            if ".venv" not in path.parts
        )
        expected = [] if name == "_choice_fieldset.html" else [f"templates/{name}"]
        assert copies == expected, name


class _Form(forms.Form):
    name = forms.CharField(label="Namn", help_text="Som i registret.")
    kind = forms.ChoiceField(
        label="Typ", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    agree = forms.BooleanField(label="Jag godkänner")


def test_summary_links_to_each_field_and_fields_describe_their_errors():
    form = _Form(data={})
    form.fields["agree"].summary_label = "Godkännande"
    assert not form.is_valid()
    summary = render_to_string("_error_summary.html", {"form": form})
    assert 'href="#id_name"' in summary
    assert 'href="#id_kind_0"' in summary  # a group of choices: its first choice
    assert "Godkännande:" in summary
    name = render_to_string("_field.html", {"field": form["name"]})
    assert 'aria-describedby="id_name_helptext id_name_error"' in name
    assert 'id="id_name_error"' in name and "has-error" in name
    kind = render_to_string("_field.html", {"field": form["kind"]})
    assert "<fieldset" in kind and "<legend" in kind
    agree = render_to_string("_field.html", {"field": form["agree"]})
    assert "checkbox-field" in agree
