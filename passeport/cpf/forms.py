"""The CPF forms: the holder's situation, conversion and volunteer hours; the bodies' and
public employers' declarations; the public simulator."""

import datetime
from decimal import Decimal

from django import forms
from django.core.validators import FileExtensionValidator
from dsfr.forms import DsfrBaseForm

from passeport.core.forms import UPLOAD_TEMPLATE
from passeport.organisations.models import Organisation

from . import rules
from .conversion import DIRECTIONS
from .enums import CecActivity
from .imports import MAX_BYTES


class SituationForm(DsfrBaseForm):
    low_qualified = forms.BooleanField(
        label="Je n'ai pas de diplôme ou de titre de niveau 3 (CAP, BEP) ou plus",
        required=False,
        help_text="Vos droits sont alors de 800 € par an, plafonnés à 8 000 €, tant qu'aucune "
        "certification de niveau 3 ou plus n'est connue de votre passeport.",
    )
    disability = forms.BooleanField(
        label="Je bénéficie de l'obligation d'emploi des travailleurs handicapés (RQTH…)",
        required=False,
        help_text="Vos droits sont alors de 800 € par an, plafonnés à 8 000 €.",
    )


class ConversionForm(DsfrBaseForm):
    direction = forms.ChoiceField(
        label="Sens de la conversion", choices=list(DIRECTIONS.items()), widget=forms.RadioSelect
    )
    amount = forms.DecimalField(
        label="Montant à convertir",
        help_text="En euros pour convertir des euros, en heures pour convertir des heures "
        "(15 € pour une heure ; 150 heures au plus par conversion).",
        min_value=Decimal("0.01"),
        max_value=Decimal("100000"),
        decimal_places=2,
    )

    def hundredths(self) -> int:
        """The amount in cents (euros) or hundredths of an hour (hours)."""
        return int((self.cleaned_data["amount"] * 100).to_integral_value())


def _recent_years(today: datetime.date, count: int = 3) -> list[tuple[int, str]]:
    return [(year, str(year)) for year in range(today.year, today.year - count, -1)]


class VolunteerForm(DsfrBaseForm):
    association = forms.ModelChoiceField(
        label="Association",
        queryset=Organisation.objects.none(),
        empty_label="Choisissez l'association",
    )
    year = forms.TypedChoiceField(label="Année de bénévolat", coerce=int, choices=())
    hours = forms.IntegerField(
        label="Heures de bénévolat dans cette association",
        min_value=1,
        max_value=rules.MAX_QUANTITY["heures"],
        help_text="Comme dirigeant (bureau, conseil d'administration) ou encadrant d'autres "
        "bénévoles. Il faut 200 heures dans l'année, dont 100 dans une même association.",
    )
    role = forms.CharField(label="Votre rôle", max_length=255, required=False)

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = Organisation.objects.filter(
            is_civic_body=True
        ).order_by("name")
        self.fields["year"].choices = [(today.year - 1, str(today.year - 1))]


class PersonFields(DsfrBaseForm):
    nir = forms.CharField(
        label="NIR",
        max_length=15,
        help_text="Numéro de sécurité sociale, 13 chiffres (ou 15 avec la clé).",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    birth_name = forms.CharField(label="Nom de naissance", max_length=80)


class CecDeclareForm(PersonFields):
    activity = forms.ChoiceField(label="Activité", choices=())
    year = forms.TypedChoiceField(label="Année de l'activité", coerce=int, choices=())
    quantity = forms.IntegerField(
        label="Durée dans l'année",
        min_value=1,
        max_value=rules.MAX_QUANTITY["heures"],
        help_text="Mois (service civique, maître d'apprentissage), jours (réserves militaire "
        "et sanitaire), vacations (réserve de police), heures (sapeurs-pompiers, réserve "
        "civique, association).",
    )
    engagement_years = forms.IntegerField(
        label="Années d'engagement (réserve de police)", min_value=0, required=False
    )
    role = forms.CharField(label="Mission", max_length=255, required=False)

    def __init__(self, *args, body, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [
            (value, label)
            for value, label in CecActivity.choices
            if value in (body.civic_activities or [])
        ]
        self.fields["year"].choices = _recent_years(today, 2)


class AgentDeclareForm(PersonFields):
    year = forms.TypedChoiceField(label="Année de service", coerce=int, choices=())
    months = forms.IntegerField(label="Mois de service dans l'année", min_value=1, max_value=12)
    low_qualified = forms.BooleanField(
        label="Agent de catégorie C sans qualification de niveau 3 (50 h par an, plafond 400 h)",
        required=False,
    )

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _recent_years(today, 3)


class UploadForm(DsfrBaseForm):
    file = forms.FileField(
        template_name=UPLOAD_TEMPLATE,
        label="Fichier CSV",
        help_text=f"Séparateur « ; », UTF-8, {MAX_BYTES // (1024 * 1024)} Mo au plus.",
        validators=[FileExtensionValidator(["csv", "txt"])],
    )


class RefuseForm(DsfrBaseForm):
    reason = forms.CharField(label="Motif du refus", max_length=255)


class SimulatorForm(DsfrBaseForm):
    year = forms.IntegerField(
        label="Année", min_value=rules.FIRST_EURO_YEAR, max_value=2100, initial=2025
    )
    hours = forms.DecimalField(
        label="Heures travaillées dans l'année (tous contrats)",
        min_value=0,
        max_value=8784,
        decimal_places=2,
    )
    reference_hours = forms.DecimalField(
        label="Durée de référence (heures)",
        min_value=Decimal("1"),
        max_value=8784,
        decimal_places=2,
        initial=rules.REFERENCE_HOURS,
        help_text="1 607 heures, sauf durée conventionnelle différente.",
    )
    balance = forms.DecimalField(
        label="Solde actuel de vos droits (euros)",
        min_value=0,
        max_value=100_000,
        decimal_places=2,
        initial=0,
        required=False,
    )
    low_qualified = forms.BooleanField(
        label="Sans diplôme ou titre de niveau 3 (CAP, BEP)", required=False
    )
    disability = forms.BooleanField(label="Travailleur handicapé", required=False)
