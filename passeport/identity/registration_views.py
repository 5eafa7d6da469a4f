"""The page a professional reaches when ProConnect vouches for them but their organisation
(SIRET) is unknown: a registration request instead of a dead end, then its receipt."""

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from dsfr.forms import DsfrBaseForm

from . import registration

SESSION_KEY = "identity_registration"
SENT_KEY = "identity_registration_sent"


def remember(session, provider: str, claims) -> None:
    """Keeps what ProConnect vouched for (never typed by the person) for the form."""
    session[SESSION_KEY] = {
        "provider": provider,
        "sub": claims.sub,
        "email": claims.email,
        "given_name": claims.given_name,
        "usual_name": claims.usual_name,
        "siret": claims.siret,
    }


class RegistrationForm(DsfrBaseForm):
    name = forms.CharField(label="Raison sociale de l'organisation", max_length=255)
    kinds = forms.MultipleChoiceField(
        label="Rôles de l'organisation",
        help_text="Cochez chaque rôle que votre organisation tient sur le service.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins un rôle de l'organisation."},
    )
    nda_number = forms.CharField(
        label="Numéro de déclaration d'activité",
        help_text="Obligatoire pour un organisme de formation : 11 chiffres.",
        max_length=11,
        required=False,
    )
    certifier_id_client = forms.CharField(
        label="idClient de certificateur",
        help_text="Obligatoire pour un certificateur : l'identifiant de 8 caractères attribué "
        "par la Caisse des Dépôts.",
        max_length=8,
        required=False,
    )
    message = forms.CharField(
        label="Message pour l'agent qui examinera la demande",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = registration.requestable_kinds()


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def register(request):
    identity = request.session.get(SESSION_KEY)
    if not identity:
        return redirect("identity:login")
    form = RegistrationForm(request.POST or None, auto_id="inscription_%s")
    if request.method == "POST" and form.is_valid():
        try:
            sent = registration.submit(identity, **form.cleaned_data)
        except registration.RegistrationRefused as refusal:
            form.add_error(refusal.field or None, refusal.message)
        else:
            del request.session[SESSION_KEY]
            request.session[SENT_KEY] = str(sent.public_id)
            return redirect("identity:registration_sent")
    return render(
        request,
        "identity/registration.html",
        {"form": form, "identity": identity},
        status=400 if form.errors else 200,
    )


@login_not_required
@never_cache
@require_GET
def registration_sent(request):
    public_id = request.session.get(SENT_KEY)
    sent = (
        registration.RegistrationRequest.objects.filter(public_id=public_id).first()
        if public_id
        else None
    )
    if sent is None:
        return redirect("identity:login")
    return render(request, "identity/registration_sent.html", {"sent": sent})
