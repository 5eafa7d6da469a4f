"""The unread reminders badge of the holder's navigation."""

from django import template

from passeport.followup.models import Notification

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    user = getattr(context.get("request"), "user", None)
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return 0
    return Notification.objects.filter(person_id=person_id, read_at__isnull=True).count()
