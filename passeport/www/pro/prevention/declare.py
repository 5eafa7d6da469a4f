"""Declaring prevention trainings by the web form (one training, N trainees), for the
members of training providers and employers; and the pages' home.

The form builds the official line of each trainee and goes through the same rules and
`services.Declarer` as the file, API and command channels; all or nothing, errors put
back on their fields. An htmx endpoint checks one trainee row as it is typed."""

import uuid

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passeport.core.digits import ascii_int
from passeport.people.matching import MatchError, match_many_by_nir
from passeport.prevention.enums import (
    Channel,
    DeclarationKind,
)
from passeport.prevention.lines import COLUMNS
from passeport.prevention.models import Declaration, PreventionImport
from passeport.prevention.rules import Rules
from passeport.prevention.services import ACCEPTED, DUPLICATE, Declarer, roles_of
from passeport.referentials.search import search_rome

from .access import declaring_organisation
from .forms import MAX_TRAINEE_ROWS, DeclarationForm, TraineeForm, TraineeFormSet
from .messages import in_form_words

TRAINING_FIELDS = {
    "REFERENCE_DECLARATION": "reference",
    "ID_DECLARATION": "reference",
    "NOM_FORMATION": "title",
    "DATE_DEBUT_FORMATION": "start_date",
    "DATE_FIN_FORMATION": "end_date",
    "MODALITE_DISPENSE": "modality",
    "COMPETENCE_TRANSFERABLE": "transferable_skills",
    "QUALIFICATION_FORMATEUR": "trainer_qualifications",
    "FORMATION_CERTIFIANTE": "certifying",
    "CERTIFICATION_VISEE": "certification_code",
    "DOMAINE_FORMATION": "formacodes",
    "SPECIALITE_FORMATION": "nsf_codes",
    "DATE_DEBUT_VALIDITE": "valid_from",
    "DATE_FIN_VALIDITE": "valid_until",
    "TYPE_JDR": "jdr_type",
    "NOM_JDR": "jdr_name",
    "NOM_OPTION_SPECIALITE": "option_speciality",
    "MODE_OBTENTION": "award_mode",
    "PRESENCE_FORMATION": "training_present",
}
TRAINEE_FIELDS = {
    "NIR": "nir",
    "NOM_TITULAIRE": "birth_name",
    "PRESENCE_EMPLOYEUR": "employer_siret",
    "SIRET_EMPLOYEUR": "employer_siret",
    "REFERENCE_EMPLOYEUR": "employer_reference",
    "RESULTAT_OBTENU": "result",
    "MENTION_OBTENUE": "mention",
    "LIEN_PREUVE": "proof_url",
    "IDENTIFIANT_PREUVE": "proof_id",
    "ID_UNIQUE_PARTENAIRE": "nir",
}


def _values(form: DeclarationForm, trainee: dict, partner_id: str) -> dict:
    data = form.cleaned_data
    siret = (trainee.get("employer_siret") or "").strip()
    return {
        "ID_DECLARATION": data["declaration_id"],
        "REFERENCE_DECLARATION": data["reference"],
        "ID_UNIQUE_PARTENAIRE": partner_id,
        "NOM_FORMATION": data.get("title", ""),
        "DATE_DEBUT_FORMATION": data.get("start_date"),
        "DATE_FIN_FORMATION": data.get("end_date"),
        "MODALITE_DISPENSE": data.get("modality", ""),
        "COMPETENCE_TRANSFERABLE": data["transferable_skills"],
        "QUALIFICATION_FORMATEUR": list(data.get("trainer_qualifications") or []),
        "FORMATION_CERTIFIANTE": data.get("certifying", ""),
        "CERTIFICATION_VISEE": data.get("certification_code", ""),
        "DOMAINE_FORMATION": data.get("formacodes", ""),
        "SPECIALITE_FORMATION": data.get("nsf_codes", ""),
        "TYPE_JDR": data.get("jdr_type", ""),
        "NOM_JDR": data.get("jdr_name", ""),
        "NOM_OPTION_SPECIALITE": data.get("option_speciality", ""),
        "MODE_OBTENTION": data.get("award_mode", ""),
        "PRESENCE_FORMATION": data.get("training_present", ""),
        "NIR": trainee.get("nir", ""),
        "NOM_TITULAIRE": trainee.get("birth_name", ""),
        "PRESENCE_EMPLOYEUR": "OUI" if siret else "NON",
        "SIRET_EMPLOYEUR": siret,
        "REFERENCE_EMPLOYEUR": trainee.get("employer_reference", ""),
        "DATE_DEBUT_VALIDITE": data["valid_from"],
        "DATE_FIN_VALIDITE": data.get("valid_until"),
        "RESULTAT_OBTENU": trainee.get("result", ""),
        "MENTION_OBTENUE": trainee.get("mention", ""),
        "LIEN_PREUVE": trainee.get("proof_url", ""),
        "IDENTIFIANT_PREUVE": trainee.get("proof_id", ""),
    }


class _Rollback(Exception):
    pass


@require_GET
def home(request, public_id):
    organisation = declaring_organisation(request, public_id)
    imports = Paginator(
        PreventionImport.objects.filter(declarant=organisation).order_by("-created_at", "-pk"),
        20,
    ).get_page(request.GET.get("page"))
    declarations = Declaration.objects.filter(declarant=organisation).order_by(
        "-created_at", "-pk"
    )[:20]
    return render(
        request,
        "pro/prevention/home.html",
        {
            "organisation": organisation,
            "imports": imports,
            "declarations": declarations,
            "kinds": DeclarationKind.choices,
        },
    )


