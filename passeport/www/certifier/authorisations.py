"""The certifier's space: the training providers it authorises to prepare to its
certifications (a referencing rule of the CPF catalogue). Members of the certifier only;
another organisation's space is a 404."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST
from dsfr.forms import DsfrBaseForm

from passeport.catalog import authorisations
from passeport.catalog.models import CertifierAuthorisation
from passeport.journal.actors import Actor
from passeport.organisations.models import Organisation

from .permissions import can_submit_accrochage
from .views import render


class GrantForm(DsfrBaseForm):
    code = forms.ChoiceField(label="Certification")
    provider_siret = forms.CharField(
        label="SIRET de l'organisme de formation", min_length=14, max_length=14
    )


def _certifier(request, organisation):
    certifier = get_object_or_404(Organisation, public_id=organisation)
    if not can_submit_accrochage(request.user, certifier):
        raise Http404
    return certifier


@require_http_methods(["GET", "POST"])
def authorisation_list(request, organisation):
    certifier = _certifier(request, organisation)
    form = GrantForm(request.POST or None)
    form.fields["code"].choices = [
        (fiche.code, f"{fiche.code} – {fiche.title[:120]}")
        for fiche in authorisations.fiches_of(certifier)
    ]
    if request.method == "POST" and form.is_valid():
        try:
            authorisations.grant(
                certifier,
                code=form.cleaned_data["code"],
                provider_siret=form.cleaned_data["provider_siret"],
                actor=Actor.for_user(request.user),
            )
        except authorisations.AuthorisationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Habilitation accordée.")
            return redirect("certifier:authorisations", certifier.public_id)
    granted = (
        CertifierAuthorisation.objects.filter(certifier=certifier)
        .select_related("provider")
        .order_by("-granted_at", "pk")
    )
    return render(
        request,
        "certifier/authorisations.html",
        {"organisation": certifier, "form": form, "granted": granted},
    )


@require_POST
def authorisation_revoke(request, organisation, authorisation_id):
    certifier = _certifier(request, organisation)
    authorisation = get_object_or_404(
        CertifierAuthorisation, pk=authorisation_id, certifier=certifier
    )
    authorisations.revoke(authorisation, actor=Actor.for_user(request.user))
    messages.success(request, "Habilitation retirée.")
    return redirect("certifier:authorisations", certifier.public_id)
