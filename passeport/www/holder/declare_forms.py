"""The holder's declaration forms: one per kind of entry, and the edit form of each.

One module on purpose, though longer than the house's ~400 lines: one form per kind of
entry, each short and alike, and the table mapping kinds to forms.
"""

import re

from django import forms
from django.urls import reverse
from dsfr.forms import DsfrBaseForm

from passeport.records.enums import (
    CONTRACT_NATURES,
    CertificationKind,
    DeclaredItemKind,
    EngagementKind,
    LanguageLevel,
    PreventionDeclarationKind,
)
from passeport.records.models import (
    Certification,
    DeclaredItem,
    EmploymentPeriod,
    Engagement,
    PreventionTraining,
    Training,
)
from passeport.referentials.models import RomeSkill

from .forms import DateInput


class DeclareForm(DsfrBaseForm):
    """A holder's declaration of one kind of entry; form field names are model fields."""

    slug = ""
    model = None
    item_kind = ""  # DeclaredItem only
    # The class is listed in templates: do not let them instantiate it.
    do_not_call_in_templates = True
    heading = ""  # page heading
    intro = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "declaration_%s")
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_for(cls, record) -> dict:
        return {name: getattr(record, name) for name in cls.base_fields if hasattr(record, name)}

    def record_fields(self) -> dict:
        names = {field.name for field in self.model._meta.concrete_fields}
        fields = {k: v for k, v in self.cleaned_data.items() if k in names}
        for name, value in fields.items():
            if value is None and not self.model._meta.get_field(name).null:
                fields[name] = ""
        if self.item_kind:
            fields["item_kind"] = self.item_kind
        return fields

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "La date de fin suit la date de début.")
        return data


def _start(label="Date de début", required=True):
    return forms.DateField(label=label, required=required, widget=DateInput())


def _end(label="Date de fin", help_text="Laissez vide si elle est en cours."):
    return forms.DateField(label=label, required=False, help_text=help_text, widget=DateInput())


class ExperienceForm(DeclareForm):
    slug, model = "experience", EmploymentPeriod
    heading = "Déclarer une expérience professionnelle"
    intro = (
        "Un emploi salarié, un stage, une mission d'intérim… que vos employeurs n'ont pas "
        "déclaré par la DSN (par exemple avant 2017, ou à l'étranger)."
    )

    job_title = forms.CharField(label="Poste occupé", max_length=255)
    employer_name = forms.CharField(label="Employeur", max_length=255)
    contract_nature = forms.ChoiceField(
        label="Nature du contrat",
        required=False,
        choices=[("", "Non précisée"), *CONTRACT_NATURES.items()],
    )
    start_date = _start()
    end_date = _end()


class OtherExperienceForm(DeclareForm):
    slug, model, item_kind = "autre-experience", DeclaredItem, DeclaredItemKind.EXPERIENCE
    heading = "Déclarer une autre expérience"
    intro = "Une activité indépendante, une expérience à l'étranger, un projet personnel…"

    organisation_name = forms.CharField(label="Structure ou lieu", max_length=255, required=False)
    description = forms.CharField(
        label="Description", required=False, max_length=2000, widget=forms.Textarea({"rows": 3})
    )
    start_date = _start()
    end_date = _end()

    title = forms.CharField(label="Activité", max_length=255)
    # The title comes first.
    field_order = ["title"]


class EngagementForm(DeclareForm):
    slug, model = "engagement", Engagement
    heading = "Déclarer un engagement bénévole ou citoyen"
    intro = (
        "Bénévolat, responsabilités associatives, réserve, sapeur-pompier volontaire… Les "
        "activités validées au titre du compte d'engagement citoyen apparaissent d'elles-mêmes."
    )

    engagement_kind = forms.ChoiceField(label="Type d'engagement", choices=EngagementKind.choices)
    organisation_name = forms.CharField(label="Association ou structure", max_length=255)
    role = forms.CharField(label="Mission", max_length=255, required=False)
    start_date = _start()
    end_date = _end()
    hours = forms.IntegerField(label="Nombre d'heures", required=False, min_value=1)


