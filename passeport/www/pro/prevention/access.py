"""Who reaches the professional's prevention pages, and what every page of them shares:
members of the organisation named in the URL only (another organisation's declaration,
line or import is a 404, a holder gets a 403, an anonymous visitor goes to the login
page); one journal entry per trainee shown; trainees shown by first name, birth name and
birth year, never the NIR."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.organisations.models import Membership, Organisation
from passeport.prevention import catalogue, lifecycle
from passeport.prevention.enums import (
    LineStatus,
    ReviewStatus,
)
from passeport.prevention.models import Declaration, DeclarationLine, PreventionImport
from passeport.users.enums import UserKind

PAGE_SIZE = 25


# --- Declaring (form, file import) ----------------------------------------------------


def can_declare_prevention(user, organisation) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.kind == UserKind.PROFESSIONAL
        and (organisation.is_training_provider or organisation.is_employer)
        and Membership.objects.filter(user=user, organisation=organisation).exists()
    )


def declaring_organisation(request, public_id) -> Organisation:
    organisation = get_object_or_404(Organisation, public_id=public_id)
    if not (
        request.user.is_authenticated
        and Membership.objects.filter(user=request.user, organisation=organisation).exists()
    ):
        raise Http404  # another organisation's space does not exist for this user
    if not can_declare_prevention(request.user, organisation):
        raise PermissionDenied(
            "Seuls les organismes de formation et les employeurs déclarent des formations "
            "de prévention."
        )
    return organisation


def import_of(request, public_id) -> PreventionImport:
    imported = get_object_or_404(
        PreventionImport.objects.select_related("declarant", "created_by"), public_id=public_id
    )
    if not can_declare_prevention(request.user, imported.declarant):
        raise Http404
    return imported


# --- Managing declarations (lists, corrections, reviews) ----------------------------------


def managing_organisation(request, public_id) -> Organisation:
    if request.user.kind != UserKind.PROFESSIONAL:
        raise PermissionDenied
    organisation = get_object_or_404(Organisation, public_id=public_id)
    if not lifecycle.can_manage_declarations(request.user, organisation):
        raise Http404  # another organisation's space does not exist for this user
    if not (organisation.is_training_provider or organisation.is_employer):
        raise PermissionDenied  # only providers and employers declare
    return organisation


def declaration_of(organisation, declaration_id) -> Declaration:
    return get_object_or_404(
        Declaration.objects.select_related("declarant"),
        public_id=declaration_id,
        declarant=organisation,
    )


def line_of(organisation, line_id) -> DeclarationLine:
    return get_object_or_404(
        DeclarationLine.objects.select_related("declaration__declarant", "person", "employer"),
        public_id=line_id,
        declarant=organisation,
    )


def journal_reads(request, organisation, people, what: str) -> None:
    """One access-log entry per person shown, in one append."""
    actor = Actor.for_user(request.user)
    label = f"{what} ({organisation.name}, SIRET {organisation.siret})"
    seen = {}
    for person in people:
        seen.setdefault(person.pk, person)
    journal.append(
        journal.Event(
            actor,
            "person.read",
            "people.Person",
            str(person.public_id),
            person.pk,
            payload={"what": label},
        )
        for person in seen.values()
    )


def trainee_name(person) -> str:
    first = (person.first_names.split() or [""])[0]
    return f"{first} {person.birth_name} (né·e en {person.birth_year})"


def line_row(line, today, messages_by_line=None) -> dict:
    status = lifecycle.effective_review_status(line, today)
    request_ = (messages_by_line or {}).get(str(line.public_id))
    return {
        "line": line,
        "trainee": trainee_name(line.person),
        "review_status": status,
        "review_label": ReviewStatus(status).label,
        "review_open": lifecycle.review_open(line, today),
        "correction_request": request_ if status == ReviewStatus.CORRECTION_REQUESTED else None,
        "active": line.status == LineStatus.ACTIVE,
        "validity": catalogue.line_validity(line.declaration, line, today),
    }


def employer_organisation(request, public_id) -> Organisation:
    organisation = managing_organisation(request, public_id)
    if not organisation.is_employer:
        raise PermissionDenied
    return organisation


def acting_member(request, organisation) -> Actor:
    return lifecycle.member_actor(request.user, organisation)
