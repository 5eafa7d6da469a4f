"""Share links: creation, revocation, the recipient's view (counted and journaled) and
what the public verifier says about a pasted link.

Token choice: the holder must be able to copy a link again, so a token shown once and
stored hashed is not enough, and an encrypted copy in the database would make the
database plus its key a list of working links. The token is instead derived: HMAC-SHA256
of the link's id under `SHARING_TOKEN_KEY` (256 bits, base64url). The database keeps
only its SHA-256 for lookups; recomputing it needs the server key. Rotating that key
invalidates every link (say so before rotating); revoking one link is a column.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from passeport.credentials.verdict import Verdict
from passeport.documents import builders
from passeport.journal import services as journal
from passeport.journal.actors import Actor, ActorKind
from passeport.records.enums import Publication, RecordStatus
from passeport.records.models import Record
from passeport.records.timeline import kind_of

from .models import ShareLink, ShareLinkItem, ShareLinkView

MAX_ENTRIES = 100
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
READ_WHAT = "lecture par un tiers via lien de partage"


class SharingError(ValueError):
    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


def _key() -> bytes:
    return (settings.SHARING_TOKEN_KEY or settings.SECRET_KEY).encode()


def token_for(link: ShareLink) -> str:
    mac = hmac.new(_key(), b"passeport.sharing.link:" + link.public_id.bytes, hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def share_url(link: ShareLink) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("public:shared", args=[token_for(link)])


def default_expiry(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=settings.SHARING_DEFAULT_DAYS)


def max_expiry(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=settings.SHARING_MAX_DAYS)


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


@transaction.atomic
def create_link(
    person, *, records: list[Record], expires_on: datetime.date, recipient: str, actor: Actor
) -> tuple[ShareLink, str]:
    """A new link to `records` (published, current entries of `person`) until the end of
    `expires_on`; returns the link and its token."""
    today = timezone.localdate()
    if not records:
        raise SharingError("Cochez au moins une entrée à partager.", "entries")
    if len(records) > MAX_ENTRIES:
        raise SharingError(f"Un lien partage au plus {MAX_ENTRIES} entrées.", "entries")
    if expires_on <= today:
        raise SharingError(
            "La date d'expiration doit être postérieure à aujourd'hui.", "expires_on"
        )
    if expires_on > max_expiry(today):
        raise SharingError(
            f"Un lien expire au plus tard le {max_expiry(today):%d/%m/%Y} "
            f"({settings.SHARING_MAX_DAYS} jours).",
            "expires_on",
        )
    for record in records:
        if record.person_id != person.pk or not builders.is_shareable(record):
            raise SharingError("Seules vos entrées publiées et en vigueur se partagent.", "entries")
    link = ShareLink(person=person, recipient=recipient.strip(), expires_at=_end_of(expires_on))
    token = token_for(link)
    link.token_hash = token_hash(token)
    link.save()
    ShareLinkItem.objects.bulk_create(
        ShareLinkItem(
            link=link, kind=kind_of(record), record_public_id=record.public_id, position=rank
        )
        for rank, record in enumerate(records, start=1)
    )
    journal.log(
        journal.Event(
            actor,
            "share.created",
            "sharing.ShareLink",
            str(link.public_id),
            person.pk,
            payload={"entries": len(records), "expires_on": expires_on.isoformat()},
        )
    )
    return link, token


@transaction.atomic
def revoke_link(link: ShareLink, *, actor: Actor) -> ShareLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        journal.log(
            journal.Event(
                actor, "share.revoked", "sharing.ShareLink", str(link.public_id), link.person_id
            )
        )
    return link


def link_for_token(token: str) -> ShareLink | None:
    if not TOKEN_RE.match(token or ""):
        return None
    link = ShareLink.objects.select_related("person").filter(token_hash=token_hash(token)).first()
    # The hash matched; compare the derived token too (a key rotation voids old links).
    if link is None or not hmac.compare_digest(token_for(link), token):
        return None
    return link


# Families only, most specific first (Edge and Opera announce Chrome, Chrome announces
# Safari). Written here rather than a user-agent library: nothing more than the family is
# kept, and none is in the lock file.
_BROWSERS = (
    (re.compile(r"bot|crawl|spider|slurp|preview", re.I), "Robot ou aperçu de lien"),
    (re.compile(r"Edg(e|A|iOS)?/"), "Edge"),
    (re.compile(r"OPR/|Opera"), "Opera"),
    (re.compile(r"SamsungBrowser/"), "Samsung Internet"),
    (re.compile(r"Firefox/|FxiOS/"), "Firefox"),
    (re.compile(r"Chrome/|CriOS/|Chromium/"), "Chrome"),
    (re.compile(r"Safari/"), "Safari"),
    (re.compile(r"curl|Wget|python-requests|HTTPie", re.I), "Outil en ligne de commande"),
)


def browser_family(user_agent: str) -> str:
    for pattern, family in _BROWSERS:
        if pattern.search(user_agent or ""):
            return family
    return "Navigateur inconnu"


def recipient_actor(link: ShareLink) -> Actor:
    label = (
        f"Destinataire du lien « {link.recipient} »"
        if link.recipient
        else "Destinataire d'un lien de partage"
    )
    return Actor(ActorKind.ANONYMOUS, f"share:{link.public_id}", label)


@transaction.atomic
@transaction.atomic
def record_view(link: ShareLink, *, user_agent: str) -> ShareLinkView:
    """Counts and journals one opening (on the holder's person: their access log), all or
    nothing."""
    now = timezone.now()
    view = ShareLinkView.objects.create(link=link, browser=browser_family(user_agent))
    ShareLink.objects.filter(pk=link.pk).update(
        views_count=F("views_count") + 1, last_viewed_at=now
    )
    what = READ_WHAT + (f" (destinataire : {link.recipient})" if link.recipient else "")
    journal.log_person_data_read(link.person, recipient_actor(link), what)
    return view


@dataclass
class SharedEntry:
    title: str
    record: Record | None  # None: withdrawn or deleted (content not shown)
    data: dict | None
    status: str  # "current", "expired", "superseded", "cancelled", "withdrawn"
    status_label: str
    guaranteed: bool
    credential: str = ""  # state of the credentials issued from this version, in French


STATUS_LABELS = {
    "current": "En vigueur",
    "expired": "Validité dépassée",
    "superseded": "Corrigée depuis : une version plus récente existe",
    "cancelled": "Annulée par son déclarant",
    "withdrawn": "Retirée du partage par son titulaire",
}


CREDENTIAL_LABELS = {
    "valid": "Valide (non révoquée)",
    "suspended": "Suspendue",
    "revoked": "Révoquée",
}


def credential_states(public_ids) -> dict[str, str]:
    """Per record version, the state of the credentials issued from it (one query): valid
    if any is valid, else suspended if any is, else revoked."""
    from passeport.credentials.models import Issuance

    states: dict[str, set] = {}
    rows = Issuance.objects.filter(record_public_id__in=list(public_ids)).values_list(
        "record_public_id", "state"
    )
    for public_id, state in rows:
        states.setdefault(str(public_id), set()).add(state)
    return {
        key: next(s for s in ("valid", "suspended", "revoked") if s in found)
        for key, found in states.items()
        if found & {"valid", "suspended", "revoked"}
    }


def shared_entries(link: ShareLink, today: datetime.date) -> list[SharedEntry]:
    items = list(link.items.order_by("position", "pk"))
    records = builders.records_of(link.person, [(i.kind, i.record_public_id) for i in items])
    by_id = {str(record.public_id): record for record in records}
    issued = credential_states(by_id)
    result = []
    for item in items:
        record = by_id.get(str(item.record_public_id))
        if record is None:
            result.append(
                SharedEntry("", None, None, "withdrawn", STATUS_LABELS["withdrawn"], False)
            )
            continue
        data = builders.entry_data(record, today)
        if record.status == RecordStatus.SUPERSEDED:
            status = "superseded"
        elif record.status == RecordStatus.CANCELLED:
            status = "cancelled"
        elif record.publication != Publication.PUBLISHED:
            # Still in force but made private again: the holder withdrew their consent.
            result.append(
                SharedEntry("", None, None, "withdrawn", STATUS_LABELS["withdrawn"], False)
            )
            continue
        elif record.status == RecordStatus.EXPIRED or (
            getattr(record, "valid_until", None) and record.valid_until < today
        ):
            status = "expired"
        else:
            status = "current"
        result.append(
            SharedEntry(
                data["title"],
                record,
                data,
                status,
                STATUS_LABELS[status],
                record.is_guaranteed,
                CREDENTIAL_LABELS.get(issued.get(str(record.public_id), ""), ""),
            )
        )
    return result


def token_from_text(text: str) -> str:
    """The token in a pasted share URL (or the bare token)."""
    text = (text or "").strip()
    if TOKEN_RE.match(text):
        return text
    path = urlsplit(text).path
    prefix = reverse("public:shared", args=["X" * 43]).rsplit("X" * 43, 1)[0]
    if prefix in path:
        candidate = path.split(prefix, 1)[1].strip("/").split("/")[0]
        if TOKEN_RE.match(candidate):
            return candidate
    return ""


def verify_link(text: str, *, now: datetime.datetime | None = None) -> Verdict:
    """What the public verifier says about a pasted share link (no content shown, and not
    counted as an opening: only its state and who it belongs to)."""
    now = now or timezone.now()
    verdict = Verdict(kind="share-link")
    token = token_from_text(text)
    link = link_for_token(token) if token else None
    if link is None:
        verdict.add(
            "issuer",
            "Lien émis par Passeport",
            False,
            "Ce lien n'est pas un lien de partage de Passeport, ou il est incomplet.",
        )
        return verdict
    verdict.add(
        "issuer",
        "Lien émis par Passeport",
        True,
        builders.sentence(
            f"Lien créé le {builders.french_date(timezone.localtime(link.created_at).date())} "
            f"par {builders.holder_label(link.person)}"
            + (f" pour « {link.recipient} »" if link.recipient else "")
        ),
    )
    if link.revoked_at:
        verdict.add(
            "status",
            "Non révoqué",
            False,
            "Son titulaire l'a révoqué le "
            f"{builders.french_date(timezone.localtime(link.revoked_at).date())}.",
        )
    else:
        verdict.add("status", "Non révoqué", True, "Le titulaire n'a pas révoqué ce lien.")
    expiry = builders.french_date(timezone.localtime(link.expires_at).date())
    if link.expires_at <= now:
        verdict.add("expiry", "Non expiré", False, f"Il a expiré le {expiry}.")
    else:
        verdict.add("expiry", "Non expiré", True, f"Valable jusqu'au {expiry} inclus.")
    entries = shared_entries(link, timezone.localdate())
    verdict.claims = {
        "titulaire": builders.holder_label(link.person),
        "destinataire": link.recipient,
        "expire_le": link.expires_at.isoformat(),
        "entrees": len(entries),
        "entrees_garanties": sum(1 for e in entries if e.guaranteed),
    }
    return verdict
