"""The holder's navigation counts what is new: unread reminders and news of their CPF
training files (a provider's proposal waits for them), in one query on every page."""

import re

import pytest
from django.urls import reverse

from passeport.catalog.models import FileNotice
from tests.catalog.helpers import offer, provider, validated_file
from tests.cpf.helpers import account_with

pytestmark = pytest.mark.django_db


def _badge(page: str, label: str) -> str:
    link = re.search(rf">{label}(.*?)</a>", page, re.S)
    badge = re.search(r'fr-badge[^>]*>(\d+)<span class="fr-sr-only">([^<]*)<', link.group(1))
    return f"{badge.group(1)}{badge.group(2)}" if badge else ""


def test_news_of_a_training_file_shows_until_the_files_page_is_read(
    holder, holder_client, other_holder
):
    account_with(holder.person, 300_000)
    _, _, session = offer(provider())
    validated_file(holder.person, session)  # the provider's proposal: the holder must act
    unread = FileNotice.objects.filter(person=holder.person, read_at__isnull=True).count()
    assert unread >= 1
    dashboard = holder_client.get(reverse("holder:dashboard")).content.decode()
    expected = f"{unread} nouvelle" + ("s" if unread > 1 else "")
    assert _badge(dashboard, "Mes formations CPF") == expected
    assert _badge(dashboard, "Mes rappels") == ""

    holder_client.get(reverse("holder:training_files"))
    dashboard = holder_client.get(reverse("holder:dashboard")).content.decode()
    assert _badge(dashboard, "Mes formations CPF") == ""

    # Another holder's news are not counted for them, nor shown.
    holder_client.force_login(other_holder)
    other = holder_client.get(reverse("holder:dashboard")).content.decode()
    assert _badge(other, "Mes formations CPF") == ""
