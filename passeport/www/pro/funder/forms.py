import re

from django import forms
from django.core.validators import FileExtensionValidator
from dsfr.forms import DsfrBaseForm

from passeport.funding.enums import CreditKind, Modality
from passeport.funding.statements import parse_cents

CODES_HELP = "Codes séparés par des espaces ou des virgules ; vide : pas de restriction."


def codes(value: str) -> list[str]:
    return [code for code in re.split(r"[\s,;]+", value.strip().upper()) if code]


class EurosField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("help_text", "En euros, ex. 800 ou 800,50.")
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        cents = parse_cents(value)
        if cents is None:
            raise forms.ValidationError("Montant en euros attendu (ex. 800 ou 800,50).")
        return cents


class OrderForm(DsfrBaseForm):
    external_id = forms.CharField(
        label="Identifiant de votre commande",
        max_length=64,
        help_text="Le vôtre : une commande renvoyée avec le même identifiant n'est pas doublée.",
    )
    kind = forms.ChoiceField(label="Nature de l'abondement", choices=CreditKind.choices)
    transfer_reference = forms.CharField(
        label="Libellé du virement",
        max_length=26,
        help_text="Format CPF-SIREN-CVCV-JJMMAA, ex. CPF-130002785-BAFO-011226.",
    )
    ends_on = forms.DateField(
        label="Utilisable jusqu'au (facultatif)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Après cette date, ce qui n'est pas utilisé vous est rendu.",
    )
    certification = forms.CharField(
        label="Réservé aux certifications", required=False, help_text=CODES_HELP
    )
    rome = forms.CharField(label="Réservé aux métiers (ROME)", required=False, help_text=CODES_HELP)
    formacode = forms.CharField(
        label="Réservé aux Formacodes", required=False, help_text=CODES_HELP
    )
    provider = forms.CharField(
        label="Réservé aux organismes (SIRET)", required=False, help_text=CODES_HELP
    )
    file = forms.FileField(
        label="Fichier des titulaires",
        required=False,
        help_text="CSV (« ; », UTF-8) ou XLSX, colonnes nir;nom_naissance;montant_centimes.",
        validators=[FileExtensionValidator(["csv", "txt", "xlsx"])],
    )
    nir = forms.CharField(
        label="Ou un seul titulaire : NIR",
        max_length=15,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    birth_name = forms.CharField(label="Nom de naissance", max_length=80, required=False)
    amount = EurosField(label="Montant", required=False)

    def clean(self):
        data = super().clean()
        one = data.get("nir") or data.get("birth_name") or data.get("amount")
        if not data.get("file") and not one:
            raise forms.ValidationError("Joignez un fichier ou indiquez un titulaire.")
        if one and not (data.get("nir") and data.get("birth_name") and data.get("amount")):
            raise forms.ValidationError("Pour un titulaire : NIR, nom de naissance et montant.")
        return data

    def restrictions(self) -> dict[str, list[str]]:
        return {
            name: codes(self.cleaned_data[name])
            for name in ("certification", "rome", "formacode", "provider")
            if codes(self.cleaned_data[name])
        }


class EnvelopeForm(DsfrBaseForm):
    name = forms.CharField(label="Nom de l'enveloppe", max_length=120)
    budget = EurosField(label="Budget")
    alert_percent = forms.IntegerField(
        label="Seuil d'alerte (%)", min_value=1, max_value=100, initial=80
    )


class RuleForm(DsfrBaseForm):
    name = forms.CharField(label="Nom de la règle", max_length=120)
    envelope = forms.ModelChoiceField(label="Enveloppe", queryset=None)
    starts_on = forms.DateField(label="À partir du", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label="Jusqu'au (facultatif)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    fixed = EurosField(label="Montant fixe", required=False)
    percent = forms.IntegerField(
        label="Ou pourcentage du reste à charge après les droits (%)",
        min_value=1,
        max_value=100,
        required=False,
    )
    per_holder_cap = EurosField(label="Plafond par titulaire (facultatif)", required=False)
    exempts_contribution = forms.BooleanField(
        label="Exonère le titulaire de la participation forfaitaire", required=False
    )
    job_seekers_only = forms.BooleanField(label="Demandeurs d'emploi seulement", required=False)
    below_level_3_only = forms.BooleanField(
        label="Titulaires sans qualification de niveau 3 seulement", required=False
    )
    age_min = forms.IntegerField(label="Âge minimum", min_value=16, max_value=99, required=False)
    age_max = forms.IntegerField(label="Âge maximum", min_value=16, max_value=99, required=False)
    max_price = EurosField(label="Prix maximum de la formation (facultatif)", required=False)
    modalities = forms.MultipleChoiceField(
        label="Modalités (aucune cochée : toutes)",
        choices=Modality.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    certification = forms.CharField(label="Certifications", required=False, help_text=CODES_HELP)
    rome = forms.CharField(label="Métiers (ROME)", required=False, help_text=CODES_HELP)
    formacode = forms.CharField(label="Formacodes", required=False, help_text=CODES_HELP)
    provider = forms.CharField(label="Organismes (SIRET)", required=False, help_text=CODES_HELP)
    department = forms.CharField(
        label="Départements de résidence", required=False, help_text=CODES_HELP
    )
    region = forms.CharField(label="Régions de résidence", required=False, help_text=CODES_HELP)
    employer = forms.CharField(
        label="Salariés des établissements (SIRET)", required=False, help_text=CODES_HELP
    )

    TARGETS = ("certification", "rome", "formacode", "provider", "department", "region", "employer")

    def __init__(self, *args, envelopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["envelope"].queryset = envelopes

    def targets(self) -> dict[str, list[str]]:
        return {name: codes(self.cleaned_data[name]) for name in self.TARGETS}


class SimulationForm(DsfrBaseForm):
    age = forms.IntegerField(label="Âge", min_value=16, max_value=99, initial=35)
    job_seeker = forms.BooleanField(label="Demandeur d'emploi", required=False)
    below_level_3 = forms.BooleanField(label="Sans qualification de niveau 3", required=False)
    employer_siret = forms.CharField(label="SIRET de l'employeur", max_length=14, required=False)
    department_code = forms.CharField(
        label="Département de résidence", max_length=3, required=False
    )
    region_code = forms.CharField(label="Région de résidence", max_length=3, required=False)
    price = EurosField(label="Prix de la formation")
    rights = EurosField(label="Payé par les droits du titulaire", required=False)
    certification_code = forms.CharField(label="Certification", max_length=20, required=False)
    rome_code = forms.CharField(label="Métier (ROME)", max_length=10, required=False)
    formacode = forms.CharField(label="Formacode", max_length=10, required=False)
    provider_siret = forms.CharField(label="SIRET de l'organisme", max_length=14, required=False)
    modality = forms.ChoiceField(label="Modalité", choices=Modality.choices)


class StatusForm(DsfrBaseForm):
    note = forms.CharField(label="Note (facultative)", max_length=255, required=False)
