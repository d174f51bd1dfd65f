from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from exportcentrum import views

# The admin logs in through allauth like every other staff page: its rate limits and MFA apply
# (django-allauth, "Admin" in its docs); the admin's own password form is never shown.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("tillganglighet/", views.accessibility_statement, name="accessibility"),
    path("personuppgifter/", views.privacy_notice, name="privacy"),
    path("min-sida/", views.dashboard, name="dashboard"),
    path("health/", views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/", include("routing.api_urls")),
    path("api/v1/", include("indicators.api_urls")),
    path("api/docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("regions.urls")),
    path("", include("routing.urls")),
    path("", include("indicators.urls")),
    path("", include("privacy.urls")),
    path("", include("evaluation.urls")),
]

# The designed error pages (JSON under /api/); shown whenever DEBUG is off.
handler400 = "exportcentrum.errors.bad_request"
handler403 = "exportcentrum.errors.permission_denied"
handler404 = "exportcentrum.errors.page_not_found"
handler500 = "exportcentrum.errors.server_error"
