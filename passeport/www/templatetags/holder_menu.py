"""The unread badges of the holder's navigation: reminders (`followup.Notification`) and
news of their CPF training files (`catalog.FileNotice`), counted in one query (the menu is
on every page of the holder's space)."""

from dataclasses import dataclass

from django import template
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from passeport.catalog.models import FileNotice
from passeport.followup.models import Notification
from passeport.people.models import Person

register = template.Library()


@dataclass(frozen=True)
class Unread:
    reminders: int = 0
    files: int = 0


def _count(model):
    unread = (
        model.objects.filter(person_id=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("person_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), Value(0))


@register.simple_tag(takes_context=True)
def holder_unread(context) -> Unread:
    user = getattr(context.get("request"), "user", None)
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return Unread()
    row = (
        Person.objects.filter(pk=person_id)
        .annotate(reminders=_count(Notification), files=_count(FileNotice))
        .values_list("reminders", "files")
        .first()
    )
    return Unread(*row) if row else Unread()
