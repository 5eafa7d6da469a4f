"""The life of prevention declarations in the professional space (`prevention.lifecycle`):

- the declarant's list of its declarations (deadline, late, review counts, filters), a
  declaration's page (its trainees, their review state, the history), the correction
  and cancellation forms (a line, or the whole training block / declaration);
- the employer's "À vérifier" list and review page (confirm, ask for a correction) and
  its reprise page;
- the eligibility checker, open to anonymous visitors too.

Members of the organisation named in the URL only; another organisation's declaration
or line is a 404, a holder gets a 403, an anonymous visitor is sent to the login page.
Pages that show trainees journal a read of each person shown (the holder's access log).
Trainees are shown by first name, birth name and birth year: never the NIR.
"""

import logging
import re
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from dsfr.forms import DsfrBaseForm

from passeport.jobs.mail import send_after_commit
from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.organisations.enums import MembershipRole
from passeport.organisations.models import Organisation
from passeport.prevention import eligibility as rules_of_eligibility
from passeport.prevention import lifecycle
from passeport.prevention.enums import (
    AwardMode,
    Channel,
    DeclarantRole,
    DeclarationKind,
    JdrType,
    LineStatus,
    Modality,
    ReviewStatus,
    TrainerQualification,
)
from passeport.prevention.models import Declaration, DeclarationLine
from passeport.users.enums import UserKind

logger = logging.getLogger(__name__)
PAGE_SIZE = 25
YES_NO = [("OUI", "Oui"), ("NON", "Non")]


# --- Access ------------------------------------------------------------------------------


def _organisation(request, public_id) -> Organisation:
    if request.user.kind != UserKind.PROFESSIONAL:
        raise PermissionDenied
    organisation = get_object_or_404(Organisation, public_id=public_id)
    if not lifecycle.can_manage_declarations(request.user, organisation):
        raise Http404  # another organisation's space does not exist for this user
    if not (organisation.is_training_provider or organisation.is_employer):
        raise PermissionDenied  # only providers and employers declare
    return organisation


def _declaration(organisation, declaration_id) -> Declaration:
    return get_object_or_404(
        Declaration.objects.select_related("declarant"),
        public_id=declaration_id,
        declarant=organisation,
    )


def _line(organisation, line_id) -> DeclarationLine:
    return get_object_or_404(
        DeclarationLine.objects.select_related("declaration__declarant", "person", "employer"),
        public_id=line_id,
        declarant=organisation,
    )


def _journal_reads(request, organisation, people, what: str) -> None:
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


def _line_row(line, today, messages_by_line=None) -> dict:
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
    }


# --- The declarant's list ----------------------------------------------------------------


DEADLINE_CHOICES = [("", "Toutes"), ("late", "En retard"), ("on_time", "Dans le délai")]
REVIEW_CHOICES = [
    ("", "Tous"),
    (ReviewStatus.PENDING, "Au moins une ligne à vérifier par l'employeur"),
    (ReviewStatus.CORRECTION_REQUESTED, "Au moins une correction demandée"),
    (ReviewStatus.CONFIRMED, "Au moins une ligne confirmée"),
    (ReviewStatus.DEEMED_VERIFIED, "Au moins une ligne réputée vérifiée"),
]
STATE_CHOICES = [("", "Toutes"), ("active", "En vigueur"), ("cancelled", "Annulées")]


class DeclarationFilterForm(DsfrBaseForm):
    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=100,
        help_text="Intitulé, ID_DECLARATION ou référence",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Tous"), *DeclarationKind.choices]
    )
    canal = forms.ChoiceField(
        label="Canal", required=False, choices=[("", "Tous"), *list(Channel.choices)]
    )
    delai = forms.ChoiceField(label="Délai", required=False, choices=DEADLINE_CHOICES)
    verification = forms.ChoiceField(
        label="Vérification par l'employeur", required=False, choices=REVIEW_CHOICES
    )
    etat = forms.ChoiceField(label="État", required=False, choices=STATE_CHOICES)


