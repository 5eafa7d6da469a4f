"""Rate limits (django-ratelimit, counted in the cache) with a French answer."""

from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited


def limited(request, group: str, rate: str, key: str = "ip") -> bool:
    return is_ratelimited(request, group=group, key=key, rate=rate, increment=True)


def ratelimit(group: str, rate_setting: str = "IDENTITY_RATE_LIMIT"):
    """Per-IP limit on a view; over it, a 429 page in French."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if limited(request, group, getattr(settings, rate_setting)):
                response = render(
                    request,
                    "identity/error.html",
                    {
                        "title": "Trop de tentatives",
                        "message": (
                            "Trop de tentatives de connexion depuis votre adresse en peu de "
                            "temps. Patientez une minute, puis réessayez."
                        ),
                        "retry": False,
                    },
                    status=429,
                )
                response["Retry-After"] = "60"
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
