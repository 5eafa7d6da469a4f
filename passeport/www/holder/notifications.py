"""The holder's reminders: trainings that expire soon or have expired, unread first;
read one by one or all at once."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from passeport.followup.models import Notification
from passeport.records.models import PreventionTraining
from passeport.records.timeline import SLUG_BY_MODEL

from .access import holder_required


@require_http_methods(["GET", "POST"])
@holder_required
def notifications(request):
    mine = Notification.objects.filter(person_id=request.user.person_id)
    if request.method == "POST":
        unread = mine.filter(read_at__isnull=True)
        chosen = request.POST.get("notification")
        if chosen:
            unread = unread.filter(reminder__public_id=chosen)
        count = unread.update(read_at=timezone.now())
        if count:
            messages.success(
                request, "Rappel marqué comme lu." if chosen else "Tous vos rappels sont lus."
            )
        return redirect("holder:notifications")
    page = Paginator(
        mine.select_related("reminder").order_by(
            F("read_at").desc(nulls_first=True), "-created_at", "-pk"
        ),
        25,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "holder/notifications.html",
        {
            "page": page,
            "unread": mine.filter(read_at__isnull=True).count(),
            "prevention_slug": SLUG_BY_MODEL[PreventionTraining],
        },
    )
