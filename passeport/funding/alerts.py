"""The envelope's threshold alert: once its commitments and consumption reach the
funder's threshold, its members get one e-mail (after commit, through the mail queue).
Its automatic stop needs no code: an envelope with nothing left takes rules out of
`engine.live_rules`."""

from django.core.mail import EmailMessage
from django.utils import timezone

from passeport.cpf.rules import euros
from passeport.jobs.mail import send_after_commit

from .models import Envelope


def alert_if_needed(envelope_id: int) -> bool:
    """Called under the envelope's lock, after a commitment."""
    envelope = Envelope.objects.select_related("funder").get(pk=envelope_id)
    used = envelope.committed_cents + envelope.consumed_cents
    if envelope.alert_sent_at or used * 100 < envelope.budget_cents * envelope.alert_percent:
        return False
    Envelope.objects.filter(pk=envelope.pk).update(alert_sent_at=timezone.now())
    recipients = sorted(
        {m.user.email for m in envelope.funder.memberships.select_related("user") if m.user.email}
    )
    body = (
        f"L'enveloppe « {envelope.name} » a atteint {envelope.alert_percent} % de son budget : "
        f"{euros(used)} engagés ou consommés sur {euros(envelope.budget_cents)}. "
        "Les règles qui l'utilisent s'arrêtent d'elles-mêmes quand elle est épuisée."
    )
    send_after_commit(
        [
            EmailMessage(f"Enveloppe « {envelope.name} » : seuil atteint", body, to=[email])
            for email in recipients
        ],
        "funding.envelope_alert",
    )
    return True
