"""The holder's forms: timeline filters, error reports, prevention consent (the
declaration forms are in `declare_forms.py`)."""

from django import forms
from django.conf import settings
from dsfr.forms import DsfrBaseForm

from passeport.consent.models import ConsentScope
from passeport.records.timeline import KINDS, Filters

ASSURANCE_CHOICES = [("", "Toutes"), ("guaranteed", "Garanties"), ("declared", "Déclarées")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# TimelineFilterForm.rendered_fields: the HTML of the filter fields, per submitted values.
_RENDERED_FILTERS: dict[tuple, dict[str, str]] = {}


class TimelineFilterForm(DsfrBaseForm):
    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=100,
        help_text="Un employeur, un métier, un diplôme…",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = forms.MultipleChoiceField(
        label="Nature",
        required=False,
        choices=[(slug, kind.label) for slug, kind in KINDS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    assurance = forms.ChoiceField(
        label="Garantie", required=False, choices=ASSURANCE_CHOICES, widget=forms.RadioSelect
    )
    year_from = forms.IntegerField(
        label="Depuis l'année", required=False, min_value=1900, max_value=2100
    )
    year_to = forms.IntegerField(
        label="Jusqu'à l'année", required=False, min_value=1900, max_value=2100
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "filtre_%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        first, last = data.get("year_from"), data.get("year_to")
        if first and last and first > last:
            self.add_error("year_to", "L'année de fin suit l'année de début.")
        return data

    def rendered_fields(self) -> dict[str, str]:
        """Each field's DSFR group, as HTML. Rendering them costs more than fetching 500
        entries, and only depends on the submitted values: a valid form's HTML is kept per
        set of values (a few dozen at most), an unbound form's once per process. Not kept
        with DEBUG, where templates change under the running server."""
        if settings.DEBUG or self.errors:
            return self._render_fields()
        key = (
            tuple((name, tuple(self.data.getlist(name))) for name in self.fields)
            if self.is_bound
            else ()
        )
        html = _RENDERED_FILTERS.get(key)
        if html is None:
            if len(_RENDERED_FILTERS) >= 64:
                _RENDERED_FILTERS.clear()
            html = _RENDERED_FILTERS[key] = self._render_fields()
        return html

    def _render_fields(self) -> dict[str, str]:
        return {name: self[name].as_field_group() for name in self.fields}

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            kinds=tuple(data.get("kind") or ()),
            assurance=data.get("assurance") or "",
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            text=data.get("q") or "",
        )


class CorrectionForm(DsfrBaseForm):
    message = forms.CharField(
        label="Quelle est l'erreur ?",
        help_text=(
            "Décrivez ce qui est inexact et ce qui serait juste. Votre message est transmis "
            "à l'organisme qui a déclaré cette information."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReasonForm(DsfrBaseForm):
    """Confirmation of a deletion."""

    confirm = forms.BooleanField(
        label="Je confirme la suppression de cette entrée de mon passeport", required=True
    )


class ConsentForm(DsfrBaseForm):
    scope = forms.ChoiceField(
        label="Ce que cet employeur peut voir",
        choices=ConsentScope.choices,
        widget=forms.RadioSelect,
    )
    lineages = forms.MultipleChoiceField(
        label="Formations visibles (si vous choisissez une partie)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, trainings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lineages"].choices = [(str(t.lineage), t.title) for t in trainings]

    def clean(self):
        data = super().clean()
        if data.get("scope") == ConsentScope.PART and not data.get("lineages"):
            self.add_error("lineages", "Choisissez au moins une formation, ou « Aucune ».")
        return data
