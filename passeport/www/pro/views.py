"""The professionals' space: their organisations, members management for administrators.

Every view checks its permission (passeport.identity.permissions) on the object named in
the URL: a member of another organisation, a non-administrator, a holder or an anonymous
visitor is refused."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from dsfr.forms import DsfrBaseForm

from passeport.api import services as api_services
from passeport.api.models import ApiClient, ApiScope
from passeport.identity import emails, journal
from passeport.identity.models import Invitation
from passeport.identity.permissions import (
    can_handle_correction_requests,
    can_manage_api_clients,
    can_manage_members,
    can_promote_member,
    can_remove_member,
    is_last_administrator,
)
from passeport.journal.actors import Actor
from passeport.journal.services import log_person_data_read
from passeport.organisations.enums import MembershipRole
from passeport.organisations.models import Membership, Organisation
from passeport.records import corrections as correction_requests
from passeport.records.models.corrections import CorrectionRequest, CorrectionStatus
from passeport.records.timeline import entry_for
from passeport.users.enums import UserKind

from .spaces import spaces_for


def _require_professional(user):
    if not (user.is_authenticated and user.kind == UserKind.PROFESSIONAL):
        raise PermissionDenied


@require_GET
def dashboard(request):
    _require_professional(request.user)
    # The open error reports of every organisation counted in the same query.
    memberships = (
        request.user.memberships.select_related("organisation")
        .annotate(open_corrections=correction_requests.open_count(OuterRef("organisation")))
        .order_by("organisation__name")
    )
    for membership in memberships:
        membership.spaces = spaces_for(membership)
    return render(request, "pro/dashboard.html", {"memberships": memberships})


class InvitationForm(DsfrBaseForm):
    email = forms.EmailField(
        label="Adresse électronique professionnelle",
        help_text="Votre collègue devra se connecter avec ProConnect sous cette adresse.",
    )


def _organisation_for_admin(request, public_id) -> Organisation:
    organisation = get_object_or_404(Organisation, public_id=public_id)
    if not can_manage_members(request.user, organisation):
        raise PermissionDenied
    return organisation


def _member_rows(organisation) -> list[dict]:
    """Each member with what the administrator viewing the page may do to them: the same
    answers as can_remove_member / can_promote_member (the viewer is an administrator),
    computed from one query instead of several per row."""
    memberships = list(
        organisation.memberships.select_related("user").order_by("user__last_name", "pk")
    )
    admins = sum(1 for m in memberships if m.role == MembershipRole.ADMIN)
    rows = []
    for membership in memberships:
        last_admin = membership.role == MembershipRole.ADMIN and admins == 1
        rows.append(
            {
                "membership": membership,
                "last_admin": last_admin,
                "can_remove": not last_admin,
                "can_promote": membership.role == MembershipRole.MEMBER,
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
def members(request, public_id):
    organisation = _organisation_for_admin(request, public_id)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if organisation.memberships.filter(user__email__iexact=email).exists():
            form.add_error("email", "Cette personne est déjà membre de l'organisation.")
        else:
            try:
                with transaction.atomic():
                    invitation = Invitation.objects.create(
                        organisation=organisation, email=email, invited_by=request.user
                    )
            except IntegrityError:
                form.add_error("email", "Une invitation est déjà en attente pour cette adresse.")
            else:
                journal.log_membership_event("invitation_sent", request.user, invitation)
                emails.send_invitation(invitation)
                messages.success(request, f"Invitation envoyée à {email}.")
                return redirect("pro:members", public_id=organisation.public_id)
    return render(
        request,
        "pro/members.html",
        {
            "organisation": organisation,
            "rows": _member_rows(organisation),
            "invitations": organisation.invitations.pending().order_by("email"),
            "form": form,
        },
    )


def _membership_locked(request, public_id, membership_id) -> Membership:
    """The membership named in the URL, its organisation locked (two administrators
    removing each other at once must not leave it without one), for an administrator."""
    organisation = _organisation_for_admin(request, public_id)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"),
        pk=membership_id,
        organisation=organisation,
    )


@require_POST
def remove_member(request, public_id, membership_id):
    membership = _membership_locked(request, public_id, membership_id)
    organisation = membership.organisation
    if not can_remove_member(request.user, membership):
        if is_last_administrator(membership):
            messages.error(
                request,
                "L'organisation doit garder au moins un administrateur : nommez d'abord un "
                "autre membre administrateur.",
            )
            return redirect("pro:members", public_id=organisation.public_id)
        raise PermissionDenied
    journal.log_membership_event(
        "member_removed", request.user, membership, user=str(membership.user.public_id)
    )
    emails.send_member_removed(membership, request.user)
    membership.delete()
    if membership.user_id == request.user.pk:
        messages.success(request, f"Vous avez quitté l'organisation {organisation.name}.")
        return redirect("pro:dashboard")
    messages.success(request, f"{membership.user.get_full_name()} a été retiré de l'organisation.")
    return redirect("pro:members", public_id=organisation.public_id)


@require_POST
def promote_member(request, public_id, membership_id):
    membership = _membership_locked(request, public_id, membership_id)
    if not can_promote_member(request.user, membership):
        raise PermissionDenied
    membership.role = MembershipRole.ADMIN
    membership.save(update_fields=["role"])
    journal.log_membership_event(
        "member_promoted", request.user, membership, user=str(membership.user.public_id)
    )
    messages.success(request, f"{membership.user.get_full_name()} est maintenant administrateur.")
    return redirect("pro:members", public_id=membership.organisation.public_id)


@require_POST
def revoke_invitation(request, public_id, invitation_id):
    organisation = _organisation_for_admin(request, public_id)
    invitation = get_object_or_404(
        Invitation.objects.pending(), public_id=invitation_id, organisation=organisation
    )
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    journal.log_membership_event("invitation_revoked", request.user, invitation)
    messages.success(request, "L'invitation a été retirée.")
    return redirect("pro:members", public_id=organisation.public_id)


class ApiClientForm(DsfrBaseForm):
    name = forms.CharField(
        label="Nom du logiciel",
        max_length=100,
        help_text="Pour le reconnaître dans cette liste, par exemple « Logiciel de paie ».",
    )
    scopes = forms.MultipleChoiceField(
        label="Droits accordés",
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="N'accordez que ce dont le logiciel a besoin.",
    )


def _organisation_for_api_admin(request, public_id) -> Organisation:
    organisation = get_object_or_404(Organisation, public_id=public_id)
    if not can_manage_api_clients(request.user, organisation):
        raise PermissionDenied
    return organisation


@require_http_methods(["GET", "POST"])
def api_clients(request, public_id):
    organisation = _organisation_for_api_admin(request, public_id)
    form = ApiClientForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        created, secret = api_services.create_client(
            organisation,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            created_by=request.user,
        )
        form = ApiClientForm()
    response = render(
        request,
        "pro/api_clients.html",
        {
            "organisation": organisation,
            "clients": organisation.api_clients.order_by("-created_at"),
            "form": form,
            "created": created,
            "secret": secret,
        },
    )
    # The secret is shown once: never stored by a cache or the browser's history.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def revoke_api_client(request, public_id, client_id):
    organisation = _organisation_for_api_admin(request, public_id)
    client = get_object_or_404(ApiClient, public_id=client_id, organisation=organisation)
    api_services.revoke_client(client, revoked_by=request.user)
    messages.success(
        request, f"Le client « {client.name} » est révoqué ; ses jetons ne valent plus."
    )
    return redirect("pro:api_clients", public_id=organisation.public_id)


# --- Error reports sent by holders about the entries the organisation declared ----------


def _organisation_for_corrections(request, public_id) -> Organisation:
    _require_professional(request.user)  # anonymous: to the login page; holders: 403
    organisation = get_object_or_404(Organisation, public_id=public_id)
    if not can_handle_correction_requests(request.user, organisation):
        raise PermissionDenied
    return organisation


def _correction_or_404(organisation, request_id) -> CorrectionRequest:
    """Only a request addressed to this organisation: another one's identifier is a 404."""
    return get_object_or_404(
        CorrectionRequest.objects.select_related("person", "declarant"),
        public_id=request_id,
        declarant=organisation,
    )


