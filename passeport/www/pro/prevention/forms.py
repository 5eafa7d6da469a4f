"""The forms of the professional's prevention pages: declaring (one training and its
trainees, a file to import), the declarant's list filters, the employer's review and
reprise. Correcting and cancelling have theirs in `correction_forms`."""

from django import forms
from dsfr.forms import DsfrBaseForm

from passeport.core.forms import UPLOAD_TEMPLATE
from passeport.core.sizes import file_size
from passeport.prevention import import_limits
from passeport.prevention.enums import (
    AwardMode,
    Channel,
    DeclarantRole,
    DeclarationKind,
    JdrType,
    Modality,
    ReviewStatus,
    TrainerQualification,
)
from passeport.prevention.lines import MAX_BIRTH_NAME

YES_NO = [("OUI", "Oui"), ("NON", "Non")]
MAX_TRAINEE_ROWS = 50


def date_field(label, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )


def reason_field(label="Motif"):
    return forms.CharField(
        label=label,
        max_length=255,
        help_text="Obligatoire. Le titulaire le lit dans l'historique de son passeport.",
        error_messages={"required": "Le motif est obligatoire."},
    )


# --- Declaring: the web form and the file import ---------------------------------------


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
    start_date = date_field("Début de la formation", required=False)
    end_date = date_field("Fin de la formation", required=False)
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
    valid_from = date_field("Début de validité", help_text="Au plus tôt la fin de la formation.")
    valid_until = date_field(
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


class ImportForm(DsfrBaseForm):
    kind = forms.ChoiceField(
        label="Type de fichier", choices=DeclarationKind.choices, widget=forms.RadioSelect
    )
    role = forms.ChoiceField(label="Je déclare en qualité de", choices=DeclarantRole.choices)
    file = forms.FileField(
        template_name=UPLOAD_TEMPLATE,
        label="Fichier (CSV séparé par « | », UTF-8, ou XLSX)",
        help_text="Le modèle officiel : une ligne d'en-tête, une ligne par stagiaire.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, DeclarantRole(r).label) for r in roles]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0]
            self.fields["role"].widget = forms.HiddenInput()
        self.fields["file"].help_text += f" {file_size(import_limits.max_bytes())} au plus."

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > import_limits.max_bytes():
            raise forms.ValidationError(import_limits.too_large_message(file.size))
        return file


# --- The declarant's list ---------------------------------------------------------------


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


# --- The employer's verification and reprise ----------------------------------------------


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


class RepriseForm(DsfrBaseForm):
    reference_day = date_field(
        "Fin de la formation (ou début de validité du justificatif)",
        help_text="Le délai de l'organisme de formation court à partir de cette date.",
    )
