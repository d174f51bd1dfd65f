"""Public intake pages and the rules pages of coordinators and national staff."""

from __future__ import annotations

from django.urls import path

from routing import views_public, views_rules

urlpatterns = [
    path("fraga/", views_public.question_form, name="question-form"),
    path("fraga/lan/", views_public.county_preview, name="question-county-preview"),
    path("fraga/kvitto/<str:reference>/", views_public.question_receipt, name="question-receipt"),
    path("fraga/status/<str:token>/", views_public.case_status, name="case-status"),
    path("vagledning/regler/", views_rules.rules_list, name="rules-list"),
    path("vagledning/regler/ny/<str:scope_code>/", views_rules.rule_create, name="rule-create"),
    path("vagledning/regler/<int:pk>/", views_rules.rule_edit, name="rule-edit"),
    path("vagledning/regler/<int:pk>/ta-bort/", views_rules.rule_delete, name="rule-delete"),
    path("vagledning/andringar/<int:pk>/", views_rules.rule_change, name="rule-change"),
    path("vagledning/modell/", views_rules.router_settings_page, name="router-settings"),
    path("vagledning/simulator/", views_rules.routing_simulator, name="routing-simulator"),
    path(
        "vagledning/exempel/<str:county_code>/ny/",
        views_rules.example_create,
        name="example-create",
    ),
    path(
        "vagledning/exempel/<str:county_code>/kor-om/",
        views_rules.examples_rerun,
        name="examples-rerun",
    ),
    path("vagledning/exempel/<int:pk>/ta-bort/", views_rules.example_delete, name="example-delete"),
]
