from django.urls import path

from routing import views_registration, views_staff

urlpatterns = [
    path("handlaggare/", views_staff.handler_inbox, name="handler-inbox"),
    path("samordnare/arenden/", views_staff.coordinator_cases, name="coordinator-cases"),
    path("samordnare/triage/", views_staff.coordinator_triage, name="coordinator-triage"),
    path("samordnare/forsenade/", views_staff.coordinator_overdue, name="coordinator-overdue"),
    path("nationellt/forsenade/", views_staff.national_overdue, name="national-overdue"),
    path("registrera-fraga/", views_registration.register_question, name="case-register"),
    path("arenden/<str:reference>/", views_staff.case_detail, name="case-detail"),
    path(
        "arenden/<str:reference>/<slug:action>/",
        views_staff.case_action,
        name="case-action",
    ),
]
