"""The professional side of CPF rights: civic-engagement bodies (declare activities by
form or file, confirm or refuse volunteers' hours: the "Compte Asso") and public
employers (declare their agents' months of service). Members of the organisation only;
another organisation's space is a 404, a holder is refused. Pages that show persons
journal one read per person shown."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passeport.cpf import agents, cec, imports, rules
from passeport.cpf.enums import CecStatus, Channel
from passeport.cpf.forms import AgentDeclareForm, CecDeclareForm, RefuseForm, UploadForm
from passeport.cpf.models import AgentDeclaration, CecDeclaration
from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.organisations.models import Membership, Organisation
from passeport.people.matching import MatchError, match_by_nir
from passeport.users.enums import UserKind


def _organisation(request, public_id, flag: str, refusal: str) -> Organisation:
    organisation = get_object_or_404(Organisation, public_id=public_id)
    user = request.user
    if not (
        user.is_authenticated
        and user.kind == UserKind.PROFESSIONAL
        and Membership.objects.filter(user=user, organisation=organisation).exists()
    ):
        raise Http404  # another organisation's space does not exist for this user
    if not getattr(organisation, flag):
        raise PermissionDenied(refusal)
    return organisation


def _journal_reads(persons, user, what: str) -> None:
    actor = Actor.for_user(user)
    journal.append(
        journal.Event(
            actor, "person.read", "people.Person", str(p.public_id), p.pk, payload={"what": what}
        )
        for p in {person.pk: person for person in persons}.values()
    )


def _person(form):
    try:
        return match_by_nir(form.cleaned_data["nir"], form.cleaned_data["birth_name"])
    except MatchError as error:
        form.add_error(
            "nir" if error.code != "birth_name_mismatch" else "birth_name", error.message
        )
        return None


def _import_result(request, result):
    if result.error:
        messages.error(request, f"Fichier refusé : {result.error}")
        return None
    messages.success(
        request, f"{len(result.accepted)} ligne(s) acceptée(s), {len(result.rejected)} rejetée(s)."
    )
    return result.rejected


# --- civic-engagement bodies ---------------------------------------------------------------


def _body(request, public_id):
    return _organisation(
        request,
        public_id,
        "is_civic_body",
        "Seuls les organismes d'engagement citoyen déclarent des activités citoyennes.",
    )


@require_http_methods(["GET", "POST"])
def cec_home(request, public_id):
    body = _body(request, public_id)
    today = timezone.localdate()
    actor = Actor.for_user(request.user)
    form = CecDeclareForm(
        request.POST if request.POST.get("action") == "declare" else None, body=body, today=today
    )
    upload = UploadForm(
        request.POST if request.POST.get("action") == "upload" else None,
        request.FILES if request.POST.get("action") == "upload" else None,
    )
    rejected = None
    if request.method == "POST" and form.is_bound and form.is_valid():
        person = _person(form)
        if person is not None:
            try:
                declaration = cec.declare_by_body(
                    body,
                    person,
                    activity=form.cleaned_data["activity"],
                    year=form.cleaned_data["year"],
                    quantity=form.cleaned_data["quantity"],
                    engagement_years=form.cleaned_data["engagement_years"],
                    role=form.cleaned_data["role"],
                    channel=Channel.WEB,
                    actor=actor,
                    today=today,
                )
            except cec.CecError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            else:
                messages.success(
                    request, f"Activité déclarée : {declaration.get_status_display().lower()}."
                )
                return redirect("pro:cec_home", public_id=body.public_id)
    elif request.method == "POST" and upload.is_bound and upload.is_valid():
        result = imports.import_cec(upload.cleaned_data["file"].read(), body=body, actor=actor)
        rejected = _import_result(request, result)
    pending = list(
        CecDeclaration.objects.filter(body=body, status=CecStatus.PENDING)
        .select_related("person")
        .order_by("year", "declared_at")[:100]
    )
    declarations = Paginator(
        CecDeclaration.objects.filter(body=body)
        .exclude(status=CecStatus.PENDING)
        .select_related("person")
        .order_by("-declared_at", "-pk"),
        30,
    ).get_page(request.GET.get("page"))
    _journal_reads(
        [d.person for d in pending] + [d.person for d in declarations],
        request.user,
        "activités citoyennes déclarées ou à confirmer",
    )
    return render(
        request,
        "pro/cpf/cec_home.html",
        {
            "organisation": body,
            "form": form,
            "upload": upload,
            "rejected": rejected,
            "pending": pending,
            "declarations": declarations,
            "refuse_form": RefuseForm(),
            "credit": rules.euros(rules.CEC_CREDIT_CENTS),
        },
    )


@require_POST
def cec_decide(request, public_id, declaration_id):
    body = _body(request, public_id)
    declaration = get_object_or_404(CecDeclaration, public_id=declaration_id, body=body)
    actor = Actor.for_user(request.user)
    try:
        if request.POST.get("decision") == "confirm":
            declaration = cec.confirm(declaration, actor=actor)
            messages.success(
                request, f"Heures confirmées : {declaration.get_status_display().lower()}."
            )
        else:
            form = RefuseForm(request.POST)
            if not form.is_valid():
                raise cec.CecError("Le motif du refus est obligatoire.")
            cec.refuse(declaration, actor=actor, reason=form.cleaned_data["reason"])
            messages.success(request, "Déclaration refusée ; le bénévole voit votre motif.")
    except cec.CecError as error:
        messages.error(request, error.message)
    return redirect("pro:cec_home", public_id=body.public_id)


@require_GET
def cec_template(request, public_id):
    _body(request, public_id)
    response = HttpResponse(imports.CEC_TEMPLATE, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-engagement-citoyen.csv"'
    return response


# --- public employers -------------------------------------------------------------------------


def _employer(request, public_id):
    return _organisation(
        request,
        public_id,
        "is_public_employer",
        "Seuls les employeurs publics déclarent les heures de leurs agents.",
    )


@require_http_methods(["GET", "POST"])
def agents_home(request, public_id):
    employer = _employer(request, public_id)
    today = timezone.localdate()
    actor = Actor.for_user(request.user)
    form = AgentDeclareForm(
        request.POST if request.POST.get("action") == "declare" else None, today=today
    )
    upload = UploadForm(
        request.POST if request.POST.get("action") == "upload" else None,
        request.FILES if request.POST.get("action") == "upload" else None,
    )
    rejected = None
    if request.method == "POST" and form.is_bound and form.is_valid():
        person = _person(form)
        if person is not None:
            try:
                _declaration, movement = agents.declare_agent(
                    employer,
                    person,
                    year=form.cleaned_data["year"],
                    months=form.cleaned_data["months"],
                    low_qualified=form.cleaned_data["low_qualified"],
                    channel=Channel.WEB,
                    actor=actor,
                    today=today,
                )
            except agents.AgentError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                credited = rules.hours_text(movement.amount) if movement else "rien de plus"
                messages.success(request, f"Déclaration enregistrée : {credited}.")
                return redirect("pro:agents_home", public_id=employer.public_id)
    elif request.method == "POST" and upload.is_bound and upload.is_valid():
        result = imports.import_agents(
            upload.cleaned_data["file"].read(), employer=employer, actor=actor
        )
        rejected = _import_result(request, result)
    declarations = Paginator(
        AgentDeclaration.objects.filter(employer=employer)
        .select_related("person")
        .order_by("-declared_at", "-pk"),
        30,
    ).get_page(request.GET.get("page"))
    _journal_reads(
        [d.person for d in declarations], request.user, "déclarations d'agent public (CPF)"
    )
    return render(
        request,
        "pro/cpf/agents_home.html",
        {
            "organisation": employer,
            "form": form,
            "upload": upload,
            "rejected": rejected,
            "declarations": declarations,
        },
    )


@require_GET
def agents_template(request, public_id):
    _employer(request, public_id)
    response = HttpResponse(imports.AGENT_TEMPLATE, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-agents-publics.csv"'
    return response
