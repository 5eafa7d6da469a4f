"""Filters of the orientation pages, cheap enough to run for every item shown."""

import functools
import uuid

from django import template
from django.urls import reverse

register = template.Library()
_SLUG, _ID = "slug-entree", str(uuid.UUID(int=0))


@functools.cache
def _entry_pattern() -> str:
    return reverse("holder:entry", args=[_SLUG, _ID])


@register.filter
def entry_url(evidence) -> str:
    """The holder's page of the entry an evidence comes from: the URL reversed once per
    process, then filled in (hundreds of evidences on a page)."""
    if not evidence.kind_slug or not evidence.public_id:
        return ""
    return _entry_pattern().replace(_SLUG, evidence.kind_slug).replace(_ID, evidence.public_id)
