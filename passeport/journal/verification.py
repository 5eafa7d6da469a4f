"""Walks the chain and names the first entry that does not hold."""

from dataclasses import dataclass

from .chain import GENESIS_HASH, digest, entry_hash
from .models import JournalEntry, JournalHead


@dataclass
class VerificationResult:
    intact: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    def __str__(self):
        if self.intact:
            return f"intact ({self.checked} entrées vérifiées)"
        return f"rompu à l'entrée n° {self.broken_seq} : {self.reason}"


def verify_journal(*, chunk_size: int = 10_000) -> VerificationResult:
    previous_hash, expected_seq, checked = GENESIS_HASH, 1, 0
    for entry in JournalEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        problem = None
        if entry.seq != expected_seq:
            problem = f"rang attendu {expected_seq} (entrée supprimée ou insérée)"
        elif entry.previous_hash != previous_hash:
            problem = "le lien vers l'entrée précédente ne correspond pas"
        elif digest(entry.payload) != entry.payload_digest:
            problem = "le contenu a été modifié"
        elif entry.hash != _recompute(entry):
            problem = "l'empreinte de l'entrée ne correspond pas à ses champs"
        if problem:
            return VerificationResult(False, checked, entry.seq, problem)
        previous_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    head = JournalHead.objects.filter(pk=1).first()
    if head and (head.seq != expected_seq - 1 or head.hash != previous_hash):
        return VerificationResult(
            False, checked, expected_seq, "des entrées manquent à la fin du journal"
        )
    return VerificationResult(True, checked)


def _recompute(entry: JournalEntry) -> str:
    return entry_hash(
        seq=entry.seq,
        occurred_at=entry.occurred_at,
        actor_kind=entry.actor_kind,
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        person_id=entry.person_id,
        payload_digest=entry.payload_digest,
        previous_hash=entry.previous_hash,
    )
