"""The operators' back office for the catalogue: files with their history, controls,
the funder's refusal, service fait validated by hand (each through the state machine);
invoices, marked paid by hand when the accounting system confirms a transfer."""

from django.contrib import admin, messages
from django.utils import timezone

from passeport.journal.actors import Actor, ActorKind

from . import billing, files
from .enums import FileState, ReasonCode
from .models import FileTransition, Invoice, Payment, Training, TrainingFile, WebhookDelivery


def _operator(request) -> Actor:
    user = request.user
    return Actor(ActorKind.OPERATOR, str(user.public_id), user.get_full_name() or user.username)


class TransitionInline(admin.TabularInline):
    model = FileTransition
    extra = 0
    can_delete = False
    fields = ("at", "from_state", "to_state", "actor_label", "reason_code", "detail")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def _each(request, queryset, change, done: str):
    count = 0
    for file in queryset:
        try:
            change(file)
            count += 1
        except files.FileError as error:
            messages.error(request, f"{file.reference} : {error.message}")
    if count:
        messages.success(request, f"{count} dossier(s) : {done}.")


@admin.register(TrainingFile)
class TrainingFileAdmin(admin.ModelAdmin):
    list_display = ("reference", "state", "act_before", "under_control", "billing", "provider")
    list_filter = ("state", "under_control", "billing")
    search_fields = ("reference",)
    inlines = [TransitionInline]
    actions = ["open_control", "lift_control", "validate_service_done", "refuse_by_funder"]
    readonly_fields = [field.name for field in TrainingFile._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Ouvrir un contrôle")
    def open_control(self, request, queryset):
        actor = _operator(request)
        _each(
            request,
            queryset,
            lambda f: files.set_control(f, actor=actor, opened=True),
            "contrôle ouvert",
        )

    @admin.action(description="Lever le contrôle")
    def lift_control(self, request, queryset):
        actor = _operator(request)
        _each(
            request,
            queryset,
            lambda f: files.set_control(f, actor=actor, opened=False),
            "contrôle levé",
        )

    @admin.action(description="Valider le service fait")
    def validate_service_done(self, request, queryset):
        actor = _operator(request)
        _each(
            request,
            queryset,
            lambda f: files.validate_service_done(f, actor=actor),
            "service fait validé",
        )

    @admin.action(description="Refuser ou annuler (financeur, contrôle)")
    def refuse_by_funder(self, request, queryset):
        actor = _operator(request)

        def change(file):
            to_state = (
                FileState.CANCELED_BY_FUNDER
                if file.state == FileState.ACCEPTED
                else FileState.REFUSED_BY_FUNDER
            )
            files.end(file, to_state, actor=actor, reason=ReasonCode.FUNDER_CONTROL)

        _each(request, queryset, change, "refusé ou annulé par le financeur")


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ("title", "provider", "certification_code", "updated_at")
    search_fields = ("title", "provider_ref", "certification_code")
    raw_id_fields = ("provider", "fiche")


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("public_id", "file", "amount_cents", "state", "created_at")
    list_filter = ("state",)
    readonly_fields = [field.name for field in Payment._meta.fields]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event_id", "webhook", "attempts", "delivered_at", "last_error")
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ("number", "provider", "file", "amount_cents", "due_on", "paid_on")
    list_filter = (("paid_on", admin.EmptyFieldListFilter),)
    search_fields = ("number", "file__reference", "payment_reference")
    actions = ["mark_paid"]
    readonly_fields = [field.name for field in Invoice._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Marquer comme payée (virement reçu aujourd'hui)")
    def mark_paid(self, request, queryset):
        actor = _operator(request)
        today = timezone.localdate()
        count = 0
        for invoice in queryset.filter(paid_on__isnull=True):
            try:
                billing.pay(invoice, actor=actor, on=today)
                count += 1
            except files.FileError as error:
                messages.error(request, f"{invoice.number} : {error.message}")
        if count:
            messages.success(request, f"{count} facture(s) marquée(s) payée(s).")
