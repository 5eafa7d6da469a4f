from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "kind", "identity_provider")
    list_filter = ("kind", "identity_provider", "is_staff")
    raw_id_fields = ("person",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Passeport", {"fields": ("kind", "identity_provider", "person")}),
    )
