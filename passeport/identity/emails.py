"""E-mails of identity and access: invitations of professionals, removal from an
organisation. Plain text with a simple HTML alternative, rendered when the event happens,
sent by a worker once the transaction commits (nothing goes out for a change that is rolled
back; a failing mail relay is tried again)."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from passeport.jobs.mail import send_after_commit

logger = logging.getLogger(__name__)
SERVICE_NAME = "Passeport de compétences"


def _login_url() -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('identity:login')}"


def _person(user) -> str:
    if user is None:
        return "Un administrateur"
    name = user.get_full_name().strip()
    if name and user.email:
        return f"{name} ({user.email})"
    return name or user.email or "Un administrateur"


def _send_after_commit(template: str, subject: str, to: str, context: dict) -> None:
    context = {"service_name": SERVICE_NAME, "login_url": _login_url(), **context}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"identity/emails/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(
        render_to_string(f"identity/emails/{template}.html", context), "text/html"
    )

    send_after_commit([message], template)


def send_invitation(invitation) -> None:
    organisation = invitation.organisation
    _send_after_commit(
        "invitation",
        f"Invitation à rejoindre {organisation.name} sur le {SERVICE_NAME}",
        invitation.email,
        {
            "organisation": organisation,
            "inviter": _person(invitation.invited_by),
            "role": invitation.get_role_display().lower(),
            "email": invitation.email,
        },
    )


def send_member_removed(membership, removed_by) -> None:
    user, organisation = membership.user, membership.organisation
    if not user.email:
        return
    _send_after_commit(
        "member_removed",
        f"Vous n'êtes plus membre de {organisation.name} sur le {SERVICE_NAME}",
        user.email,
        {
            "organisation": organisation,
            "name": user.get_full_name().strip(),
            "remover": _person(removed_by),
            "by_themselves": removed_by is not None and removed_by.pk == user.pk,
            "date": timezone.localdate(),
        },
    )


def send_registration_received(request) -> None:
    """To the requester: their request is recorded; to the operators: a request to decide."""
    context = {"request": request, "kinds": ", ".join(request.kind_labels).lower()}
    _send_after_commit(
        "registration_received",
        f"Demande d'inscription de {request.name} reçue par le {SERVICE_NAME}",
        request.email,
        context,
    )
    from passeport.users.enums import UserKind
    from passeport.users.models import User

    for email in (
        User.objects.filter(kind=UserKind.OPERATOR, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .order_by("email")
    ):
        _send_after_commit(
            "registration_to_decide",
            f"Demande d'inscription d'organisation à examiner : {request.name}",
            email,
            context,
        )


def send_registration_decided(request) -> None:
    _send_after_commit(
        "registration_decided",
        f"Votre demande d'inscription de {request.name} sur le {SERVICE_NAME}",
        request.email,
        {"request": request, "approved": request.status == "approved"},
    )
