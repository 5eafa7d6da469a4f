"""The portal's initial content, created by `manage.py setup_portal` (idempotent: a page
whose key exists is never touched again, so operators' edits stay). Written from
`docs/domain.md` of the shared documentation; each rule names its text.

A page is a `Spec`; its body is a list of (block type, value) in the portal's StreamField
blocks (`portal.blocks`)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Spec:
    key: str
    model: str
    slug: str
    title: str
    intro: str = ""
    body: list = field(default_factory=list)
    parent: str = "portail"
    in_menu: bool = False
    search_description: str = ""
    extra: dict = field(default_factory=dict)


def ref(label: str, url: str = "") -> dict:
    return {"label": label, "url": url}


def tile(title: str, text: str = "", *, service: str = "", url: str = "", page: str = "") -> dict:
    """A tile to a service route, an outside address, or a portal page by its key."""
    return {"title": title, "text": text, "service": service, "url": url, "page_key": page}


def faq(title: str, *pairs: tuple[str, str]) -> tuple:
    return (
        "accordions",
        {"title": title, "items": [{"question": q, "answer": a} for q, a in pairs]},
    )


def all_specs() -> list[Spec]:
    from . import actors, families, faq_news, holders

    return [
        *holders.SPECS,
        *actors.SPECS,
        *families.SPECS,
        *faq_news.SPECS,
    ]
