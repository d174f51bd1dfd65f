"""Public intake pages and the rules pages of coordinators and national staff."""

from __future__ import annotations

from django.urls import path

from routing import views_public as views

urlpatterns = [
    path("fraga/", views.question_form, name="question-form"),
    path("fraga/lan/", views.county_preview, name="question-county-preview"),
    path("fraga/kvitto/<str:reference>/", views.question_receipt, name="question-receipt"),
    path("fraga/status/<str:token>/", views.case_status, name="case-status"),
    path("vagledning/regler/", views.rules_list, name="rules-list"),
    path("vagledning/regler/ny/<str:scope_code>/", views.rule_create, name="rule-create"),
    path("vagledning/regler/<int:pk>/", views.rule_edit, name="rule-edit"),
    path("vagledning/regler/<int:pk>/ta-bort/", views.rule_delete, name="rule-delete"),
    path("vagledning/andringar/<int:pk>/", views.rule_change, name="rule-change"),
    path("vagledning/simulator/", views.routing_simulator, name="routing-simulator"),
    path("vagledning/exempel/<str:county_code>/ny/", views.example_create, name="example-create"),
    path(
        "vagledning/exempel/<str:county_code>/kor-om/", views.examples_rerun, name="examples-rerun"
    ),
    path("vagledning/exempel/<int:pk>/ta-bort/", views.example_delete, name="example-delete"),
]
