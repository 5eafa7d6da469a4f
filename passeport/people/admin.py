from django.contrib import admin

from .models import Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    # Never the NIR, not even encrypted: the admin list and form show identity only.
    list_display = ("public_id", "birth_name", "first_names", "birth_year", "cpf_activated_at")
    search_fields = ("birth_name", "usage_name", "public_id")
    exclude = ("nir_hash", "nir_encrypted")
    readonly_fields = ("public_id", "created_at")
