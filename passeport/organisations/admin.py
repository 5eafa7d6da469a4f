from django.contrib import admin

from .models import Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    raw_id_fields = ("user", "invited_by")
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "siret",
        "naf_code",
        "is_employer",
        "is_training_provider",
        "is_certifier",
    )
    list_filter = ("is_employer", "is_training_provider", "is_certifier", "is_funder")
    search_fields = ("name", "siret", "siren")
    inlines = [MembershipInline]
