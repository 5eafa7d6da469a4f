"""Forms of the catalogue: the provider's offer (training, action, session), the search,
and the actions on a training file. Amounts are typed in euros and stored in cents."""

from decimal import Decimal, InvalidOperation

from django import forms
from dsfr.forms import DsfrBaseForm

from .enums import CodeKind, EnrolmentStatus, Modality, ReasonCode
from .files import EXIT_REASONS, REASONS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class EurosField(forms.CharField):
    """An amount in euros (« 1 250,50 ») → integer cents."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        text = value.replace("\u202f", "").replace(" ", "").replace("€", "").replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation as error:
            raise forms.ValidationError("Montant en euros attendu, par exemple 1250,50.") from error
        if amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount > 1_000_000:
            raise forms.ValidationError("Montant en euros positif, au centime près.")
        return int(amount * 100)


def _codes(text: str) -> list[str]:
    return [code.strip().upper() for code in text.replace(";", ",").split(",") if code.strip()]


class TrainingForm(DsfrBaseForm):
    provider_ref = forms.CharField(
        label="Votre identifiant de la formation",
        max_length=100,
        help_text="Celui de votre logiciel : il permet de mettre à jour la formation par import.",
    )
    title = forms.CharField(label="Intitulé", max_length=255)
    objectives = forms.CharField(label="Objectifs", widget=forms.Textarea(attrs={"rows": 3}))
    content = forms.CharField(
        label="Contenu", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    expected_results = forms.CharField(
        label="Résultats attendus", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    certification_code = forms.CharField(
        label="Certification visée (RNCP ou RS)",
        max_length=20,
        required=False,
        help_text="Par exemple RNCP37827 ou RS5286.",
    )
    level = forms.IntegerField(
        label="Niveau européen",
        required=False,
        min_value=1,
        max_value=8,
        help_text="De 1 à 8 ; par défaut celui de la certification.",
    )
    has_prerequisites = forms.BooleanField(label="La formation a des prérequis", required=False)
    formacodes = forms.CharField(
        label="Formacodes", required=False, help_text="Jusqu'à 5, séparés par des virgules."
    )
    nsf_codes = forms.CharField(label="Codes NSF", required=False, help_text="Jusqu'à 3.")
    rome_codes = forms.CharField(
        label="Codes ROME",
        required=False,
        help_text="Jusqu'à 5 ; par défaut ceux de la fiche de la certification.",
    )

    def codes(self) -> dict[str, list[str]]:
        data = self.cleaned_data
        codes = {
            CodeKind.FORMACODE: _codes(data["formacodes"]),
            CodeKind.NSF: [c.lower() for c in _codes(data["nsf_codes"])],
            CodeKind.ROME: _codes(data["rome_codes"]),
        }
        return {kind: values for kind, values in codes.items() if values}


class ActionForm(DsfrBaseForm):
    provider_ref = forms.CharField(label="Votre identifiant de l'action", max_length=100)
    price = EurosField(label="Prix TTC (euros)")
    hours = forms.IntegerField(label="Durée (heures)", min_value=1, max_value=10_000)
    modality = forms.ChoiceField(label="Modalité", choices=Modality.choices)
    commune_code = forms.CharField(
        label="Commune (code INSEE)",
        max_length=5,
        required=False,
        help_text="Obligatoire en présentiel ou en mixte, par exemple 69123 pour Lyon.",
    )
    prerequisites = forms.CharField(
        label="Prérequis", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SessionForm(DsfrBaseForm):
    provider_ref = forms.CharField(label="Votre identifiant de la session", max_length=100)
    start_date = forms.DateField(label="Début", widget=DateInput())
    end_date = forms.DateField(label="Fin", widget=DateInput())
    enrolment = forms.ChoiceField(label="Inscriptions", choices=EnrolmentStatus.choices)
    capacity = forms.IntegerField(label="Places", required=False, min_value=1, max_value=10_000)


class SearchForm(DsfrBaseForm):
    q = forms.CharField(
        label="Quelle formation cherchez-vous ?",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    certification = forms.CharField(
        label="Certification (RNCP ou RS)", max_length=20, required=False
    )
    rome = forms.CharField(label="Métier visé (code ROME)", max_length=5, required=False)
    department = forms.CharField(label="Département (code)", max_length=3, required=False)
    region = forms.CharField(label="Région (code)", max_length=3, required=False)
    remote = forms.BooleanField(label="À distance ou mixte", required=False)
    max_price = EurosField(label="Prix maximum (euros)", required=False)
    start_from = forms.DateField(label="Début à partir du", required=False, widget=DateInput())
    level = forms.IntegerField(label="Niveau européen", min_value=1, max_value=8, required=False)


class ApplyForm(DsfrBaseForm):
    message = forms.CharField(
        label="Message à l'organisme (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _reason_choices(state):
    return [(code.value, code.label) for code in REASONS[state]]


class ReasonForm(DsfrBaseForm):
    reason = forms.ChoiceField(label="Motif")
    detail = forms.CharField(label="Précisions (facultatif)", required=False, max_length=500)

    def __init__(self, *args, state: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = _reason_choices(state)


class ProposalForm(DsfrBaseForm):
    price = EurosField(label="Prix TTC proposé (euros)")
    start_date = forms.DateField(label="Début", widget=DateInput())
    end_date = forms.DateField(label="Fin", widget=DateInput())
    hours = forms.IntegerField(label="Durée (heures)", min_value=1, max_value=10_000)


class EntryForm(DsfrBaseForm):
    entered_on = forms.DateField(label="Date d'entrée en formation", widget=DateInput())


class ExitForm(DsfrBaseForm):
    exited_on = forms.DateField(label="Date de sortie", widget=DateInput())
    reason = forms.ChoiceField(
        label="Motif de sortie",
        choices=[(code.value, ReasonCode(code).label) for code in EXIT_REASONS],
    )


class ServiceDoneForm(DsfrBaseForm):
    completion_percent = forms.IntegerField(
        label="Taux de réalisation (%)", min_value=0, max_value=100
    )
    absence_hours = forms.IntegerField(label="Heures d'absence", min_value=0, initial=0)
    certification_obtained = forms.TypedChoiceField(
        label="Certification obtenue",
        choices=[("", "Sans objet (formation non certifiante)"), ("1", "Oui"), ("0", "Non")],
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
    )
