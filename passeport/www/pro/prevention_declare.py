"""Declaring prevention trainings in the professional space (training providers and
employers): the web form (one training, N trainees) and the file import (upload, status
polled with htmx, report, corrected file, templates).

The form builds the official line of each trainee and goes through the same rules and
`services.Declarer` as the file, API and command channels. A member of another
organisation, an organisation that is neither provider nor employer, a holder or an
anonymous visitor is refused (404 for objects of another organisation).
"""

import io
import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from dsfr.forms import DsfrBaseForm

from passeport.organisations.models import Membership, Organisation
from passeport.people.matching import MatchError, match_many_by_nir
from passeport.prevention import importer
from passeport.prevention.enums import (
    AwardMode,
    Channel,
    DeclarantRole,
    DeclarationKind,
    JdrType,
    Modality,
    TrainerQualification,
)
from passeport.prevention.models import Declaration, ImportRejection, PreventionImport
from passeport.prevention.rules import COLUMNS, MAX_BIRTH_NAME, Rules
from passeport.prevention.services import ACCEPTED, DUPLICATE, Declarer, roles_of
from passeport.referentials.search import search_rome
from passeport.users.enums import UserKind

REJECTIONS_SHOWN = 200
MAX_TRAINEE_ROWS = 50


# --- Permissions -------------------------------------------------------------------------


def can_declare_prevention(user, organisation) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.kind == UserKind.PROFESSIONAL
        and (organisation.is_training_provider or organisation.is_employer)
        and Membership.objects.filter(user=user, organisation=organisation).exists()
    )


def _organisation(request, public_id) -> Organisation:
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


def _import(request, public_id) -> PreventionImport:
    imported = get_object_or_404(
        PreventionImport.objects.select_related("declarant", "created_by"), public_id=public_id
    )
    if not can_declare_prevention(request.user, imported.declarant):
        raise Http404
    return imported


# --- Forms -------------------------------------------------------------------------------


def _date_field(label, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )


YES_NO = [("OUI", "Oui"), ("NON", "Non")]


