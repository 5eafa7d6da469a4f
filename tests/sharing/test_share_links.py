"""Share links: unguessable derived tokens never stored, bounds on expiry, only published
current entries, each opening counted and journaled, revoked and expired links gone."""

import datetime
import hashlib

import pytest
from django.test import override_settings
from django.utils import timezone

from passeport.journal.actors import Actor
from passeport.journal.models import JournalEntry
from passeport.records import services as records
from passeport.records.models import Certification, DeclaredItem
from passeport.sharing import services as sharing
from passeport.sharing.models import ShareLink
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _create(holder, entries, **kwargs):
    kwargs.setdefault("expires_on", timezone.localdate() + datetime.timedelta(days=30))
    kwargs.setdefault("recipient", "")
    return sharing.create_link(
        holder.person, records=entries, actor=Actor.for_user(holder), **kwargs
    )


def test_the_token_is_derived_unguessable_and_not_stored(holder, published):
    link, token = _create(holder, published[:2])
    assert len(token) == 43  # 256 bits, base64url
    assert sharing.token_for(link) == token  # the holder can copy it again
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = {str(v) for v in ShareLink.objects.filter(pk=link.pk).values().get().values()}
    assert token not in stored
    assert sharing.link_for_token(token) == link
    assert sharing.link_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    with override_settings(SHARING_TOKEN_KEY="another key"):
        # A copy of the database without the key gives no working link.
        assert sharing.link_for_token(token) is None


def test_expiry_bounds_and_entries_are_checked(holder, published):
    today = timezone.localdate()
    with pytest.raises(sharing.SharingError, match="postérieure"):
        _create(holder, published[:1], expires_on=today)
    with pytest.raises(sharing.SharingError, match="au plus tard"):
        _create(holder, published[:1], expires_on=today + datetime.timedelta(days=366))
    with pytest.raises(sharing.SharingError, match="au moins une"):
        _create(holder, [])
    declared = next(r for r in published if isinstance(r, DeclaredItem))
    records.set_publication([declared], published=False, actor=Actor.for_user(holder))
    with pytest.raises(sharing.SharingError, match="publiées"):
        _create(holder, [declared])
    other = UserFactory(holder=True)
    with pytest.raises(sharing.SharingError):
        sharing.create_link(
            other.person,
            records=published[:1],
            expires_on=today + datetime.timedelta(days=3),
            recipient="",
            actor=Actor.for_user(other),
        )


def test_each_opening_is_counted_and_journaled_on_the_holders_person(client, holder, published):
    link, token = _create(holder, published, recipient="Recruteur de la société X")
    for agent in ("Mozilla/5.0 (Windows NT 10.0) Chrome/140.0 Safari/537.36 Edg/140.0", "curl/8"):
        assert client.get(f"/partage/{token}/", headers={"User-Agent": agent}).status_code == 200
    link.refresh_from_db()
    assert link.views_count == 2 and link.last_viewed_at is not None
    assert sorted(link.views.values_list("browser", flat=True)) == [
        "Edge",
        "Outil en ligne de commande",
    ]
    reads = JournalEntry.objects.filter(person_id=holder.person.pk, action="person.read")
    assert reads.count() == 2
    entry = reads.first()
    assert entry.actor_kind == "anonymous"
    assert "Recruteur de la société X" in entry.payload["what"]
    assert token not in str(entry.payload) and token not in entry.actor_id


def test_the_recipient_page_shows_statuses_hides_withdrawn_entries_and_no_nir(
    client, holder, published
):
    _, token = _create(holder, published)
    certification = next(r for r in published if isinstance(r, Certification))
    declared = next(r for r in published if isinstance(r, DeclaredItem))
    records.revise(certification, actor=Actor.system("tests"), reason="Erreur", level=5)
    records.set_publication([declared], published=False, actor=Actor.for_user(holder))
    response = client.get(f"/partage/{token}/")
    body = response.content.decode()
    assert response["Referrer-Policy"] == "same-origin"
    assert '<meta name="robots" content="noindex' in body
    assert "Corrigée depuis" in body
    assert "Retirée du partage par son titulaire" in body
    assert declared.title not in body
    assert holder.person.reveal_nir() not in body
    assert "Garanti" in body


def test_the_recipient_sees_the_state_of_issued_credentials(client, holder, published):
    from passeport.credentials import revocation
    from passeport.credentials import services as credentials

    certification = next(r for r in published if isinstance(r, Certification))
    _, token = _create(holder, [certification])
    assert "Non émise" in client.get(f"/partage/{token}/").content.decode()
    issuance, _ = credentials.issue_sd_jwt(certification, actor=Actor.for_user(holder))
    assert "Valide (non révoquée)" in client.get(f"/partage/{token}/").content.decode()
    revocation.revoke(issuance, actor=Actor.for_user(holder), reason="test")
    assert "Révoquée" in client.get(f"/partage/{token}/").content.decode()


def test_revoked_and_expired_links_answer_410(client, holder, published):
    link, token = _create(holder, published[:1])
    sharing.revoke_link(link, actor=Actor.for_user(holder))
    response = client.get(f"/partage/{token}/")
    assert response.status_code == 410 and "révoqué" in response.content.decode()
    link2, token2 = _create(holder, published[:1])
    ShareLink.objects.filter(pk=link2.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
        created_at=timezone.now() - datetime.timedelta(days=2),
    )
    response = client.get(f"/partage/{token2}/")
    assert response.status_code == 410 and "expiré" in response.content.decode()
    assert client.get("/partage/" + "A" * 43 + "/").status_code == 404
    link.refresh_from_db()
    assert link.views_count == 0


def test_the_verifier_reads_a_pasted_link_without_counting_an_opening(holder, published):
    link, token = _create(holder, published[:2], recipient="Cabinet Y")
    verdict = sharing.verify_link(f"http://ailleurs.example/partage/{token}/")
    assert verdict.ok and verdict.claims["entrees"] == 2
    assert verdict.claims["destinataire"] == "Cabinet Y"
    assert not sharing.verify_link("https://example.com/autre/").ok
    link.refresh_from_db()
    assert link.views_count == 0


@pytest.mark.parametrize(
    ("agent", "family"),
    [
        ("Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0", "Firefox"),
        ("Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Version/18.0 Mobile Safari/604.1", "Safari"),
        ("Mozilla/5.0 (Linux; Android 14) Chrome/140.0 Mobile Safari/537.36", "Chrome"),
        ("Mozilla/5.0 Chrome/140.0 Safari/537.36 OPR/120.0", "Opera"),
        ("LinkedInBot/1.0", "Robot ou aperçu de lien"),
        ("", "Navigateur inconnu"),
    ],
)
def test_browser_families(agent, family):
    assert sharing.browser_family(agent) == family
