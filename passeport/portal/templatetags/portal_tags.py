from django import template

from passeport.portal import links

register = template.Library()


@register.simple_tag
def portal_menu() -> list[dict]:
    """The portal's sections (its home's children shown in menus), cached."""
    return links.menu()


@register.simple_tag
def portal_url(portal_key: str) -> str:
    """The address of the portal page with this key, or "" (no such page published)."""
    return links.page_url(portal_key)


@register.simple_tag
def family_url(family: str) -> str:
    return links.family_url(family)


@register.simple_tag(takes_context=True)
def portal_nav_current(context) -> str:
    """Which entry of the main menu the page belongs to: "portal", "search",
    "eligibility", "simulator" or "" (error pages have no resolved route)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match is not None else ""
    return {
        "wagtail_serve": "portal",
        "search": "search",
        "prevention_eligibility": "eligibility",
        "cpf_simulator": "simulator",
    }.get(name, "")
