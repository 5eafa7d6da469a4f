from django.contrib import admin

from .models import JournalEntry


@admin.register(JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    list_display = ("seq", "occurred_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action", "actor_kind")
    search_fields = ("object_id", "actor_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
