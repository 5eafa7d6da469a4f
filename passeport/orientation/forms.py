"""Forms of orientation: the target search, grants to counsellors, action plan steps."""

import datetime

from django import forms
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from passeport.organisations.models import Organisation

from . import grants
from .enums import GrantScope, StepStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TargetSearchForm(DsfrBaseForm):
    q = forms.CharField(
        label="Quel métier visez-vous ?",
        max_length=100,
        help_text="Un intitulé de métier, avec ou sans accents : « boulanger », « aide-soignant »…",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class GrantForm(DsfrBaseForm):
    organisation = forms.ModelChoiceField(
        label="Organisation qui vous accompagne",
        queryset=Organisation.objects.none(),
        empty_label="Choisir une organisation",
        help_text="Conseil en évolution professionnelle, France Travail, mission locale, APEC, "
        "Cap emploi.",
    )
    scopes = forms.MultipleChoiceField(
        label="Ce que ses conseillers pourront consulter",
        choices=GrantScope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Toutes les entrées des rubriques cochées, publiées ou non ; rien d'autre.",
    )
    ends_on = forms.DateField(
        label="Jusqu'au (inclus)",
        widget=DateInput(),
        help_text="Vous pourrez révoquer cet accès à tout moment avant cette date.",
    )
    purpose = forms.CharField(
        label="Objet de l'accompagnement",
        required=False,
        max_length=255,
        help_text="Par exemple : « bilan de compétences », « projet de reconversion ».",
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["organisation"].queryset = Organisation.objects.filter(
            is_counselling=True
        ).order_by("name", "pk")
        self.fields["organisation"].to_field_name = "public_id"
        # Holders know their counsellor's name, not its SIRET.
        self.fields["organisation"].label_from_instance = lambda organisation: organisation.name
        self.fields["ends_on"].initial = self.today + datetime.timedelta(days=grants.default_days())
        self.fields["ends_on"].widget.attrs.update(
            min=self.today.isoformat(),
            max=(self.today + datetime.timedelta(days=grants.max_days())).isoformat(),
        )

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on < self.today:
            raise forms.ValidationError("La date de fin ne peut pas être passée.")
        if ends_on > self.today + datetime.timedelta(days=grants.max_days()):
            raise forms.ValidationError(f"Un accès dure au plus {grants.max_days()} jours.")
        return ends_on


class StepForm(DsfrBaseForm):
    title = forms.CharField(label="Étape", max_length=255)
    detail = forms.CharField(
        label="Précisions", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(label="Échéance", required=False, widget=DateInput())


class StepStatusForm(DsfrBaseForm):
    status = forms.ChoiceField(label="État", choices=StepStatus.choices)
