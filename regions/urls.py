from __future__ import annotations

from django.urls import path

from regions import views

urlpatterns = [
    path("exportcentrum/", views.centre_list, name="centre-list"),
    path("exportcentrum/<slug:slug>/", views.centre_detail, name="centre-detail"),
    path("exportcentrum/<slug:slug>/redigera/", views.centre_edit, name="centre-edit"),
    path(
        "exportcentrum/<slug:slug>/redigera/introduktion/",
        views.centre_edit_introduction,
        name="centre-edit-introduction",
    ),
    path(
        "exportcentrum/<slug:slug>/redigera/introduktion/<int:version_id>/",
        views.centre_preview,
        name="centre-preview",
    ),
    path(
        "exportcentrum/<slug:slug>/redigera/introduktion/<int:version_id>/publicera/",
        views.centre_publish,
        name="centre-publish",
    ),
    path(
        "exportcentrum/<slug:slug>/redigera/aktorer/",
        views.centre_edit_participants,
        name="centre-edit-participants",
    ),
    path(
        "exportcentrum/<slug:slug>/redigera/tjanster/ny/",
        views.centre_service_create,
        name="centre-service-create",
    ),
    path(
        "exportcentrum/<slug:slug>/redigera/tjanster/<int:service_id>/",
        views.centre_service_edit,
        name="centre-service-edit",
    ),
    path(
        "exportcentrum/<slug:slug>/redigera/tjanster/<int:service_id>/avaktivera/",
        views.centre_service_deactivate,
        name="centre-service-deactivate",
    ),
    path(
        "exportcentrum/<slug:slug>/redigera/tjanster/<int:service_id>/aktivera/",
        views.centre_service_activate,
        name="centre-service-activate",
    ),
    path(
        "exportcentrum/<slug:slug>/redigera/tjanster/<int:service_id>/granskad/",
        views.centre_service_reviewed,
        name="centre-service-reviewed",
    ),
    path(
        "exportcentrum/<slug:slug>/redigera/historik/",
        views.centre_history,
        name="centre-history",
    ),
]
