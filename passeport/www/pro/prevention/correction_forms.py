"""The correction and cancellation forms of prevention declarations: fields standing for
official columns (`COLUMNS`), prefilled from the stored declaration, the rules' errors
put back on the field of their column."""

import re

from django import forms
from dsfr.forms import DsfrBaseForm

from passeport.prevention.enums import (
    AwardMode,
    DeclarationKind,
    JdrType,
    Modality,
    TrainerQualification,
)

from .forms import YES_NO, date_field, reason_field
from .messages import in_form_words


def _codes(value: str) -> list[str]:
    return [part for part in re.split(r"[\s/,;]+", value or "") if part]


def _yes_no(value) -> str:
    if value is None or value == "":
        return ""
    return "OUI" if value else "NON"


# --- Corrections and cancellation ------------------------------------------------------


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
            message = in_form_words(error.message, self, by_column)
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
    valid_from = date_field("Début de validité")
    valid_until = date_field(
        "Fin de validité", required=False, help_text="Laissez vide si elle n'expire pas."
    )
    result = forms.CharField(label="Résultat obtenu", required=False, max_length=255)
    mention = forms.CharField(label="Mention obtenue", required=False, max_length=255)
    proof_url = forms.CharField(label="Lien vers la preuve", required=False, max_length=500)
    proof_id = forms.CharField(label="Identifiant de la preuve", required=False, max_length=255)
    reason = reason_field("Motif de la correction")


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
    start_date = date_field("Début de la formation", required=False)
    end_date = date_field("Fin de la formation", required=False)
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
    reason = reason_field("Motif de la correction")


class CancelForm(DsfrBaseForm):
    reason = reason_field("Motif de l'annulation")
