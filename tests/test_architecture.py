"""The arrows run one way: regions ← routing ← indicators ← privacy | evaluation, the project
package on top.

Python imports are checked by import-linter's contracts in pyproject.toml (the same run as
`lint-imports` in CI). Templates are not Python, so a separate check keeps each app's templates
from naming a tag library, URL or template of an app above it (or beside it).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.template.backends.django import get_installed_libraries
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parent.parent
# An app's layer; apps on the same layer do not know each other. The shared templates/ directory
# belongs to the project package on top.
LAYERS = {"regions": 0, "routing": 1, "indicators": 2, "privacy": 3, "evaluation": 3}


def apps_above(app: str) -> frozenset[str]:
    return frozenset(
        other
        for other, layer in LAYERS.items()
        if layer > LAYERS[app] or (layer == LAYERS[app] and other != app)
    )


LOAD_TAG = re.compile(r"{%\s*load\s+(.+?)\s*%}")
URL_TAG = re.compile(r"""{%\s*url\s+["']([^"']+)["']""")
TEMPLATE_TAG = re.compile(r"""{%\s*(?:include|extends)\s+["']([^"']+)["']""")


def test_import_contracts_are_kept():
    """Fails on an import from a lower layer to a higher one, or a circle inside an app."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _module_app(module: str) -> str:
    return module.split(".", 1)[0]


def _url_names_by_app(patterns, enclosing_app: str = "") -> dict[str, str]:
    """URL name → the app whose URLconf (or, failing that, whose view) declares it."""
    names: dict[str, str] = {}
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            module = pattern.urlconf_name  # a module, its dotted name, or a list of patterns
            if isinstance(module, str | ModuleType):
                enclosing = _module_app(module if isinstance(module, str) else module.__name__)
            else:
                enclosing = enclosing_app
            names.update(_url_names_by_app(pattern.url_patterns, enclosing))
        elif isinstance(pattern, URLPattern) and pattern.name:
            app = enclosing_app
            if app not in LAYERS:
                app = _module_app(pattern.callback.__module__)
            names[pattern.name] = app
    return names


def wrong_way_references(template: str, app: str) -> list[str]:
    """What a template of ``app`` names of the apps above it: tag libraries, URLs, templates."""
    above = apps_above(app)
    libraries = {name: _module_app(module) for name, module in get_installed_libraries().items()}
    url_names = _url_names_by_app(get_resolver().url_patterns)
    found = []
    for load in LOAD_TAG.findall(template):
        tokens = load.split()
        names = tokens[-1:] if "from" in tokens else tokens
        found += [f"{{% load {n} %}}" for n in names if libraries.get(n) in above]
    found += [f"{{% url '{n}' %}}" for n in URL_TAG.findall(template) if url_names.get(n) in above]
    found += [
        f"template {name}"
        for name in TEMPLATE_TAG.findall(template)
        if _module_app(name.replace("/", ".")) in above
    ]
    return found


def test_the_check_sees_each_kind_of_wrong_way_reference():
    template = (
        "{% load i18n indicator_tags %}{% load status_label from cases %}"
        "{% url 'question-form' %}{% url 'activity-list' %}{% url 'centre-list' %}"
        '{% include "indicators/_upcoming_activities.html" %}{% include "regions/_field.html" %}'
    )
    assert wrong_way_references(template, "regions") == [
        "{% load indicator_tags %}",
        "{% load cases %}",
        "{% url 'question-form' %}",
        "{% url 'activity-list' %}",
        "template indicators/_upcoming_activities.html",
    ]


@pytest.mark.parametrize("app", sorted(LAYERS))
def test_templates_do_not_name_the_apps_above(app):
    """A lower app offers extension points (e.g. regions.extensions) instead of naming a higher
    one: no {% load %} of its tags, no {% url %} of its pages, no include of its templates."""
    problems = {
        str(path.relative_to(ROOT)): refs
        for path in sorted((ROOT / app / "templates").rglob("*.html"))
        if (refs := wrong_way_references(path.read_text(), app))
    }
    assert problems == {}
