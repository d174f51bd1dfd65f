"""The Django admin for routing: a window onto cases and mail, not a way around the services.

Cases and their events change only through ``routing.services`` (which lock the row, check the
transition and append exactly one event), so here they are read-only and cannot be deleted.
Outbox bodies carry status links — credentials to a company's case — so the admin never shows
them.
"""

from __future__ import annotations

from django.contrib import admin

from routing import models


class ReadOnlyAdminMixin:
    """View, never add, change or delete: the history stays what the services wrote."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CaseEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = models.CaseEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "at",
        "actor_user",
        "kind",
        "from_value",
        "to_value",
        "message",
        "internal",
    ]


@admin.register(models.Case)
class CaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "company_name", "county", "status", "deadline_at", "is_test"]
    list_filter = ["status", "county", "is_test"]
    search_fields = ["reference", "company_name", "org_number"]
    inlines = [CaseEventInline]


@admin.register(models.CaseEvent)
class CaseEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "at", "kind", "actor_user"]
    list_filter = ["kind"]
    search_fields = ["case__reference"]
    list_select_related = ["case", "actor_user"]


@admin.register(models.OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "to", "state", "attempts", "send_after", "sent_at"]
    list_filter = ["state", "kind"]
    # The bodies hold status links (a company's key to its case): never on screen here.
    fields = [
        "kind",
        "to",
        "subject",
        "language",
        "case",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "send_after",
        "sent_at",
    ]
    search_fields = ["to", "case__reference"]
