from django.contrib import admin

from passeport.journal.actors import Actor

from . import revocation
from .models import Issuance, IssuerKey, StatusList


@admin.register(IssuerKey)
class IssuerKeyAdmin(admin.ModelAdmin):
    list_display = ["kid", "algorithm", "source", "active", "not_before", "not_after"]
    readonly_fields = [f.name for f in IssuerKey._meta.fields]

    def has_add_permission(self, request):
        return False  # manage.py rotate_issuer_keys

    def has_delete_permission(self, request, obj=None):
        return False  # a published key is never withdrawn: what it signed must verify


@admin.register(StatusList)
class StatusListAdmin(admin.ModelAdmin):
    list_display = ["public_id", "format", "purpose", "size", "allocated", "changed_at"]
    exclude = ["data", "signed"]
    readonly_fields = [f.name for f in StatusList._meta.fields if f.name not in {"data", "signed"}]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description="Suspendre les attestations choisies")
def suspend(modeladmin, request, queryset):
    actor = Actor.for_user(request.user)
    for issuance in queryset:
        revocation.suspend(issuance, actor=actor, reason="Suspendue par un opérateur")


@admin.action(description="Lever la suspension des attestations choisies")
def reinstate(modeladmin, request, queryset):
    actor = Actor.for_user(request.user)
    for issuance in queryset:
        revocation.reinstate(issuance, actor=actor, reason="Suspension levée par un opérateur")


@admin.register(Issuance)
class IssuanceAdmin(admin.ModelAdmin):
    list_display = ["public_id", "format", "channel", "record_type", "state", "issued_at", "kid"]
    list_filter = ["format", "channel", "state"]
    readonly_fields = [f.name for f in Issuance._meta.fields]
    actions = [suspend, reinstate]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
