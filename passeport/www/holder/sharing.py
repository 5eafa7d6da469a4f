"""The holder's share links: choose published entries, an expiry and optionally who the
link is for; copy the link (again, at any time); see who opened it and when; revoke it."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from dsfr.forms import DsfrBaseForm

from passeport.documents import builders
from passeport.journal.actors import Actor
from passeport.sharing import services as sharing
from passeport.sharing.models import ShareLink

from .access import holder_required
from .cv import entry_choice, parse_choices
from .forms import DateInput


class ShareForm(DsfrBaseForm):
    entries = forms.MultipleChoiceField(
        label="Entrées à partager",
        help_text="Seules vos entrées publiées peuvent être partagées.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une entrée à partager."},
    )
    expires_on = forms.DateField(
        label="Le lien expire le",
        widget=DateInput(),
        error_messages={"invalid": "Saisissez une date valide, par exemple 23/02/2027."},
    )
    recipient = forms.CharField(
        label="Destinataire",
        required=False,
        max_length=120,
        help_text="Par exemple « Recruteur de la société X » : vous le verrez dans la liste "
        "des ouvertures du lien.",
    )

    def __init__(self, *args, records=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].choices = [entry_choice(r, today) for r in records]
        self.fields["expires_on"].help_text = (
            f"Au plus tard le {sharing.max_expiry(today):%d/%m/%Y} ; par défaut dans "
            f"{(sharing.default_expiry(today) - today).days} jours."
        )


def _link_or_404(request, public_id) -> ShareLink:
    return get_object_or_404(ShareLink, public_id=public_id, person=request.user.person)


@require_GET
@holder_required
def share_list(request):
    now = timezone.now()
    links = list(
        ShareLink.objects.filter(person=request.user.person).order_by("-created_at", "-pk")
    )
    for link in links:
        link.state = link.state_on(now)
    return render(request, "holder/sharing/list.html", {"links": links})


@require_http_methods(["GET", "POST"])
@holder_required
def share_create(request):
    person = request.user.person
    today = timezone.localdate()
    records = builders.publishable_records(person)
    form = ShareForm(
        request.POST if request.method == "POST" else None,
        records=records,
        today=today,
        initial={"expires_on": sharing.default_expiry(today)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            link, _token = sharing.create_link(
                person,
                records=parse_choices(person, form.cleaned_data["entries"]),
                expires_on=form.cleaned_data["expires_on"],
                recipient=form.cleaned_data["recipient"],
                actor=Actor.for_user(request.user),
            )
        except sharing.SharingError as error:
            form.add_error(error.field or None, error.message)
        else:
            messages.success(request, "Votre lien de partage est prêt : copiez-le ci-dessous.")
            return redirect("holder:share_detail", link.public_id)
    return render(
        request,
        "holder/sharing/form.html",
        {"form": form, "has_entries": bool(records)},
        status=400 if form.is_bound else 200,
    )


@require_GET
@holder_required
def share_detail(request, public_id):
    link = _link_or_404(request, public_id)
    now = timezone.now()
    return render(
        request,
        "holder/sharing/detail.html",
        {
            "link": link,
            "state": link.state_on(now),
            "url": sharing.share_url(link),
            "entries": sharing.shared_entries(link, timezone.localdate()),
            "views": list(link.views.order_by("-at", "-pk")[:200]),
        },
    )


@require_POST
@holder_required
def share_revoke(request, public_id):
    link = _link_or_404(request, public_id)
    sharing.revoke_link(link, actor=Actor.for_user(request.user))
    messages.success(request, "Le lien est révoqué : il ne s'ouvre plus.")
    return redirect("holder:share_detail", link.public_id)
