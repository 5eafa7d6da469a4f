"""Sets the portal up: its home as the Wagtail site's root, the initial pages, the
moderation workflow on every portal page, and (embedded default only) two demo operator
accounts. Idempotent: a page is found by its `portal_key`; one that exists is left as
operators made it (never overwritten, never duplicated)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from passeport.users.enums import IdentityProvider, UserKind

from . import content, models

EDITORS, MODERATORS = "Editors", "Moderators"
DEMO_OPERATORS = {
    # username: (first name, last name, group)
    "redaction-portail": ("Rémi", "Rédacteur", EDITORS),
    "moderation-portail": ("Mona", "Modératrice", MODERATORS),
}
DEMO_PASSWORD = "portail-demo"  # noqa: S105 (embedded default only: make run, never production)


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    operators: list[str] = field(default_factory=list)


def _find(key: str):
    for model in (
        models.PortalHomePage,
        models.ContentPage,
        models.RiskFamilyPage,
        models.NewsIndexPage,
        models.NewsPage,
        models.FicheIndexPage,
    ):
        page = model.objects.filter(portal_key=key).first()
        if page is not None:
            return page
    return None


def _stream(body: list, pages: dict) -> list:
    """The spec's body as StreamField raw data; tiles naming a portal page by key get it."""
    stream = []
    for block_type, value in body:
        if block_type == "tiles":
            value = [
                {
                    "title": tile["title"],
                    "text": tile["text"],
                    "service": tile["service"],
                    "url": tile["url"],
                    "page": pages[tile["page_key"]].pk if tile["page_key"] in pages else None,
                }
                for tile in value
            ]
        stream.append({"type": block_type, "value": value})
    return stream


def _links_pages(spec: content.Spec) -> bool:
    return any(
        tile["page_key"]
        for block_type, value in spec.body
        if block_type == "tiles"
        for tile in value
    )


def _build(spec: content.Spec, pages: dict):
    model = getattr(models, spec.model)
    page = model(
        title=spec.title,
        slug=spec.slug,
        portal_key=spec.key,
        intro=spec.intro,
        search_description=spec.search_description,
        show_in_menus=spec.in_menu,
        **spec.extra,
    )
    page.body = _stream(spec.body, pages)
    return page


def _publish(page) -> None:
    revision = page.save_revision(log_action=True)
    revision.publish()


def _site_root(home) -> None:
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()


def _remove_welcome_page() -> None:
    """Wagtail's own "Welcome" page (its first migration's), once the portal is the site."""
    Page.objects.filter(
        depth=2, slug="home", numchild=0, content_type__app_label="wagtailcore"
    ).delete()


def _root() -> Page:
    """Wagtail's tree root and default locale (made by its migrations; made again on a
    flushed database)."""
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", live=True))
    return root


def _groups(home) -> dict[str, Group]:
    """Wagtail's two roles, with their rights on the portal: editors write and submit,
    moderators also publish (and lock); both may open the admin."""
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    codenames = {
        EDITORS: ("add_page", "change_page"),
        MODERATORS: ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
    }
    groups = {}
    for name, wanted in codenames.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(access)
        for permission in Permission.objects.filter(
            content_type__app_label="wagtailcore", content_type__model="page", codename__in=wanted
        ).order_by("pk"):
            GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)
        groups[name] = group
    return groups


def _workflow(home, moderators: Group) -> None:
    """Every portal page goes through moderation: an editor submits, a moderator approves
    (and publishes) or asks for changes."""
    existing = WorkflowPage.objects.filter(page=home).select_related("workflow").first()
    if existing is not None:
        return
    workflow = Workflow.objects.filter(name="Modération du portail").first()
    if workflow is None:
        workflow = Workflow.objects.create(name="Modération du portail", active=True)
        task = GroupApprovalTask.objects.create(name="Validation par un modérateur")
        task.groups.set([moderators])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(page=home, workflow=workflow)


def _demo_operators(report: Report) -> None:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    for username, (first_name, last_name, group_name) in DEMO_OPERATORS.items():
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "kind": UserKind.OPERATOR,
                "identity_provider": IdentityProvider.DJANGO,
                "is_staff": True,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            report.operators.append(username)
        group = Group.objects.filter(name=group_name).first()
        if group is not None:
            user.groups.add(group)


@transaction.atomic
def setup_portal(*, demo_operators: bool = False) -> Report:
    report = Report()
    specs = content.all_specs()
    pages = {}
    home_spec = next(spec for spec in specs if spec.key == "portail")
    home = _find("portail")
    if home is None:
        home = _root().add_child(instance=_build(home_spec, {}))
        report.created.append(home_spec.key)
    else:
        report.kept.append(home_spec.key)
    pages["portail"] = home
    for spec in specs:
        if spec is home_spec:
            continue
        page = _find(spec.key)
        if page is None:
            parent = pages.get(spec.parent) or _find(spec.parent)
            page = parent.add_child(instance=_build(spec, pages))
            if not _links_pages(spec):
                _publish(page)
            report.created.append(spec.key)
        else:
            report.kept.append(spec.key)
        pages[spec.key] = page
    # Tiles lead to pages that may have been created after theirs: a second revision.
    for spec in specs:
        if spec.key in report.created and _links_pages(spec):
            page = pages[spec.key]
            page.body = _stream(spec.body, pages)
            _publish(page)
    _site_root(home)
    _remove_welcome_page()
    groups = _groups(home)
    _workflow(home, groups[MODERATORS])
    if demo_operators:
        _demo_operators(report)
    return report