class DiplomaForm(DeclareForm):
    slug, model = "diplome", Certification
    heading = "Déclarer un diplôme ou une certification"
    intro = (
        "Un diplôme, un titre ou une certification obtenu en France que votre certificateur "
        "n'a pas encore transmis. Pour un diplôme étranger, utilisez le formulaire dédié."
    )

    certification_kind = forms.ChoiceField(
        label="Répertoire", choices=CertificationKind.choices, widget=forms.RadioSelect
    )
    code = forms.CharField(
        label="Code RNCP ou RS",
        required=False,
        max_length=20,
        help_text="Par exemple RNCP34321 ou RS5286, si vous le connaissez.",
    )
    level = forms.TypedChoiceField(
        label="Niveau européen",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Non précisé")] + [(n, f"Niveau {n}") for n in range(1, 9)],
    )
    certifier_name = forms.CharField(
        label="Organisme certificateur ou établissement", max_length=255, required=False
    )
    awarded_on = forms.DateField(label="Date d'obtention", widget=DateInput())

    title = forms.CharField(label="Intitulé du diplôme", max_length=500)
    # The title comes first.
    field_order = ["title"]

    def clean(self):
        data = super().clean()
        code = (data.get("code") or "").replace(" ", "").upper()
        kind = data.get("certification_kind")
        if code and (kind == CertificationKind.OTHER or not re.fullmatch(rf"{kind}\d+", code)):
            self.add_error("code", f"Le code attendu commence par {kind} suivi de chiffres.")
        data["code"] = code
        return data


class ForeignDiplomaForm(DeclareForm):
    slug, model, item_kind = "diplome-etranger", DeclaredItem, DeclaredItemKind.FOREIGN_DIPLOMA
    heading = "Déclarer un diplôme étranger"
    intro = (
        "Un diplôme obtenu hors de France. Indiquez, si vous en avez une, l'attestation de "
        "comparabilité délivrée par France Éducation international (ENIC-NARIC)."
    )

    organisation_name = forms.CharField(label="Établissement", max_length=255, required=False)
    country = forms.CharField(label="Pays de délivrance", max_length=100)
    start_date = forms.DateField(label="Date d'obtention", required=False, widget=DateInput())
    description = forms.CharField(
        label="Comparabilité en France",
        required=False,
        max_length=2000,
        help_text="Par exemple : attestation de comparabilité ENIC-NARIC, niveau 6.",
        widget=forms.Textarea({"rows": 3}),
    )

    title = forms.CharField(label="Intitulé du diplôme", max_length=255)
    # The title comes first.
    field_order = ["title"]

    @classmethod
    def initial_for(cls, record):
        return {
            **super().initial_for(record),
            "title": record.title,
            "country": record.details.get("country", ""),
        }

    def record_fields(self):
        fields = super().record_fields()
        fields["details"] = {"country": self.cleaned_data["country"]}
        return fields


class TrainingForm(DeclareForm):
    slug, model = "formation", Training
    heading = "Déclarer une formation"
    intro = "Une formation suivie hors du compte personnel de formation."

    provider_name = forms.CharField(label="Organisme de formation", max_length=255, required=False)
    start_date = _start()
    end_date = _end()
    hours = forms.IntegerField(label="Durée (heures)", required=False, min_value=1)

    title = forms.CharField(label="Intitulé de la formation", max_length=500)
    # The title comes first.
    field_order = ["title"]