@require_http_methods(["GET", "POST"])
def declare(request, public_id):
    organisation = declaring_organisation(request, public_id)
    kind = request.GET.get("type", DeclarationKind.ADF).upper()
    if kind not in COLUMNS:
        raise Http404
    roles = roles_of(organisation)
    status = 200
    if request.method == "POST" and "add_row" not in request.POST:
        form = DeclarationForm(request.POST, kind=kind, roles=roles)
        trainees = TraineeFormSet(request.POST, form_kwargs={"kind": kind}, prefix="stagiaires")
        if form.is_valid() and trainees.is_valid():
            declaration = _declare(request, organisation, kind, form, trainees)
            if declaration is not None:
                messages.success(
                    request,
                    f"Déclaration enregistrée : à déclarer au plus tard le "
                    f"{declaration.declare_before:%d/%m/%Y}"
                    + (" (déclarée en retard)." if declaration.late else "."),
                )
                return redirect("pro:prevention_home", public_id=organisation.public_id)
        status = 400
    elif request.method == "POST":
        # "Add a trainee" (no JavaScript needed): the same values, one more empty row,
        # nothing checked yet.
        form, trainees = _unbound_copy(request.POST, kind, roles)
    else:
        form = DeclarationForm(
            kind=kind,
            roles=roles,
            initial={"declaration_id": f"WEB-{uuid.uuid4().hex[:12].upper()}"},
        )
        trainees = TraineeFormSet(
            form_kwargs={"kind": kind}, prefix="stagiaires", initial=[{}] * _row_count(request)
        )
    rome_query = request.GET.get("rome", "").strip()
    return render(
        request,
        "pro/prevention/declare.html",
        {
            "organisation": organisation,
            "kind": kind,
            "kind_label": DeclarationKind(kind).label,
            "form": form,
            "trainees": trainees,
            "rome_query": rome_query,
            "rome_results": list(search_rome(rome_query, limit=15)) if rome_query else [],
        },
        status=status,
    )


def _row_count(request) -> int:
    asked = ascii_int(request.GET.get("stagiaires", "3"))
    return 3 if asked is None else max(1, min(MAX_TRAINEE_ROWS, asked))


def _unbound_copy(data, kind, roles):
    form = DeclarationForm(kind=kind, roles=roles)
    form.initial = {
        name: data.getlist(name)
        if isinstance(field, forms.MultipleChoiceField)
        else data.get(name, "")
        for name, field in form.fields.items()
    }
    total = max(
        0, min(MAX_TRAINEE_ROWS - 1, ascii_int(data.get("stagiaires-TOTAL_FORMS", "")) or 0)
    )
    rows = [
        {name: data.get(f"stagiaires-{i}-{name}", "") for name in TraineeForm.base_fields}
        for i in range(total)
    ]
    trainees = TraineeFormSet(form_kwargs={"kind": kind}, prefix="stagiaires", initial=[*rows, {}])
    return form, trainees


def _declare(request, organisation, kind, form, trainees):
    """All or nothing: the trainees are declared only if every one passes; otherwise the
    errors go back to their fields."""
    data = form.cleaned_data
    filled = [(index, sub) for index, sub in enumerate(trainees.forms) if not sub.is_blank]
    rules = Rules(kind, organisation, data["role"])
    rows = []
    for number, (index, sub) in enumerate(filled, start=1):
        partner_id = f"{data['declaration_id']}-{index + 1:03d}"
        rows.append((number, rules.row_from_mapping(_values(form, sub.cleaned_data, partner_id))))
    declarer = Declarer(
        kind,
        organisation,
        data["role"],
        Channel.WEB,
        user=request.user,
        source_label="formulaire en ligne",
    )
    try:
        with transaction.atomic():
            results = declarer.declare(rows)
            if any(r.status not in (ACCEPTED, DUPLICATE) for r in results):
                raise _Rollback
    except _Rollback:
        seen = set()
        for result, (_index, sub) in zip(results, filled, strict=True):
            for error in result.errors:
                if error.column in TRAINEE_FIELDS:
                    message = in_form_words(error.message, sub, TRAINEE_FIELDS)
                    sub.add_error(TRAINEE_FIELDS[error.column], message)
                elif (error.column, error.message) not in seen:
                    seen.add((error.column, error.message))
                    field = TRAINING_FIELDS.get(error.column)
                    message = in_form_words(error.message, form, TRAINING_FIELDS)
                    form.add_error(field if field in form.fields else None, message)
        return None
    return next((r.declaration for r in results if r.declaration is not None), None) or (
        Declaration.objects.filter(
            declarant=organisation, declaration_id=data["declaration_id"]
        ).first()
    )


@require_POST
def check_trainee(request, public_id):
    """htmx: says at once whether a trainee row's NIR + birth name match a holder (no
    identity is shown back, only whether it matches and why not)."""
    declaring_organisation(request, public_id)
    prefix = request.POST.get("prefix", "")
    nir = request.POST.get(f"{prefix}-nir", "").strip()
    name = request.POST.get(f"{prefix}-birth_name", "").strip()
    message, ok = "", False
    if nir and name:
        cleaned = nir.replace(" ", "")
        if len(cleaned) != 13:
            message = f"Le NIR doit comporter 13 caractères, sans la clé ({len(cleaned)} reçus)."
        else:
            match = match_many_by_nir([(cleaned, name)])[0]
            if isinstance(match, MatchError):
                message = match.message
            else:
                ok, message = True, "NIR et nom de naissance reconnus."
    return render(
        request,
        "pro/prevention/_trainee_check.html",
        {"message": message, "ok": ok, "prefix": prefix},
    )
