import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("referentials")


@pytest.mark.parametrize(
    ("model", "query", "expected"),
    [
        ("fiche", "securite", "RNCP"),
        ("fiche", "RNCP509", "extincteurs"),
        ("commune", "marseille", "13055"),
        ("nafcode", "62.01Z", "Programmation informatique"),
        ("romecode", "developpeur", "M1805"),
        ("romeskill", "sécurité travail", "Santé et sécurité au travail"),
        ("country", "FRA", "99100"),
    ],
)
def test_changelist_search(admin_client, model, query, expected):
    url = reverse(f"admin:referentials_{model}_changelist")
    response = admin_client.get(url, {"q": query})
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_fiche_page_is_read_only(admin_client):
    from passeport.referentials.models import Fiche

    fiche = Fiche.objects.get(code="RNCP509")
    response = admin_client.get(reverse("admin:referentials_fiche_change", args=[fiche.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "11004301500012" in content  # certifier inline
    assert 'name="_save"' not in content
    assert admin_client.get(reverse("admin:referentials_fiche_add")).status_code == 403
