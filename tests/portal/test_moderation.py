"""Operators edit in Wagtail's admin: editors write and submit, moderators approve and
publish; revisions are kept; nobody else gets into the admin."""

from django.test import Client

from passeport.portal.models import ContentPage
from tests.factories import UserFactory


def test_editor_submits_and_moderator_publishes(portal, editor, moderator):
    page = ContentPage.objects.get(portal_key="employeurs")
    assert not page.permissions_for_user(editor).can_publish()
    assert page.permissions_for_user(moderator).can_publish()

    page.title = "Employeurs : nouvelles obligations"
    revision = page.save_revision(user=editor)
    workflow_state = page.get_workflow().start(page, editor)
    assert Client().get(page.url).content.decode().count("nouvelles obligations") == 0

    task_state = workflow_state.current_task_state
    assert task_state.task.specific.user_can_access_editor(page, moderator)
    task_state.task.specific.on_action(task_state, moderator, "approve")

    page.refresh_from_db()
    assert page.live_revision_id == revision.pk
    assert page.title == "Employeurs : nouvelles obligations"
    assert page.revisions.count() >= 2  # the initial one and the approved one


def test_moderator_may_ask_for_changes(portal, editor, moderator):
    page = ContentPage.objects.get(portal_key="certificateurs")
    page.title = "À revoir"
    page.save_revision(user=editor)
    workflow_state = page.get_workflow().start(page, editor)
    task_state = workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, moderator, "reject")
    page.refresh_from_db()
    assert page.title == "Certificateurs"
    assert page.get_latest_revision().as_object().title == "À revoir"


def test_scheduled_publication(portal, moderator):
    import datetime

    from django.utils import timezone

    page = ContentPage.objects.get(portal_key="financeurs")
    page.title = "Financeurs (programmé)"
    page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision = page.save_revision(user=moderator)
    revision.publish(user=moderator)
    page.refresh_from_db()
    assert page.title == "Financeurs"  # the live version stays until then
    revision.refresh_from_db()
    assert revision.approved_go_live_at == page.go_live_at or revision.approved_go_live_at
    assert page.scheduled_revision == revision


def test_admin_is_for_operators_only(portal, editor):
    client = Client()
    response = client.get("/admin-portail/")
    assert response.status_code == 302 and "/identity/connexion/" in response["Location"]

    client.force_login(UserFactory(holder=True))
    response = client.get("/admin-portail/")
    assert response.status_code == 302

    client.force_login(editor)
    assert client.get("/admin-portail/").status_code == 200
    page = ContentPage.objects.get(portal_key="titulaires")
    response = client.get(f"/admin-portail/pages/{page.pk}/edit/")
    assert response.status_code == 200
    assert "Soumettre" in response.content.decode() or "Submit" in response.content.decode()


def test_operators_login_link_keeps_the_destination(portal):
    response = Client().get("/identity/connexion/", {"next": "/admin-portail/"})
    assert "/admin/login/?next=/admin-portail/" in response.content.decode()