def _kind_label(correction) -> str:
    model = correction_requests.record_model(correction)
    return model.kind_label if model else "Entrée"


class CorrectionFilterForm(DsfrBaseForm):
    etat = forms.ChoiceField(
        label="État",
        required=False,
        choices=[("", "Tous les signalements"), *CorrectionStatus.choices],
    )


class AnswerForm(DsfrBaseForm):
    text = forms.CharField(
        label="Votre réponse au titulaire",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Le titulaire la lira sur son passeport. Si vous avez corrigé votre "
        "déclaration, dites-lui quand la nouvelle version arrivera.",
        error_messages={"required": "La réponse est obligatoire."},
    )


class CloseForm(DsfrBaseForm):
    note = forms.CharField(
        label="Dernier mot au titulaire",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@require_GET
def corrections(request, public_id):
    """The list shows no personal data (neither the holder's name nor the message): only
    the request page does, and each of its views is journaled."""
    organisation = _organisation_for_corrections(request, public_id)
    form = CorrectionFilterForm(request.GET or None)
    status = form.cleaned_data["etat"] if form.is_valid() else None
    page = Paginator(correction_requests.for_declarant(organisation, status), 25).get_page(
        request.GET.get("page")
    )
    rows = [{"request": c, "kind_label": _kind_label(c)} for c in page]
    return render(
        request,
        "pro/corrections.html",
        {
            "organisation": organisation,
            "form": form,
            "status": status or "",
            "page": page,
            "rows": rows,
        },
    )


def _actor(user, organisation) -> Actor:
    """The member acting for the organisation: the holder reads both names."""
    actor = Actor.for_user(user)
    return Actor(actor.kind, actor.identifier, f"{actor.label}, {organisation.name}")


def _render_correction(request, organisation, correction, answer_form=None, close_form=None):
    """The request page. The holder's identity and entry are read by someone other than
    the holder: each view is journaled and appears in the holder's access log."""
    record = correction_requests.reported_record(correction)
    latest = correction_requests.latest_version(correction)
    kind_label = record.kind_label if record else _kind_label(correction)
    log_person_data_read(
        correction.person,
        Actor.for_user(request.user),
        f"signalement d'erreur : {kind_label.lower()}",
    )
    person = correction.person
    status = CorrectionStatus(correction.status)
    return render(
        request,
        "pro/correction.html",
        {
            "organisation": organisation,
            "correction": correction,
            # First name and birth name only: never the NIR nor the birth date.
            "holder_name": f"{(person.first_names.split() or [''])[0]} {person.birth_name}",
            "kind_label": kind_label,
            "entry": entry_for(record, timezone.localdate()) if record else None,
            "latest": latest,
            "transitions": correction.transitions.all(),
            "can_answer": status == CorrectionStatus.OPEN,
            "can_close": status != CorrectionStatus.CLOSED,
            "answer_form": answer_form or AnswerForm(auto_id="reponse_%s"),
            "close_form": close_form or CloseForm(auto_id="cloture_%s"),
        },
        status=400 if (answer_form or close_form) else 200,
    )


@require_GET
def correction(request, public_id, request_id):
    organisation = _organisation_for_corrections(request, public_id)
    return _render_correction(request, organisation, _correction_or_404(organisation, request_id))


@require_POST
def answer_correction(request, public_id, request_id):
    organisation = _organisation_for_corrections(request, public_id)
    correction = _correction_or_404(organisation, request_id)
    form = AnswerForm(request.POST, auto_id="reponse_%s")
    if not form.is_valid():
        return _render_correction(request, organisation, correction, answer_form=form)
    try:
        correction_requests.answer(
            correction, actor=_actor(request.user, organisation), text=form.cleaned_data["text"]
        )
    except correction_requests.CorrectionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Votre réponse a été transmise au titulaire.")
    return redirect("pro:correction", public_id=organisation.public_id, request_id=request_id)


@require_POST
def close_correction(request, public_id, request_id):
    organisation = _organisation_for_corrections(request, public_id)
    correction = _correction_or_404(organisation, request_id)
    form = CloseForm(request.POST, auto_id="cloture_%s")
    if not form.is_valid():
        return _render_correction(request, organisation, correction, close_form=form)
    try:
        correction_requests.close(
            correction, actor=_actor(request.user, organisation), note=form.cleaned_data["note"]
        )
    except correction_requests.CorrectionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Le signalement est clos.")
    return redirect("pro:correction", public_id=organisation.public_id, request_id=request_id)
