from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from regions import models
from regions.access import email_verified
from regions.catalogue import catalogue_changed


class CatalogueAdmin(admin.ModelAdmin):
    """Reference data that routing keeps per process: every write tells it to rebuild."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # after the row and its m2m
        catalogue_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        catalogue_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        catalogue_changed()


@admin.register(models.County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "slug"]
    search_fields = ["name", "code"]


@admin.register(models.Municipality)
class MunicipalityAdmin(CatalogueAdmin):
    list_display = ["code", "short_name", "county"]
    list_filter = ["county"]
    search_fields = ["name", "code"]


@admin.register(models.PostalCode)
class PostalCodeAdmin(CatalogueAdmin):
    list_display = ["code", "locality", "municipality"]
    search_fields = ["code", "locality"]
    raw_id_fields = ["municipality"]


@admin.register(models.Topic)
class TopicAdmin(CatalogueAdmin):
    list_display = ["code", "name_sv", "name_en", "sort_order"]


@admin.register(models.ActorType)
class ActorTypeAdmin(CatalogueAdmin):
    list_display = ["code", "name", "is_core_partner", "sort_order"]


@admin.register(models.Actor)
class ActorAdmin(CatalogueAdmin):
    list_display = ["name", "actor_type"]
    list_filter = ["actor_type"]
    search_fields = ["name"]


@admin.register(models.Office)
class OfficeAdmin(CatalogueAdmin):
    list_display = ["name", "actor", "home_county", "is_national"]
    list_filter = ["actor__actor_type", "home_county"]
    filter_horizontal = ["counties_served"]
    search_fields = ["name"]


@admin.register(models.ExportCentre)
class ExportCentreAdmin(CatalogueAdmin):
    list_display = ["name", "county", "front_door_actor"]
    filter_horizontal = ["participants"]


@admin.register(models.Service)
class ServiceAdmin(CatalogueAdmin):
    list_display = ["title", "actor", "is_free", "is_active", "reviewed_at"]
    list_filter = ["actor__actor_type", "is_active", "topics"]
    filter_horizontal = ["topics", "counties"]
    search_fields = ["title", "description"]


class StaffProfileForm(forms.ModelForm):
    class Meta:
        model = models.StaffProfile
        fields = ["user", "role", "office", "county", "is_available", "away_until"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        if user is not None and not email_verified(user):
            raise forms.ValidationError(
                _(
                    "Kontot har ingen bekräftad e-postadress. Personen bekräftar sin adress "
                    "först; sedan kan kontot bli personal."
                )
            )
        return user


@admin.register(models.StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    form = StaffProfileForm
    list_display = ["user", "role", "office", "county", "is_available"]
    list_filter = ["role", "county"]
    raw_id_fields = ["user"]
