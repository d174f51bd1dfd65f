from django.urls import include, path

urlpatterns = [
    path("", include("routing.urls_public")),  # intake, receipt, status, rules, simulator
    path("", include("routing.urls_staff")),  # inbox, case pages, coordinator views
]
