"""Operators' view of the queue: what waits (read from the queue), what runs, what
failed (from `TaskRun`), a retry for failed or interrupted tasks and a "run now" for the
periodic jobs."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from . import recording, services
from .models import TaskRun


@admin.register(TaskRun)
class TaskRunAdmin(admin.ModelAdmin):
    list_display = ("label", "status", "attempts", "started_at", "finished_at", "worker")
    list_filter = ("status", "name")
    search_fields = ("task_id", "name")
    ordering = ("-started_at", "-pk")
    actions = ("retry_selected",)
    readonly_fields = [field.name for field in TaskRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="tâche", ordering="name")
    def label(self, run):
        return run.label

    @admin.action(description="Relancer les tâches sélectionnées (en échec ou interrompues)")
    def retry_selected(self, request, queryset):
        retried, refused = 0, []
        for run in queryset:
            try:
                services.retry(run)
                retried += 1
            except services.RetryRefused as refusal:
                refused.append(f"{run.label} : {refusal}")
        if retried:
            self.message_user(request, f"{retried} tâche(s) relancée(s).", messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.WARNING)

    def get_urls(self):
        return [
            path(
                "lancer/",
                self.admin_site.admin_view(require_POST(self.run_now_view)),
                name="jobs_taskrun_run_now",
            ),
            *super().get_urls(),
        ]

    def run_now_view(self, request):
        if not self.has_view_permission(request) or not request.user.is_superuser:
            return HttpResponseRedirect(reverse("admin:jobs_taskrun_changelist"))
        name = request.POST.get("name", "")
        if name in services.periodic_jobs():
            services.run_now(name)
            self.message_user(request, f"Tâche {name.rsplit('.', 1)[-1]} mise en file.")
        else:
            self.message_user(request, "Tâche inconnue.", messages.ERROR)
        return HttpResponseRedirect(reverse("admin:jobs_taskrun_changelist"))

    def changelist_view(self, request, extra_context=None):
        recording.mark_dead_runs_interrupted()  # this machine's workers that died
        queued, scheduled = services.waiting(limit=50)
        extra_context = {
            **(extra_context or {}),
            "counts": services.counts(),
            "queued": queued,
            "scheduled": scheduled,
            "periodic_jobs": [(name, name.rsplit(".", 1)[-1]) for name in services.periodic_jobs()],
            "can_run_now": request.user.is_superuser,
        }
        return super().changelist_view(request, extra_context)