def _review_count(status, today):
    q = lifecycle.effective_review_q(status, today)
    # The same condition, through the relation.
    return Count("lines", filter=_through("lines", q), distinct=True)


def _through(prefix: str, q: Q) -> Q:
    """`q` (on DeclarationLine) rewritten for a query on Declaration via `prefix`."""
    clone = Q(*[], _connector=q.connector, _negated=q.negated)
    for child in q.children:
        if isinstance(child, Q):
            clone.children.append(_through(prefix, child))
        else:
            key, value = child
            clone.children.append((f"{prefix}__{key}", value))
    return clone


@require_GET
def declarations(request, public_id):
    organisation = _organisation(request, public_id)
    today = timezone.localdate()
    form = DeclarationFilterForm(request.GET or None, auto_id="filtre_%s")
    data = form.cleaned_data if form.is_valid() else {}
    queryset = Declaration.objects.filter(declarant=organisation).annotate(
        trainees=Count("lines", distinct=True),
        active_lines=Count("lines", filter=Q(lines__status=LineStatus.ACTIVE), distinct=True),
        late_lines=Count("lines", filter=Q(lines__late=True), distinct=True),
        pending=_review_count(ReviewStatus.PENDING, today),
        confirmed=_review_count(ReviewStatus.CONFIRMED, today),
        correction_requested=_review_count(ReviewStatus.CORRECTION_REQUESTED, today),
        deemed_verified=_review_count(ReviewStatus.DEEMED_VERIFIED, today),
    )
    if q := data.get("q"):
        queryset = queryset.filter(
            Q(title__icontains=q)
            | Q(jdr_name__icontains=q)
            | Q(declaration_id__icontains=q)
            | Q(reference__icontains=q)
        )
    if kind := data.get("type"):
        queryset = queryset.filter(kind=kind)
    if channel := data.get("canal"):
        queryset = queryset.filter(channel=channel)
    if deadline := data.get("delai"):
        queryset = queryset.filter(late=deadline == "late")
    if review := data.get("verification"):
        lines = DeclarationLine.objects.filter(
            lifecycle.effective_review_q(review, today), declarant=organisation
        )
        queryset = queryset.filter(pk__in=lines.values("declaration_id"))
    if state := data.get("etat"):
        active = DeclarationLine.objects.filter(
            declarant=organisation, status=LineStatus.ACTIVE
        ).values("declaration_id")
        queryset = (
            queryset.filter(pk__in=active) if state == "active" else queryset.exclude(pk__in=active)
        )
    page = Paginator(queryset.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pro/prevention/declarations.html",
        {
            "organisation": organisation,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "today": today,
            "is_employer": organisation.is_employer,
        },
    )


@require_GET
def declaration(request, public_id, declaration_id):
    organisation = _organisation(request, public_id)
    declaration = _declaration(organisation, declaration_id)
    today = timezone.localdate()
    lines = list(
        declaration.lines.select_related("person", "employer").order_by(
            "status", "partner_unique_id", "pk"
        )
    )
    corrections = lifecycle.correction_messages(lines)
    rows = [_line_row(line, today, corrections) for line in lines]
    _journal_reads(
        request,
        organisation,
        [line.person for line in lines],
        "Déclaration de formations de prévention",
    )
    line_names = {str(line.public_id): line.partner_unique_id for line in lines}
    events = lifecycle.history(lines=lines, declarations=[declaration])
    for item in events:
        item.line_name = line_names.get(item.line_id, "")
    active = sum(1 for line in lines if line.status == LineStatus.ACTIVE)
    return render(
        request,
        "pro/prevention/declarations_detail.html",
        {
            "organisation": organisation,
            "declaration": declaration,
            "rows": rows,
            "active": active,
            "history": events,
            "today": today,
            "reprise": lifecycle.is_reprise(declaration),
            "duplicates": lifecycle.provider_duplicates(declaration),
        },
    )


# --- Corrections and cancellation -------------------------------------------------------


def _date_field(label, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )


