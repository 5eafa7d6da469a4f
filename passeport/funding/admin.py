"""Operators act here: approve, refuse or end a funder's convention; confirm that a
credit order's transfer is received (its lines are then credited); import a bank
statement; look at rules, envelopes and commitments (changed only by the funders)."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.urls import path

from passeport.journal.actors import Actor
from passeport.prevention.import_limits import FileRejected

from . import statements
from .enums import ConventionStatus
from .lifecycle import TransitionError, decide_convention
from .models import (
    Commitment,
    Convention,
    ConventionTransition,
    CreditOrder,
    Envelope,
    OrderTransition,
    Rule,
    RuleTransition,
)
from .orders import SYNC_LINES, cancel_order, confirm_payment


def _actor(request) -> Actor:
    return Actor.for_user(request.user)


class ConventionTransitionInline(admin.TabularInline):
    model = ConventionTransition
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "actor_label", "note", "at")

    def has_add_permission(self, request, obj=None):
        return False


class ConventionDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label="Décision",
        required=False,
        choices=[
            ("", "—"),
            (ConventionStatus.APPROVED, "Approuver"),
            (ConventionStatus.REFUSED, "Refuser (motif obligatoire)"),
            (ConventionStatus.ENDED, "Terminer"),
        ],
    )
    note = forms.CharField(label="Motif", required=False, widget=forms.Textarea)

    class Meta:
        model = Convention
        fields = ("funder", "title", "starts_on", "ends_on")


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    form = ConventionDecisionForm
    list_display = ("title", "funder", "status", "starts_on", "created_at")
    list_filter = ("status",)
    search_fields = ("title", "funder__name", "funder__siret")
    raw_id_fields = ("funder",)
    readonly_fields = ("status", "reason", "decided_at")
    inlines = [ConventionTransitionInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.status = ConventionStatus.SUBMITTED
        super().save_model(request, obj, form, change)
        if not change:
            ConventionTransition.objects.create(
                convention=obj, to_status=obj.status, actor_label=request.user.get_username()
            )
        decision = form.cleaned_data.get("decision")
        if decision:
            try:
                decide_convention(
                    obj, decision, actor=_actor(request), note=form.cleaned_data.get("note", "")
                )
            except TransitionError as error:
                messages.error(request, error.message)


class OrderTransitionInline(admin.TabularInline):
    model = OrderTransition
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "actor_label", "note", "at")

    def has_add_permission(self, request, obj=None):
        return False


class StatementForm(forms.Form):
    file = forms.FileField(label="Relevé bancaire (CSV « date;libelle;montant »)")


@admin.register(CreditOrder)
class CreditOrderAdmin(admin.ModelAdmin):
    list_display = (
        "external_id",
        "funder",
        "kind",
        "transfer_reference",
        "total_cents",
        "line_count",
        "status",
        "created_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("external_id", "transfer_reference", "funder__name")
    actions = ["confirm_transfer", "cancel"]
    inlines = [OrderTransitionInline]
    exclude = ("funder",)
    readonly_fields = (
        "funder_name",
        "external_id",
        "kind",
        "transfer_reference",
        "status",
        "channel",
        "restricted",
        "ends_on",
        "total_cents",
        "line_count",
        "credited_at",
    )

    @admin.display(description="financeur")
    def funder_name(self, obj):
        return obj.funder.name

    def has_add_permission(self, request):
        return False

    @admin.action(description="Virement reçu : créditer les comptes des titulaires")
    def confirm_transfer(self, request, queryset):
        credited = 0
        for order in queryset.order_by("pk"):
            try:
                big = order.line_count > SYNC_LINES  # credited by a worker after commit
                credited += confirm_payment(
                    order, actor=_actor(request), note="Confirmé en admin.", now=not big
                )
                if big:
                    messages.info(
                        request, f"{order.external_id} : les lignes sont créditées en arrière-plan."
                    )
            except TransitionError as error:
                messages.error(request, f"{order.external_id} : {error.message}")
        messages.success(request, f"{credited} ligne(s) créditée(s).")

    @admin.action(description="Annuler (virement jamais reçu)")
    def cancel(self, request, queryset):
        for order in queryset.order_by("pk"):
            try:
                cancel_order(order, actor=_actor(request), note="Annulée en admin.")
            except TransitionError as error:
                messages.error(request, f"{order.external_id} : {error.message}")

    def get_urls(self):
        extra = [
            path(
                "releve/",
                self.admin_site.admin_view(self.statement_view),
                name="funding_statement",
            ),
        ]
        return extra + super().get_urls()

    def statement_view(self, request):
        form = StatementForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = statements.import_statement(
                    upload.read(), upload.name, actor=_actor(request)
                )
            except FileRejected as error:
                messages.error(request, error.message)
        context = {**self.admin_site.each_context(request), "form": form, "report": report}
        return render(request, "admin/funding/statement.html", context)


class RuleTransitionInline(admin.TabularInline):
    model = RuleTransition
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "actor_label", "note", "at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("name", "funder", "status", "starts_on", "ends_on")
    list_filter = ("status",)
    search_fields = ("name", "funder__name")
    inlines = [RuleTransitionInline]

    def has_change_permission(self, request, obj=None):
        return False  # rules are the funder's; operators read them

    def has_add_permission(self, request):
        return False


@admin.register(Envelope)
class EnvelopeAdmin(admin.ModelAdmin):
    list_display = ("name", "funder", "budget_cents", "committed_cents", "consumed_cents")
    search_fields = ("name", "funder__name")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ("file_reference", "rule", "amount_cents", "consumed_cents", "status")
    list_filter = ("status",)
    search_fields = ("file_reference",)
    exclude = ("person",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
