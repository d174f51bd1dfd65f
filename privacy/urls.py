from __future__ import annotations

from django.urls import path

from privacy import views

urlpatterns = [
    path("personuppgifter/sok/", views.personal_data_search, name="privacy-search"),
    path("personuppgifter/radera/", views.personal_data_erase, name="privacy-erase"),
    path("personuppgifter/register/", views.processing_register, name="privacy-register"),
]