def _reason_field(label="Motif"):
    return forms.CharField(
        label=label,
        max_length=255,
        help_text="Obligatoire. Le titulaire le lit dans l'historique de son passeport.",
        error_messages={"required": "Le motif est obligatoire."},
    )


def _codes(value: str) -> list[str]:
    return [part for part in re.split(r"[\s/,;]+", value or "") if part]


def _yes_no(value) -> str:
    if value is None or value == "":
        return ""
    return "OUI" if value else "NON"


class ColumnsForm(DsfrBaseForm):
    """A form whose fields stand for official columns (`COLUMNS`); the rules' errors are
    put back on the field of their column."""

    COLUMNS: dict[str, str] = {}
    JDR_ONLY: tuple[str, ...] = ()

    def __init__(self, *args, kind, values=None, **kwargs):
        if values is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(values)
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind != DeclarationKind.JDR:
            for name in self.JDR_ONLY:
                self.fields.pop(name, None)

    def initial_from(self, values: dict) -> dict:
        initial = {}
        for name, column in self.COLUMNS.items():
            value = values.get(column)
            if isinstance(value, bool) or (
                value is None and column.startswith(("PRESENCE", "FORMATION_"))
            ):
                value = _yes_no(value)
            elif isinstance(value, list):
                value = value if name == "trainer_qualifications" else "/".join(value)
            initial[name] = value
        return initial

    def changes(self) -> dict:
        data = self.cleaned_data
        changes = {}
        for name, column in self.COLUMNS.items():
            if name not in self.fields:
                continue
            value = data.get(name)
            if name in self.CODE_FIELDS:
                value = _codes(value)
            changes[column] = value
        return changes

    CODE_FIELDS: tuple[str, ...] = ()

    def add_rule_errors(self, errors) -> None:
        by_column = {column: name for name, column in self.COLUMNS.items() if name in self.fields}
        for error in errors:
            name = by_column.get(error.column)
            message = error.message if name else f"{error.column} : {error.message}"
            self.add_error(name, message)


class LineForm(ColumnsForm):
    COLUMNS = {
        "birth_name": "NOM_TITULAIRE",
        "employer_present": "PRESENCE_EMPLOYEUR",
        "employer_siret": "SIRET_EMPLOYEUR",
        "employer_reference": "REFERENCE_EMPLOYEUR",
        "valid_from": "DATE_DEBUT_VALIDITE",
        "valid_until": "DATE_FIN_VALIDITE",
        "result": "RESULTAT_OBTENU",
        "mention": "MENTION_OBTENUE",
        "proof_url": "LIEN_PREUVE",
        "proof_id": "IDENTIFIANT_PREUVE",
    }
    JDR_ONLY = ("result", "mention", "proof_url", "proof_id")

    birth_name = forms.CharField(label="Nom de naissance du stagiaire", max_length=30)
    employer_present = forms.ChoiceField(
        label="Formation à l'initiative d'un employeur", choices=YES_NO, widget=forms.RadioSelect
    )
    employer_siret = forms.CharField(label="SIRET de l'employeur", required=False, max_length=17)
    employer_reference = forms.CharField(
        label="Référence de l'employeur", required=False, max_length=255
    )
    valid_from = _date_field("Début de validité")
    valid_until = _date_field(
        "Fin de validité", required=False, help_text="Laissez vide si elle n'expire pas."
    )
    result = forms.CharField(label="Résultat obtenu", required=False, max_length=255)
    mention = forms.CharField(label="Mention obtenue", required=False, max_length=255)
    proof_url = forms.CharField(label="Lien vers la preuve", required=False, max_length=500)
    proof_id = forms.CharField(label="Identifiant de la preuve", required=False, max_length=255)
    reason = _reason_field("Motif de la correction")


