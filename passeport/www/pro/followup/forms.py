"""The forms of the employer's follow-up: the board's filters, posts, the own list."""

from django import forms
from dsfr.forms import DsfrBaseForm

from passeport.followup import board as followup
from passeport.people.matching import MatchError, match_by_nir
from passeport.prevention import catalogue


class FilterForm(DsfrBaseForm):
    famille = forms.ChoiceField(
        label="Famille de risques",
        required=False,
        choices=[("", "Toutes"), *list(catalogue.RiskFamily.choices)],
    )
    etat = forms.ChoiceField(
        label="État", required=False, choices=[("", "Tous"), *followup.Status.CHOICES]
    )
    poste = forms.ChoiceField(label="Poste", required=False)

    def __init__(self, *args, posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.posts = {str(post.public_id): post for post in posts}
        self.fields["poste"].choices = [("", "Tous")] + [
            (key, post.name) for key, post in self.posts.items()
        ]
        if not self.posts:
            del self.fields["poste"]

    def filters(self) -> followup.Filters:
        if not self.is_valid():
            return followup.Filters()
        data = self.cleaned_data
        return followup.Filters(data["famille"], data["etat"], self.posts.get(data.get("poste")))


class AssignForm(DsfrBaseForm):
    poste = forms.ChoiceField(label="Affecter à un poste")

    def __init__(self, *args, posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.posts = {str(post.public_id): post for post in posts}
        self.fields["poste"].choices = [(key, post.name) for key, post in self.posts.items()]


class NotEchoedInput(forms.TextInput):
    """A text input that never renders its value back: a page answering a wrong NIR must
    not show the NIR (the person types it again)."""

    def format_value(self, value):
        return None


class RosterForm(DsfrBaseForm):
    nir = forms.CharField(
        label="Numéro de sécurité sociale (NIR)",
        help_text="13 ou 15 caractères, sans espaces. Il n'est ni affiché ni conservé ici.",
        max_length=21,
        widget=NotEchoedInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    birth_name = forms.CharField(label="Nom de naissance", max_length=80)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["person"] = match_by_nir(data["nir"], data["birth_name"])
        except MatchError as error:
            field = "birth_name" if error.code == "birth_name_mismatch" else "nir"
            self.add_error(field, error.message)
        return data


class PostForm(DsfrBaseForm):
    name = forms.CharField(label="Intitulé du poste", max_length=150)
    required_kinds = forms.MultipleChoiceField(
        label="Formations exigées",
        choices=catalogue.CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
