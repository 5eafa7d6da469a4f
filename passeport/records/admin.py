from django.contrib import admin

from .models import RECORD_MODELS


class RecordAdmin(admin.ModelAdmin):
    list_display = ("public_id", "__str__", "source_kind", "assurance", "status", "publication")
    list_filter = ("source_kind", "assurance", "status", "publication")
    raw_id_fields = ("person", "declarant")
    readonly_fields = ("public_id", "lineage", "version", "created_at")

    # Records change only through records.services (journaled): read-only here.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


for model in RECORD_MODELS:
    admin.site.register(model, RecordAdmin)