class TrainingForm(ColumnsForm):
    COLUMNS = {
        "reference": "REFERENCE_DECLARATION",
        "jdr_type": "TYPE_JDR",
        "jdr_name": "NOM_JDR",
        "option_speciality": "NOM_OPTION_SPECIALITE",
        "award_mode": "MODE_OBTENTION",
        "training_present": "PRESENCE_FORMATION",
        "title": "NOM_FORMATION",
        "start_date": "DATE_DEBUT_FORMATION",
        "end_date": "DATE_FIN_FORMATION",
        "modality": "MODALITE_DISPENSE",
        "transferable_skills": "COMPETENCE_TRANSFERABLE",
        "trainer_qualifications": "QUALIFICATION_FORMATEUR",
        "certifying": "FORMATION_CERTIFIANTE",
        "certification_code": "CERTIFICATION_VISEE",
        "formacodes": "DOMAINE_FORMATION",
        "nsf_codes": "SPECIALITE_FORMATION",
    }
    JDR_ONLY = ("jdr_type", "jdr_name", "option_speciality", "award_mode", "training_present")
    CODE_FIELDS = ("transferable_skills", "formacodes", "nsf_codes")

    reference = forms.CharField(label="Référence de la déclaration", max_length=255)
    jdr_type = forms.ChoiceField(label="Type de justificatif", choices=JdrType.choices)
    jdr_name = forms.CharField(label="Intitulé du justificatif", max_length=500)
    option_speciality = forms.CharField(
        label="Option ou spécialité", required=False, max_length=255
    )
    award_mode = forms.ChoiceField(label="Mode d'obtention", choices=AwardMode.choices)
    training_present = forms.ChoiceField(
        label="Une formation a été suivie", choices=YES_NO, widget=forms.RadioSelect
    )
    title = forms.CharField(label="Intitulé de la formation", required=False, max_length=500)
    start_date = _date_field("Début de la formation", required=False)
    end_date = _date_field("Fin de la formation", required=False)
    modality = forms.ChoiceField(
        label="Modalité", required=False, choices=[("", "Non précisée"), *Modality.choices]
    )
    transferable_skills = forms.CharField(
        label="Compétences transférables (codes ROME)",
        max_length=200,
        help_text="3 à 10 codes ROME séparés par « / », par exemple H2909/H2913/I1304.",
    )
    trainer_qualifications = forms.MultipleChoiceField(
        label="Qualification des formateurs",
        required=False,
        choices=TrainerQualification.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    certifying = forms.ChoiceField(
        label="Formation certifiante", required=False, choices=YES_NO, widget=forms.RadioSelect
    )
    certification_code = forms.CharField(
        label="Certification visée (code RS ou RNCP)", required=False, max_length=20
    )
    formacodes = forms.CharField(
        label="Domaines de formation (Formacode)",
        required=False,
        max_length=100,
        help_text="1 à 5 Formacodes séparés par « / » si la formation n'est pas certifiante.",
    )
    nsf_codes = forms.CharField(
        label="Spécialités de formation (NSF)",
        required=False,
        max_length=50,
        help_text="1 à 3 codes NSF séparés par « / » si la formation n'est pas certifiante.",
    )
    reason = _reason_field("Motif de la correction")


class CancelForm(DsfrBaseForm):
    reason = _reason_field("Motif de l'annulation")


def _actor(request, organisation) -> Actor:
    return lifecycle.member_actor(request.user, organisation)


def _correct(request, organisation, declaration, form, apply):
    """Runs a correction; on a rule error, puts it back on the form (and rolls back)."""
    try:
        with transaction.atomic():
            correction = apply()
    except lifecycle.LifecycleError as error:
        if error.errors:
            form.add_rule_errors(error.errors)
        else:
            form.add_error(None, error.message)
        return None
    n = len(correction.lines)
    messages.success(
        request,
        f"Correction enregistrée : {n} entrée{'s' if n > 1 else ''} du passeport "
        f"mise{'s' if n > 1 else ''} à jour (nouvelle version, avec votre motif).",
    )
    return redirect(
        "pro:prevention_declaration",
        public_id=organisation.public_id,
        declaration_id=declaration.public_id,
    )


@require_http_methods(["GET", "POST"])
def declaration_correct(request, public_id, declaration_id):
    organisation = _organisation(request, public_id)
    declaration = _declaration(organisation, declaration_id)
    values = lifecycle.current_values(declaration)
    form = TrainingForm(request.POST or None, kind=declaration.kind, values=values, auto_id="%s")
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        reason = form.cleaned_data["reason"]
        response = _correct(
            request,
            organisation,
            declaration,
            form,
            lambda: lifecycle.correct_declaration(
                declaration, changes=changes, reason=reason, actor=_actor(request, organisation)
            ),
        )
        if response:
            return response
    return render(
        request,
        "pro/prevention/declarations_correct.html",
        {"organisation": organisation, "declaration": declaration, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def declaration_cancel(request, public_id, declaration_id):
    organisation = _organisation(request, public_id)
    declaration = _declaration(organisation, declaration_id)
    form = CancelForm(request.POST or None, auto_id="%s")
    if request.method == "POST" and form.is_valid():
        try:
            count = lifecycle.cancel_declaration(
                declaration,
                reason=form.cleaned_data["reason"],
                actor=_actor(request, organisation),
            )
        except lifecycle.LifecycleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Déclaration annulée : {count} ligne{'s' if count > 1 else ''} et leurs "
                "entrées du passeport. Les ID_UNIQUE_PARTENAIRE restent pris.",
            )
            return redirect(
                "pro:prevention_declaration",
                public_id=organisation.public_id,
                declaration_id=declaration.public_id,
            )
    return render(
        request,
        "pro/prevention/declarations_cancel.html",
        {"organisation": organisation, "declaration": declaration, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def line_correct(request, public_id, line_id):
    organisation = _organisation(request, public_id)
    line = _line(organisation, line_id)
    declaration = line.declaration
    form = LineForm(
        request.POST or None,
        kind=declaration.kind,
        values=lifecycle.current_values(declaration, line),
        auto_id="%s",
    )
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        reason = form.cleaned_data["reason"]
        response = _correct(
            request,
            organisation,
            declaration,
            form,
            lambda: lifecycle.correct_line(
                line, changes=changes, reason=reason, actor=_actor(request, organisation)
            ),
        )
        if response:
            return response
    _journal_reads(request, organisation, [line.person], "Ligne d'une déclaration de prévention")
    return render(
        request,
        "pro/prevention/line_correct.html",
        {
            "organisation": organisation,
            "declaration": declaration,
            "line": line,
            "trainee": trainee_name(line.person),
            "form": form,
            "cancelled": line.status == LineStatus.CANCELLED,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def line_cancel(request, public_id, line_id):
    organisation = _organisation(request, public_id)
    line = _line(organisation, line_id)
    form = CancelForm(request.POST or None, auto_id="%s")
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.cancel_line(
                line, reason=form.cleaned_data["reason"], actor=_actor(request, organisation)
            )
        except lifecycle.LifecycleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Ligne « {line.partner_unique_id} » annulée, ainsi que l'entrée du passeport "
                "du titulaire. Son ID_UNIQUE_PARTENAIRE reste pris.",
            )
            return redirect(
                "pro:prevention_declaration",
                public_id=organisation.public_id,
                declaration_id=line.declaration.public_id,
            )
    _journal_reads(request, organisation, [line.person], "Ligne d'une déclaration de prévention")
    return render(
        request,
        "pro/prevention/line_cancel.html",
        {
            "organisation": organisation,
            "declaration": line.declaration,
            "line": line,
            "trainee": trainee_name(line.person),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


# --- The employer's verification --------------------------------------------------------

REVIEW_FILTERS = [
    (ReviewStatus.PENDING, "À vérifier"),
    (ReviewStatus.CORRECTION_REQUESTED, "Correction demandée"),
    (ReviewStatus.CONFIRMED, "Confirmées"),
    (ReviewStatus.DEEMED_VERIFIED, "Réputées vérifiées"),
    ("all", "Toutes"),
]


class ReviewFilterForm(DsfrBaseForm):
    etat = forms.ChoiceField(
        label="État de la vérification", required=False, choices=REVIEW_FILTERS
    )


class RequestCorrectionForm(DsfrBaseForm):
    message = forms.CharField(
        label="Ce qui doit être corrigé",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="L'organisme de formation le lit sur sa déclaration. N'y mettez pas le "
        "numéro de sécurité sociale du salarié.",
        error_messages={"required": "Décrivez ce qui doit être corrigé."},
    )


def _employer(request, public_id) -> Organisation:
    organisation = _organisation(request, public_id)
    if not organisation.is_employer:
        raise PermissionDenied
    return organisation


def _lines_to_review(organisation):
    return (
        DeclarationLine.objects.filter(employer=organisation)
        .exclude(review_status=ReviewStatus.NOT_APPLICABLE)
        .exclude(declarant=organisation)
    )


@require_GET
def reviews(request, public_id):
    organisation = _employer(request, public_id)
    today = timezone.localdate()
    form = ReviewFilterForm(request.GET or None, auto_id="filtre_%s")
    state = (form.cleaned_data.get("etat") if form.is_valid() else "") or ReviewStatus.PENDING
    lines = _lines_to_review(organisation)
    counts = {
        status: lines.filter(
            lifecycle.effective_review_q(status, today), status=LineStatus.ACTIVE
        ).count()
        for status, _ in REVIEW_FILTERS[:-1]
    }
    if state != "all":
        lines = lines.filter(lifecycle.effective_review_q(state, today))
        if state == ReviewStatus.PENDING:
            lines = lines.filter(status=LineStatus.ACTIVE)
    page = Paginator(
        lines.select_related("declaration__declarant", "person").order_by("review_deadline", "pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    rows = [_line_row(line, today) for line in page]
    _journal_reads(
        request,
        organisation,
        [line.person for line in page],
        "Vérification des déclarations de prévention des organismes de formation",
    )
    return render(
        request,
        "pro/prevention/review_list.html",
        {
            "organisation": organisation,
            "form": form,
            "state": state,
            "state_label": dict(REVIEW_FILTERS)[state],
            "counts": [(status, label, counts[status]) for status, label in REVIEW_FILTERS[:-1]],
            "page": page,
            "rows": rows,
            "today": today,
        },
    )


def _line_for_review(request, organisation, line_id) -> DeclarationLine:
    line = get_object_or_404(
        DeclarationLine.objects.select_related("declaration__declarant", "person", "employer"),
        public_id=line_id,
        employer=organisation,
    )
    if not lifecycle.can_review_line(request.user, line):
        raise Http404
    return line


def _notify_provider(line, organisation) -> None:
    """E-mails the provider's administrators that a correction is asked, once committed.
    Nothing about the trainee in the message: a link to the declaration's page."""
    declarant = line.declaration.declarant
    recipients = sorted(
        {
            email.lower()
            for email in declarant.memberships.filter(
                role=MembershipRole.ADMIN, user__is_active=True
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        }
    )
    if not recipients:
        return
    url = settings.SITE_URL.rstrip("/") + reverse(
        "pro:prevention_declaration", args=[declarant.public_id, line.declaration.public_id]
    )
    body = (
        f"Bonjour,\n\n{organisation.name} demande une correction de la déclaration de "
        f"prévention « {line.declaration.declaration_id} » de {declarant.name} "
        f"(ligne {line.partner_unique_id}).\n\nLe message de l'employeur et la ligne à "
        f"corriger sont sur la page de la déclaration :\n{url}\n\n— Passeport de compétences\n"
    )
    emails = [
        EmailMessage(
            subject=f"Correction demandée par {organisation.name} sur une déclaration de "
            "prévention",
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email],
        )
        for email in recipients
    ]

    send_after_commit(emails, "prevention_review_correction")


@require_http_methods(["GET", "POST"])
def review(request, public_id, line_id):
    organisation = _employer(request, public_id)
    line = _line_for_review(request, organisation, line_id)
    today = timezone.localdate()
    form = RequestCorrectionForm(
        request.POST if request.POST.get("action") == "correction" else None, auto_id="%s"
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                lifecycle.confirm(line, organisation=organisation, user=request.user, today=today)
                messages.success(
                    request, "Déclaration confirmée. L'organisme de formation le voit."
                )
                return redirect("pro:prevention_review", public_id=public_id, line_id=line_id)
            if action == "correction" and form.is_valid():
                lifecycle.request_correction(
                    line,
                    organisation=organisation,
                    user=request.user,
                    message=form.cleaned_data["message"],
                    today=today,
                )
                _notify_provider(line, organisation)
                messages.success(
                    request,
                    f"Demande de correction transmise à {line.declaration.declarant.name}.",
                )
                return redirect("pro:prevention_review", public_id=public_id, line_id=line_id)
            if action not in ("confirm", "correction"):
                messages.error(request, "Choisissez « Confirmer » ou « Demander une correction ».")
        except lifecycle.LifecycleError as error:
            messages.error(request, error.message)
            return redirect("pro:prevention_review", public_id=public_id, line_id=line_id)
    line.refresh_from_db()
    _journal_reads(
        request,
        organisation,
        [line.person],
        "Vérification d'une déclaration de prévention d'un organisme de formation",
    )
    events = lifecycle.history(lines=[line])
    return render(
        request,
        "pro/prevention/review.html",
        {
            "organisation": organisation,
            "line": line,
            "declaration": line.declaration,
            "row": _line_row(line, today),
            "form": form,
            "history": events,
            "today": today,
        },
        status=400 if form.errors else 200,
    )


class RepriseForm(DsfrBaseForm):
    reference_day = _date_field(
        "Fin de la formation (ou début de validité du justificatif)",
        help_text="Le délai de l'organisme de formation court à partir de cette date.",
    )


@require_GET
def reprise(request, public_id):
    organisation = _employer(request, public_id)
    today = timezone.localdate()
    form = RepriseForm(request.GET or None, auto_id="%s")
    window = None
    if form.is_bound and form.is_valid():
        window = lifecycle.reprise_window(form.cleaned_data["reference_day"])
    own = list(
        Declaration.objects.filter(
            declarant=organisation, declarant_role=DeclarantRole.EMPLOYER
        ).order_by("-created_at", "-pk")[:200]
    )
    reprises = []
    for item in own:
        if lifecycle.is_reprise(item):
            reprises.append(
                {"declaration": item, "duplicates": lifecycle.provider_duplicates(item)}
            )
    return render(
        request,
        "pro/prevention/review_reprise.html",
        {
            "organisation": organisation,
            "form": form,
            "window": window,
            "window_state": window.state_on(today) if window else "",
            "reprises": reprises,
            "today": today,
        },
    )


# --- Eligibility ------------------------------------------------------------------------


@login_not_required
@require_GET
def eligibility(request):
    """One question per step; the answers so far travel as hidden fields (no JavaScript,
    no session), so that the questionnaire works for anyone and can be bookmarked."""
    today = timezone.localdate()
    answers = rules_of_eligibility.clean(request.GET)
    question = rules_of_eligibility.next_question(answers, today)
    verdict = rules_of_eligibility.evaluate(answers, today)
    steps = []
    previous: dict[str, str] = {}
    for asked, label in rules_of_eligibility.summary(answers):
        # "Modifier" goes back to this question with the earlier answers kept.
        steps.append({"question": asked, "label": label, "query": urlencode(previous)})
        previous[asked.key] = answers[asked.key]
    invalid = question is not None and request.GET.get("etape") == question.key
    return render(
        request,
        "pro/prevention/eligibility.html",
        {
            "question": question,
            "answers": answers,
            "steps": steps,
            "verdict": verdict,
            "step_number": len(answers) + 1,
            "total_steps": len(rules_of_eligibility.QUESTIONS),
            "today": today,
            "invalid": invalid,
        },
    )
