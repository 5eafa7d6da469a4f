"""Cheap opportunistic housekeeping: run a cleanup at most once per interval, whichever
request comes first (the daily `purge_expired` command does it in any case)."""

from django.conf import settings
from django.core.cache import cache


def due(name: str, seconds: int | None = None) -> bool:
    """True at most once per `seconds` (settings.PURGE_EXPIRED_INTERVAL by default) across
    the processes sharing the cache: `cache.add` only succeeds when the key is absent."""
    seconds = settings.PURGE_EXPIRED_INTERVAL if seconds is None else seconds
    if seconds <= 0:
        return False
    return cache.add(f"housekeeping:{name}", 1, seconds)
