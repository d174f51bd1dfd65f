from django.contrib import admin

from regions import models


@admin.register(models.County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "slug"]
    search_fields = ["name", "code"]


@admin.register(models.Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "county"]
    list_filter = ["county"]
    search_fields = ["name", "code"]


@admin.register(models.PostalCode)
class PostalCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "locality", "municipality"]
    search_fields = ["code", "locality"]
    raw_id_fields = ["municipality"]


@admin.register(models.Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["code", "name_sv", "name_en", "sort_order"]


@admin.register(models.ActorType)
class ActorTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_core_partner", "sort_order"]


@admin.register(models.Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "actor_type"]
    list_filter = ["actor_type"]
    search_fields = ["name"]


@admin.register(models.Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "actor", "home_county", "is_national"]
    list_filter = ["actor__actor_type", "home_county"]
    filter_horizontal = ["counties_served"]
    search_fields = ["name"]


@admin.register(models.ExportCentre)
class ExportCentreAdmin(admin.ModelAdmin):
    list_display = ["name", "county", "front_door_actor"]
    filter_horizontal = ["participants"]


@admin.register(models.Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["title", "actor", "is_free", "is_active", "reviewed_at"]
    list_filter = ["actor__actor_type", "is_active", "topics"]
    filter_horizontal = ["topics", "counties"]
    search_fields = ["title", "description"]


@admin.register(models.StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "office", "county", "is_available"]
    list_filter = ["role", "county"]
    raw_id_fields = ["user"]