class DeclarationForm(DsfrBaseForm):
    """The training (and, for a JDR, the justificatif): the official web form's fields."""

    role = forms.ChoiceField(label="Je déclare en qualité de", choices=DeclarantRole.choices)
    declaration_id = forms.CharField(widget=forms.HiddenInput)
    reference = forms.CharField(
        label="Référence de la déclaration",
        max_length=255,
        help_text="Votre référence interne (session, convention…).",
    )
    title = forms.CharField(label="Intitulé de la formation", max_length=500, required=False)
    start_date = _date_field("Début de la formation", required=False)
    end_date = _date_field("Fin de la formation", required=False)
    modality = forms.ChoiceField(
        label="Modalité", choices=[("", "Non précisée"), *Modality.choices], required=False
    )
    transferable_skills = forms.CharField(
        label="Compétences transférables (codes ROME)",
        help_text="3 à 10 codes ROME séparés par « / », par exemple H2909/H2913/I1304. "
        "Cherchez un code avec le champ de recherche ci-dessous.",
        max_length=200,
    )
    trainer_qualifications = forms.MultipleChoiceField(
        label="Qualification des formateurs",
        choices=TrainerQualification.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    certifying = forms.ChoiceField(
        label="Formation certifiante", choices=YES_NO, widget=forms.RadioSelect, required=False
    )
    certification_code = forms.CharField(
        label="Certification visée (code RS ou RNCP)",
        required=False,
        max_length=20,
        help_text="Si la formation est certifiante, par exemple RS5286.",
    )
    formacodes = forms.CharField(
        label="Domaines de formation (Formacode)",
        required=False,
        max_length=100,
        help_text="Si la formation n'est pas certifiante : 1 à 5 Formacodes séparés par « / ».",
    )
    nsf_codes = forms.CharField(
        label="Spécialités de formation (NSF)",
        required=False,
        max_length=50,
        help_text="Si la formation n'est pas certifiante : 1 à 3 codes NSF séparés par « / ».",
    )
    valid_from = _date_field("Début de validité", help_text="Au plus tôt la fin de la formation.")
    valid_until = _date_field(
        "Fin de validité",
        required=False,
        help_text="Facultative : sans elle, la durée usuelle du type de formation s'applique.",
    )
    # JDR only.
    jdr_type = forms.ChoiceField(
        label="Type de justificatif",
        choices=[("", "—"), *JdrType.choices],
        required=False,
    )
    jdr_name = forms.CharField(label="Intitulé du justificatif", max_length=500, required=False)
    option_speciality = forms.CharField(
        label="Option ou spécialité", max_length=255, required=False
    )
    award_mode = forms.ChoiceField(
        label="Mode d'obtention", choices=[("", "—"), *AwardMode.choices], required=False
    )
    training_present = forms.ChoiceField(
        label="Le justificatif fait suite à une formation",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, kind, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["role"].choices = [(r, DeclarantRole(r).label) for r in roles]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0]
            self.fields["role"].widget = forms.HiddenInput()
        if kind == DeclarationKind.ADF:
            for name in JDR_FIELDS:
                del self.fields[name]
            for name in ("title", "start_date", "end_date"):
                self.fields[name].required = True


JDR_FIELDS = ("jdr_type", "jdr_name", "option_speciality", "award_mode", "training_present")


class TraineeForm(DsfrBaseForm):
    nir = forms.CharField(
        label="NIR (13 caractères, sans la clé)",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    birth_name = forms.CharField(
        label="Nom de naissance", max_length=MAX_BIRTH_NAME, required=False
    )
    employer_siret = forms.CharField(
        label="SIRET de l'employeur",
        max_length=20,
        required=False,
        help_text="Si l'employeur est à l'initiative de la formation.",
    )
    employer_reference = forms.CharField(
        label="Référence employeur", max_length=255, required=False
    )
    result = forms.CharField(label="Résultat obtenu", max_length=255, required=False)
    mention = forms.CharField(label="Mention obtenue", max_length=255, required=False)
    proof_url = forms.CharField(label="Lien vers la preuve", max_length=500, required=False)
    proof_id = forms.CharField(label="Identifiant de la preuve", max_length=255, required=False)

    def __init__(self, *args, kind=DeclarationKind.ADF, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == DeclarationKind.ADF:
            for name in ("result", "mention", "proof_url", "proof_id"):
                del self.fields[name]

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any((data.get(name) or "").strip() for name in self.fields)


class BaseTraineeFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if all(form.is_blank for form in self.forms):
            raise forms.ValidationError("Indiquez au moins un stagiaire (NIR et nom de naissance).")


TraineeFormSet = forms.formset_factory(
    TraineeForm, formset=BaseTraineeFormSet, extra=0, max_num=MAX_TRAINEE_ROWS, validate_max=True
)

# Official column → (form, field): where the rules' errors are shown.
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


# --- Views -------------------------------------------------------------------------------


@require_GET
def home(request, public_id):
    organisation = _organisation(request, public_id)
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
    organisation = _organisation(request, public_id)
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
    try:
        return max(1, min(MAX_TRAINEE_ROWS, int(request.GET.get("stagiaires", 3))))
    except ValueError:
        return 3


def _unbound_copy(data, kind, roles):
    form = DeclarationForm(kind=kind, roles=roles)
    form.initial = {
        name: data.getlist(name)
        if isinstance(field, forms.MultipleChoiceField)
        else data.get(name, "")
        for name, field in form.fields.items()
    }
    try:
        total = int(data.get("stagiaires-TOTAL_FORMS", 0))
    except ValueError:
        total = 0
    total = max(0, min(MAX_TRAINEE_ROWS - 1, total))
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
                    sub.add_error(TRAINEE_FIELDS[error.column], error.message)
                elif (error.column, error.message) not in seen:
                    seen.add((error.column, error.message))
                    field = TRAINING_FIELDS.get(error.column)
                    form.add_error(field if field in form.fields else None, error.message)
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
    _organisation(request, public_id)
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


class ImportForm(DsfrBaseForm):
    kind = forms.ChoiceField(
        label="Type de fichier", choices=DeclarationKind.choices, widget=forms.RadioSelect
    )
    role = forms.ChoiceField(label="Je déclare en qualité de", choices=DeclarantRole.choices)
    file = forms.FileField(
        label="Fichier (CSV séparé par « | », UTF-8, ou XLSX)",
        help_text="Le modèle officiel : une ligne d'en-tête, une ligne par stagiaire. "
        "200 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, DeclarantRole(r).label) for r in roles]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0]
            self.fields["role"].widget = forms.HiddenInput()

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > importer.max_bytes():
            raise forms.ValidationError(
                f"Le fichier dépasse {importer.max_bytes() // 1_048_576} Mo : découpez-le."
            )
        return file


@require_http_methods(["GET", "POST"])
def upload(request, public_id):
    organisation = _organisation(request, public_id)
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        roles=roles_of(organisation),
        initial={"kind": request.GET.get("type", DeclarationKind.ADF).upper()},
    )
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        imported = importer.receive_import(
            file,
            kind=form.cleaned_data["kind"],
            declarant=organisation,
            role=form.cleaned_data["role"],
            user=request.user,
            file_name=file.name,
        )
        if imported.is_pending:
            importer.start_after_commit(imported)
        return redirect("pro:prevention_import", import_id=imported.public_id)
    return render(
        request,
        "pro/prevention/upload.html",
        {"organisation": organisation, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_GET
def import_detail(request, import_id):
    imported = _import(request, import_id)
    rejections = list(
        ImportRejection.objects.filter(source_import=imported).order_by("line", "pk")[
            :REJECTIONS_SHOWN
        ]
    )
    # A run stopped by a restart is resumed where its last batch ended (the claim in
    # `process_import` keeps two polls from starting two runs).
    resumed = importer.is_stale(imported)
    if resumed:
        importer.start_after_commit(imported)
    context = {
        "imported": imported,
        "resumed": resumed,
        "organisation": imported.declarant,
        "summary": importer.summary(imported),
        "rejections": rejections,
        "rejections_truncated": len(rejections) == REJECTIONS_SHOWN,
        "status_url": reverse("pro:prevention_import", args=[imported.public_id]),
    }
    if request.htmx:
        return render(request, "pro/prevention/_import_status.html", context)
    return render(request, "pro/prevention/import.html", context)


@require_GET
def import_report(request, import_id, fmt):
    imported = _import(request, import_id)
    if imported.is_pending:
        raise Http404
    out = io.StringIO()
    if fmt == "csv":
        importer.write_report_csv(imported, out)
        content_type = "text/csv; charset=utf-8"
    elif fmt == "json":
        importer.write_report_json(imported, out)
        content_type = "application/json"
    else:
        raise Http404
    response = HttpResponse(out.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="rapport-{imported.public_id}.{fmt}"'
    return response


@require_GET
def import_corrected(request, import_id):
    """The rejected lines, streamed (a large file's rejections never sit in memory)."""
    imported = _import(request, import_id)
    if imported.is_pending or not imported.rejected_count:
        raise Http404
    response = StreamingHttpResponse(
        importer.corrected_lines(imported), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{importer.corrected_file_name(imported)}"'
    )
    return response


@require_GET
def template(request, public_id, kind, fmt):
    _organisation(request, public_id)
    kind = kind.upper()
    if kind not in COLUMNS or fmt not in ("csv", "xlsx"):
        raise Http404
    if fmt == "csv":
        out = io.StringIO()
        importer.write_template_csv(kind, out)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            importer.template_xlsx(kind),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="modele-{kind.lower()}.{fmt}"'
    return response
