"""The only way this package talks to identity providers: requests with a timeout on
every call, provider failures turned into ProviderUnavailable (never a traceback)."""

import logging

import requests
from django.conf import settings

from .errors import ProviderUnavailable

logger = logging.getLogger(__name__)
USER_AGENT = "Passeport (relying party)"


def _call(method: str, url: str, **kwargs) -> requests.Response:
    timeout = settings.OIDC_HTTP_TIMEOUT
    try:
        response = requests.request(
            method,
            url,
            timeout=(timeout, timeout),
            allow_redirects=False,
            headers={"User-Agent": USER_AGENT, **kwargs.pop("headers", {})},
            **kwargs,
        )
    except requests.Timeout as error:
        raise ProviderUnavailable(f"timeout after {timeout}s on {method} {url}") from error
    except requests.RequestException as error:
        raise ProviderUnavailable(f"{type(error).__name__} on {method} {url}") from error
    if response.status_code != 200:
        raise ProviderUnavailable(f"HTTP {response.status_code} on {method} {url}")
    return response


def get_json(url: str) -> dict:
    response = _call("GET", url, headers={"Accept": "application/json"})
    return _json(response, url)


def post_form_json(url: str, data: dict, **kwargs) -> dict:
    response = _call("POST", url, data=data, headers={"Accept": "application/json"}, **kwargs)
    return _json(response, url)


def get_jwt(url: str, access_token: str) -> str:
    """A userinfo answer that must be a JWT (signed, or signed then encrypted)."""
    response = _call(
        "GET",
        url,
        headers={"Accept": "application/jwt", "Authorization": f"Bearer {access_token}"},
    )
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    if content_type != "application/jwt":
        raise ProviderUnavailable(f"userinfo answered {content_type or 'no content type'}")
    return response.text.strip()


def _json(response: requests.Response, url: str) -> dict:
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    try:
        if content_type != "application/json":
            raise ValueError(content_type)
        data = response.json()
    except ValueError as error:
        raise ProviderUnavailable(f"non-JSON answer ({content_type}) from {url}") from error
    if not isinstance(data, dict):
        raise ProviderUnavailable(f"unexpected JSON from {url}")
    return data
