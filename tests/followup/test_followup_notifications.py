"""The holder's reminders page and navigation badge."""

import datetime

import pytest

from passeport.followup.models import Notification
from passeport.followup.reminders import send_reminders
from passeport.users.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = datetime.timedelta
URL = "/mon-espace/rappels/"


@pytest.fixture
def reminded(make_employee, training, day):
    person = make_employee("none")
    training(person, valid_until=day + D(30), title="SST à renouveler")
    training(person, valid_until=day - D(2), kind="AIPR", title="AIPR échue")
    send_reminders(day)
    return User.objects.get(person=person)


def test_anonymous_and_professionals_cannot_open_it(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


def test_holder_sees_reminders_unread_first_and_marks_them_read(client, reminded):
    client.force_login(reminded)
    page = client.get(URL).content.decode()
    assert "« SST à renouveler » arrive à échéance le" in page
    assert "« AIPR échue » n&#x27;est plus valable depuis le" in page
    assert "Mes rappels" in page and 'fr-badge--new fr-ml-1v">2' in page
    chosen = Notification.objects.get(reminder__training_title="AIPR échue").reminder
    response = client.post(URL, {"notification": str(chosen.public_id)})
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert page.index("SST à renouveler") < page.index("AIPR échue")  # unread first
    assert 'fr-badge--new fr-ml-1v">1' in page
    client.post(URL)
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "fr-ml-1v" not in client.get("/mon-espace/prevention/").content.decode()


def test_another_holder_cannot_read_or_mark_them(client, reminded):
    other = UserFactory(holder=True)
    client.force_login(other)
    assert "SST à renouveler" not in client.get(URL).content.decode()
    chosen = Notification.objects.first().reminder
    client.post(URL, {"notification": str(chosen.public_id)})
    client.post(URL)
    assert Notification.objects.filter(read_at__isnull=True).count() == 2


def test_a_reminder_leads_to_its_training(client, reminded, django_capture_on_commit_callbacks):
    """On the page and in the e-mail, the reminder links to the training's own page."""
    from django.core import mail

    from passeport.records.models import PreventionTraining

    client.force_login(reminded)
    page = client.get(URL).content.decode()
    sst = PreventionTraining.objects.get(title="SST à renouveler")
    entry_url = f"/mon-espace/entrees/prevention/{sst.public_id}/"
    assert f'href="{entry_url}"' in page
    assert client.get(entry_url).status_code == 200

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(sst.valid_until)  # the expiry milestone: a new reminder, a new e-mail
    holder_mails = [m for m in mail.outbox if m.to == [reminded.email]]
    assert holder_mails and entry_url in holder_mails[-1].body
