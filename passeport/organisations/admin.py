from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

from passeport.identity import registration

from .models import (
    Membership,
    Organisation,
    RegistrationRequest,
    RegistrationStatus,
    RegistrationTransition,
)


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


class DecisionForm(forms.ModelForm):
    """The operator's decision: approve, or refuse with a reason the requester reads."""

    decision = forms.ChoiceField(
        label="Décision",
        choices=[("", "—"), ("approve", "Accepter"), ("refuse", "Refuser")],
        required=False,
    )

    class Meta:
        model = RegistrationRequest
        fields = ("reason",)


@admin.register(RegistrationRequest)
class RegistrationRequestAdmin(admin.ModelAdmin):
    """Pending requests first; a request is decided once (accepted: the organisation and the
    requester's administrator account are created; refused: with a reason, by e-mail)."""

    form = DecisionForm
    list_display = ("name", "siret", "kind_list", "email", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "siret", "email")
    ordering = ("status", "-created_at")
    readonly_fields = (
        "siret",
        "name",
        "kind_list",
        "nda_number",
        "certifier_id_client",
        "message",
        "first_name",
        "last_name",
        "email",
        "status",
        "organisation",
        "created_at",
        "decided_at",
        "history",
    )
    fields = (*readonly_fields, "decision", "reason")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="historique")
    def history(self, request_row):
        return format_html_join(
            mark_safe("<br>"),
            "{} : {} → {} ({}) {}",
            (
                (
                    localtime(step.at).strftime("%d/%m/%Y %H:%M"),
                    RegistrationStatus(step.from_status).label if step.from_status else "—",
                    step.get_to_status_display(),
                    step.actor_label,
                    step.note,
                )
                for step in RegistrationTransition.objects.filter(request=request_row)
            ),
        )

    @admin.display(description="rôles demandés")
    def kind_list(self, request_row):
        return ", ".join(request_row.kind_labels)

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        try:
            if decision == "approve":
                registration.approve(obj, operator=request.user)
                self.message_user(request, f"{obj.name} est inscrite ; le demandeur est prévenu.")
            elif decision == "refuse":
                registration.refuse(obj, operator=request.user, reason=obj.reason)
                self.message_user(request, "Demande refusée ; le demandeur est prévenu.")
        except registration.RegistrationRefused as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
