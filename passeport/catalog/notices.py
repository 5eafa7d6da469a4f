"""Who is told, and how, when a file reaches a step that asks them to act: an in-service
notice (`FileNotice`) and an e-mail (after commit, through the jobs' mail worker). The
holder by their person's address; the provider by its members' addresses."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from passeport.jobs.mail import send_after_commit

from .enums import FileState
from .models import FileNotice

SERVICE = "Mon Compte Formation — Passeport de compétences"


def _date(day) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def _texts(file) -> tuple[str, str]:
    """(to the holder, to the provider) for the file's current state; "" for no one."""
    title = file.session.action.training.title
    before = _date(file.act_before)
    state = file.state
    if state == FileState.NOT_PROCESSED:
        return (
            "",
            f"Nouvelle demande d'inscription ({file.reference}, « {title} ») "
            f"à traiter avant le {before}.",
        )
    if state == FileState.VALIDATED:
        return (
            f"L'organisme a validé votre demande pour « {title} » : "
            f"acceptez sa proposition avant le {before}.",
            "",
        )
    if state == FileState.ACCEPTED:
        return (
            f"Votre inscription à « {title} » est confirmée ; vos droits sont réservés.",
            f"Le titulaire a accepté le dossier {file.reference} : "
            f"déclarez son entrée en formation avant le {before}.",
        )
    if state == FileState.SERVICE_DONE_VALIDATED:
        return (f"Votre formation « {title} » est terminée et validée.", "")
    if state in (
        FileState.CANCELED_BY_PROVIDER,
        FileState.REFUSED_BY_PROVIDER,
        FileState.CANCELED_WITHOUT_FOLLOW_UP,
        FileState.CANCELED_BY_FUNDER,
        FileState.REFUSED_BY_FUNDER,
    ):
        reason = file.get_reason_code_display() if file.reason_code else ""
        text = f"Votre dossier pour « {title} » : {file.get_state_display().lower()}"
        return (f"{text} ({reason})." if reason else f"{text}.", "")
    if state in (FileState.CANCELED_BY_HOLDER, FileState.REFUSED_BY_HOLDER):
        return ("", f"Le dossier {file.reference} : {file.get_state_display().lower()}.")
    return "", ""


def _site(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def notify(file) -> None:
    to_holder, to_provider = _texts(file)
    messages = []
    if to_holder:
        FileNotice.objects.create(file=file, person_id=file.person_id, text=to_holder[:300])
        if file.person.email:
            link = _site(reverse("holder:training_file", args=[file.public_id]))
            messages.append(
                EmailMessage(
                    subject=f"Votre dossier de formation {file.reference}",
                    body=f"Bonjour,\n\n{to_holder}\n\nVotre dossier : {link}\n\n{SERVICE}\n",
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[file.person.email],
                )
            )
    if to_provider:
        FileNotice.objects.create(
            file=file, organisation_id=file.provider_id, text=to_provider[:300]
        )
        addresses = sorted(
            {
                email
                for email in file.provider.memberships.values_list("user__email", flat=True)
                if email
            }
        )
        if addresses:
            link = _site(
                reverse("pro:catalog_file", args=[file.provider.public_id, file.public_id])
            )
            messages.append(
                EmailMessage(
                    subject=f"Dossier de formation {file.reference}",
                    body=f"Bonjour,\n\n{to_provider}\n\nLe dossier : {link}\n\n{SERVICE}\n",
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    bcc=addresses,
                )
            )
    send_after_commit(messages, "catalog_file")
