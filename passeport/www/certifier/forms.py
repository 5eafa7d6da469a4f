from django import forms
from dsfr.forms import DsfrBaseForm

from passeport.core.forms import UPLOAD_TEMPLATE
from passeport.ingest.accrochage.services import max_bytes


class AccrochageUploadForm(DsfrBaseForm):
    file = forms.FileField(
        template_name=UPLOAD_TEMPLATE,
        label="Fichier d'accrochage (XML)",
        help_text=(
            "Fichier XML conforme au schéma de la Caisse des Dépôts (v1.1.2, ajouts 1.1.5 "
            "acceptés)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        limit = max_bytes()
        if file.size > limit:
            raise forms.ValidationError(
                f"Le fichier dépasse la taille maximale de {limit // 1_048_576} Mo : "
                "découpez-le en plusieurs fichiers."
            )
        if not file.name.lower().endswith(".xml"):
            raise forms.ValidationError("Le fichier doit être au format XML (.xml).")
        return file
