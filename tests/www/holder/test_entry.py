"""Step 2: an entry's detail — fields, provenance, versions, error reports."""

import pytest

from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry
from passeport.records import corrections
from passeport.records import services as records
from passeport.records.models import CorrectionRequest, DeclaredItem, EmploymentPeriod
from passeport.records.models.corrections import CorrectionStatus

pytestmark = pytest.mark.django_db


def url(kind, record, suffix=""):
    return f"/mon-espace/entrees/{kind}/{record.public_id}/{suffix}"


@pytest.fixture
def period(holder, entries):
    return EmploymentPeriod.objects.get(person=holder.person)


def test_detail_shows_fields_provenance_and_history(holder_client, period):
    new = records.revise(
        period, actor=Actor.system("dsn"), reason="Fin de contrat déclarée", job_title="Cheffe"
    )
    html = holder_client.get(url("emploi", new)).content.decode()
    assert "<h1>Cheffe</h1>" in html
    assert "Contrat de travail à durée indéterminée de droit privé (01)" in html
    assert f"Boulangerie Dupain (SIRET {period.declarant.siret})" in html
    assert "Déclaration sociale nominative de l&#x27;employeur" in html
    assert "Fin de contrat déclarée" in html
    assert f'href="{url("emploi", period)}"' in html  # the previous version, linked
    old = holder_client.get(url("emploi", period)).content.decode()
    assert "Remplacée par une version plus récente" in old
    assert "Envoyer le signalement" not in old  # only the current version is reported
    assert "Modifier" not in html.split("Contenu")[0]  # guaranteed: no edit button


def test_report_an_error_to_the_declarant(holder_client, holder, period):
    response = holder_client.post(
        url("emploi", period, "signaler/"), {"message": "Je suis partie en mai, pas en juin."}
    )
    assert response.status_code == 302
    request = CorrectionRequest.objects.get()
    assert request.person == holder.person
    assert request.declarant == period.declarant
    assert (request.record_type, request.lineage) == ("records.EmploymentPeriod", period.lineage)
    assert request.status == CorrectionStatus.OPEN
    assert JournalEntry.objects.filter(action="correction.requested").count() == 1
    html = holder_client.get(url("emploi", period)).content.decode()
    assert "transmis à Boulangerie Dupain" in html
    assert "Envoyé, en attente de réponse" in html

    # The declarant answers (its portal is another issue): the holder sees it.
    corrections.answer(request, actor=Actor.system("employeur"), text="Corrigé dans la DSN.")
    html = holder_client.get(url("emploi", period)).content.decode()
    assert "Réponse reçue" in html and "Corrigé dans la DSN." in html
    corrections.close(request, actor=Actor.system("employeur"))
    with pytest.raises(corrections.CorrectionError):
        corrections.answer(request, actor=Actor.system("employeur"), text="encore")
    assert list(request.transitions.values_list("to_status", flat=True)) == [
        "open",
        "answered",
        "closed",
    ]


def test_an_empty_report_is_refused(holder_client, period):
    response = holder_client.post(url("emploi", period, "signaler/"), {"message": " "})
    assert response.status_code == 400
    assert not CorrectionRequest.objects.exists()


def test_declared_entries_are_corrected_not_reported(holder_client, holder, entries):
    item = DeclaredItem.objects.get(person=holder.person)
    html = holder_client.get(url("declaration", item)).content.decode()
    assert "Modifier" in html and "Supprimer" in html and "Signaler une erreur" not in html
    response = holder_client.post(url("declaration", item, "signaler/"), {"message": "x"})
    assert response.status_code == 302
    assert not CorrectionRequest.objects.exists()


def test_unknown_kind_is_404(holder_client, period):
    assert holder_client.get(url("inconnu", period)).status_code == 404
    assert holder_client.get(url("diplome", period)).status_code == 404  # wrong kind