class PreventionForm(DeclareForm):
    slug, model = "prevention", PreventionTraining
    heading = "Déclarer une formation en santé et sécurité au travail"
    intro = (
        "Une formation suivie de votre propre initiative (sauveteur secouriste du travail, "
        "habilitation électrique, CACES…). Celles déclarées par votre employeur ou votre "
        "organisme de formation apparaissent d'elles-mêmes."
    )

    declaration_kind = forms.ChoiceField(
        label="Justificatif",
        choices=PreventionDeclarationKind.choices,
        widget=forms.RadioSelect,
    )
    provider_name = forms.CharField(label="Organisme de formation", max_length=255, required=False)
    start_date = _start(required=False)
    end_date = forms.DateField(label="Date de fin", required=False, widget=DateInput())
    valid_from = forms.DateField(label="Valable à partir du", widget=DateInput())
    valid_until = forms.DateField(
        label="Valable jusqu'au",
        required=False,
        help_text="Laissez vide si elle n'expire pas.",
        widget=DateInput(),
    )

    title = forms.CharField(label="Intitulé de la formation", max_length=500)
    # The title comes first.
    field_order = ["title"]

    def clean(self):
        data = super().clean()
        end, start, until = data.get("end_date"), data.get("valid_from"), data.get("valid_until")
        if end and start and start < end:
            self.add_error(
                "valid_from", "La validité commence au plus tôt à la fin de la formation."
            )
        if start and until and until < start:
            self.add_error("valid_until", "La fin de validité suit son début.")
        return data


class LanguageForm(DeclareForm):
    slug, model, item_kind = "langue", DeclaredItem, DeclaredItemKind.LANGUAGE
    heading = "Déclarer une langue"
    intro = "Votre niveau selon le cadre européen commun de référence pour les langues (CECRL)."

    language_level = forms.ChoiceField(
        label="Niveau", choices=LanguageLevel.choices, widget=forms.RadioSelect
    )

    title = forms.CharField(label="Langue", max_length=100)
    # The title comes first.
    field_order = ["title"]


DRIVING_LICENCES = [
    ("AM", "AM — cyclomoteur"),
    ("A1", "A1 — motocyclette légère"),
    ("A2", "A2 — motocyclette de puissance moyenne"),
    ("A", "A — motocyclette"),
    ("B", "B — véhicule léger"),
    ("BE", "BE — véhicule léger avec remorque"),
    ("C1", "C1 — poids lourd de moins de 7,5 t"),
    ("C1E", "C1E"),
    ("C", "C — poids lourd"),
    ("CE", "CE — poids lourd avec remorque"),
    ("D1", "D1 — minibus"),
    ("D1E", "D1E"),
    ("D", "D — autobus, autocar"),
    ("DE", "DE"),
]


class DrivingLicenceForm(DeclareForm):
    slug, model, item_kind = "permis", DeclaredItem, DeclaredItemKind.DRIVING_LICENCE
    heading = "Déclarer un permis de conduire"
    intro = "Une catégorie de permis à la fois."

    category = forms.ChoiceField(label="Catégorie", choices=DRIVING_LICENCES)
    start_date = forms.DateField(label="Obtenu le", required=False, widget=DateInput())

    @classmethod
    def initial_for(cls, record):
        return {**super().initial_for(record), "category": record.details.get("category", "")}

    def record_fields(self):
        fields = super().record_fields()
        category = self.cleaned_data["category"]
        fields["title"] = f"Permis {category}"
        fields["details"] = {"category": category}
        return fields


class ProfessionalCardForm(DeclareForm):
    slug, model, item_kind = "carte-pro", DeclaredItem, DeclaredItemKind.PROFESSIONAL_CARD
    heading = "Déclarer une carte professionnelle"
    intro = "Carte d'identification professionnelle du BTP, carte VTC, carte d'agent immobilier…"

    organisation_name = forms.CharField(label="Délivrée par", max_length=255, required=False)
    start_date = forms.DateField(label="Délivrée le", required=False, widget=DateInput())
    end_date = forms.DateField(label="Valable jusqu'au", required=False, widget=DateInput())

    title = forms.CharField(label="Carte", max_length=255)
    # The title comes first.
    field_order = ["title"]


