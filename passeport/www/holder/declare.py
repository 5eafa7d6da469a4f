"""What the holder declares: new entries, corrections (a new version) and deletions
(cancellation) of their own declared entries. Guaranteed entries are never editable
here (403): their holder reports an error to the declarant instead."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from passeport.journal.actors import Actor
from passeport.records import services as records
from passeport.records.enums import RecordStatus
from passeport.records.timeline import kind_of
from passeport.referentials.search import search_skills

from .access import holder_required
from .declare_forms import DECLARE_FORMS, SkillForm, edit_form_class
from .forms import ReasonForm
from .views import _entry_or_404

SKILL_RESULTS = 15


def _add_model_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_GET
@holder_required
def choose(request):
    return render(request, "holder/declare_choose.html", {"forms": DECLARE_FORMS.values()})


def _skill_results(query: str):
    return search_skills(query, limit=SKILL_RESULTS) if len(query.strip()) >= 2 else []


@require_http_methods(["GET", "POST"])
@holder_required
def declare(request, form_slug):
    form_class = DECLARE_FORMS.get(form_slug)
    if form_class is None:
        raise Http404
    person = request.user.person
    actor = Actor.for_user(request.user)
    is_skill = form_class is SkillForm
    results = []
    if is_skill:
        query = (request.POST or request.GET).get("q", "")
        results = _skill_results(query)
    form_kwargs = {"results": results} if is_skill else {}
    searching = is_skill and request.POST.get("action") == "search"
    form = form_class(request.POST if request.method == "POST" else None, **form_kwargs)
    if request.method == "POST" and not searching and form.is_valid():
        try:
            with transaction.atomic():
                batch = form.records_fields() if is_skill else [form.record_fields()]
                stored = [
                    records.store(
                        form_class.model,
                        person,
                        provenance=records.Provenance.from_holder(),
                        actor=actor,
                        **fields,
                    )
                    for fields in batch
                ]
        except ValidationError as error:
            _add_model_errors(form, error)
        else:
            n = len(stored)
            messages.success(
                request,
                f"{n} élément{'s' if n > 1 else ''} ajouté{'s' if n > 1 else ''} à votre "
                "passeport, en tant que donnée déclarée (privée).",
            )
            if n == 1:
                return redirect("holder:entry", kind_of(stored[0]), stored[0].public_id)
            return redirect("holder:dashboard")
    context = {
        "form": form,
        "is_skill": is_skill,
        "query": (request.POST or request.GET).get("q", "") if is_skill else "",
        "results": results,
        "oob_status": False,
    }
    status = 400 if request.method == "POST" and not searching and form.errors else 200
    return render(request, "holder/declare.html", context, status=status)


@require_GET
@holder_required
def skill_search(request):
    """htmx: the skill picker's list, ticked skills first, then the results."""
    query = request.GET.get("q", "")
    results = _skill_results(query)
    form = SkillForm(request.GET, results=results)
    form.search_results = results
    return render(
        request,
        "holder/_skill_choices.html",
        {"form": form, "query": query, "results": form.search_results, "oob_status": True},
    )


def _own_declared(request, kind, public_id):
    record = _entry_or_404(request, kind, public_id)
    if record.is_guaranteed:
        raise PermissionDenied("Une donnée garantie ne se modifie pas : signalez l'erreur.")
    if record.status not in (RecordStatus.ACTIVE, RecordStatus.EXPIRED):
        raise PermissionDenied("Seule la version en vigueur se modifie.")
    return record


@require_http_methods(["GET", "POST"])
@holder_required
def edit(request, kind, public_id):
    record = _own_declared(request, kind, public_id)
    form_class = edit_form_class(record)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            changes = {
                name: value
                for name, value in form.record_fields().items()
                if getattr(record, name) != value
            }
            if not changes:
                messages.info(request, "Aucune modification.")
                return redirect("holder:entry", kind, record.public_id)
            try:
                new = records.revise(
                    record,
                    actor=Actor.for_user(request.user),
                    reason="Modifiée par le titulaire",
                    **changes,
                )
            except ValidationError as error:
                _add_model_errors(form, error)
            except records.RecordError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    "Entrée modifiée : la version précédente reste dans son historique. "
                    "Publiez-la de nouveau si vous souhaitez la partager.",
                )
                return redirect("holder:entry", kind, new.public_id)
    else:
        form = form_class(initial=form_class.initial_for(record))
    return render(
        request,
        "holder/edit.html",
        {"form": form, "record": record, "kind": kind},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@holder_required
def delete(request, kind, public_id):
    record = _own_declared(request, kind, public_id)
    form = ReasonForm(request.POST if request.method == "POST" else None, auto_id="suppression_%s")
    if request.method == "POST" and form.is_valid():
        records.cancel(
            record, actor=Actor.for_user(request.user), reason="Supprimée par le titulaire"
        )
        messages.success(request, f"« {record} » a été supprimée de votre passeport.")
        return redirect("holder:dashboard")
    return render(
        request,
        "holder/delete.html",
        {"form": form, "record": record, "kind": kind},
        status=400 if form.errors else 200,
    )
