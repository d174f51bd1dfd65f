from django.contrib import admin

from routing import models


class CaseEventInline(admin.TabularInline):
    model = models.CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor_user", "kind", "from_value", "to_value", "message", "internal"]

    def has_add_permission(self, request, obj=None):
        return False  # events are append-only and written by services


@admin.register(models.Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["reference", "company_name", "county", "status", "deadline_at", "is_test"]
    list_filter = ["status", "county", "is_test"]
    search_fields = ["reference", "company_name", "org_number"]
    raw_id_fields = ["handler", "first_contact_by", "company_user", "municipality"]
    # Written only through Case.decision (routing.decision): never hand-edited.
    readonly_fields = ["routing_decision"]
    inlines = [CaseEventInline]


@admin.register(models.OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["kind", "to", "state", "attempts", "send_after", "sent_at"]
    list_filter = ["state", "kind"]