class SkillForm(DeclareForm):
    """Skills: free text, and ROME competences picked from the referential (search then
    pick: by htmx as you type, or with the "Rechercher" button without JavaScript)."""

    slug, model, item_kind = "competence", DeclaredItem, DeclaredItemKind.SKILL
    heading = "Déclarer des compétences"
    intro = (
        "Choisissez des compétences du répertoire opérationnel des métiers (ROME) de "
        "France Travail, ou décrivez-en une avec vos mots."
    )

    q = forms.CharField(
        label="Rechercher une compétence du ROME",
        required=False,
        max_length=100,
        help_text="Au moins 2 caractères, par exemple « soudure » ou « accueil ».",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    rome_skills = forms.MultipleChoiceField(
        label="Compétences choisies", required=False, widget=forms.CheckboxSelectMultiple
    )
    free_text = forms.CharField(
        label="Ou décrivez une compétence avec vos mots", required=False, max_length=255
    )

    def __init__(self, *args, results=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Choices: what was already ticked (checked against the referential) + results.
        ticked = self.data.getlist("rome_skills") if self.is_bound else []
        skills = {s.ogr: s for s in RomeSkill.objects.filter(ogr__in=ticked[:50]).order_by()}
        for skill in results:
            skills.setdefault(skill.ogr, skill)
        self.skills = skills
        self.fields["q"].widget.attrs.update(
            {
                "hx-get": reverse("holder:skill_search"),
                "hx-trigger": "input changed delay:400ms, search",
                "hx-target": "#skill-choices",
                "hx-include": "#skill-choices",
                "aria-controls": "skill-choices",
            }
        )
        self.fields["rome_skills"].choices = [(ogr, s.label) for ogr, s in skills.items()]

    def clean(self):
        data = super().clean()
        if not data.get("rome_skills") and not (data.get("free_text") or "").strip():
            raise forms.ValidationError(
                "Choisissez au moins une compétence dans la liste ou décrivez-en une."
            )
        return data

    def records_fields(self) -> list[dict]:
        """One declared item per skill."""
        items = [
            {
                "item_kind": self.item_kind,
                "title": self.skills[ogr].label[:255],
                "rome_skills": [ogr],
            }
            for ogr in self.cleaned_data["rome_skills"]
        ]
        if text := (self.cleaned_data.get("free_text") or "").strip():
            items.append({"item_kind": self.item_kind, "title": text, "rome_skills": []})
        return items


class SkillEditForm(DeclareForm):
    slug, model, item_kind = "competence", DeclaredItem, DeclaredItemKind.SKILL
    heading = "Modifier une compétence"

    description = forms.CharField(
        label="Précisions", required=False, max_length=2000, widget=forms.Textarea({"rows": 3})
    )

    title = forms.CharField(label="Compétence", max_length=255)
    # The title comes first.
    field_order = ["title"]


DECLARE_FORMS = {
    form.slug: form
    for form in (
        ExperienceForm,
        EngagementForm,
        OtherExperienceForm,
        DiplomaForm,
        ForeignDiplomaForm,
        TrainingForm,
        PreventionForm,
        SkillForm,
        LanguageForm,
        DrivingLicenceForm,
        ProfessionalCardForm,
    )
}

# The form that edits a declared record.
_EDIT_BY_ITEM_KIND = {
    DeclaredItemKind.EXPERIENCE: OtherExperienceForm,
    DeclaredItemKind.OTHER: OtherExperienceForm,
    DeclaredItemKind.FOREIGN_DIPLOMA: ForeignDiplomaForm,
    DeclaredItemKind.SKILL: SkillEditForm,
    DeclaredItemKind.LANGUAGE: LanguageForm,
    DeclaredItemKind.DRIVING_LICENCE: DrivingLicenceForm,
    DeclaredItemKind.PROFESSIONAL_CARD: ProfessionalCardForm,
}
_EDIT_BY_MODEL = {
    EmploymentPeriod: ExperienceForm,
    Engagement: EngagementForm,
    Certification: DiplomaForm,
    Training: TrainingForm,
    PreventionTraining: PreventionForm,
}


def edit_form_class(record) -> type[DeclareForm]:
    if isinstance(record, DeclaredItem):
        return _EDIT_BY_ITEM_KIND[record.item_kind]
    return _EDIT_BY_MODEL[type(record)]
