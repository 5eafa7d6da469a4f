"""One employee's trainings and posts, the organisation's own list of employees, its
posts, and the reminders read."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from passeport.followup import board as followup
from passeport.followup.models import (
    Notification,
    Post,
    PostAssignment,
    RosterEntry,
    RosterState,
)
from passeport.followup.rows import employee_rows
from passeport.people.models import Person
from passeport.prevention import catalogue

from .access import employer_of, journal_reads
from .forms import AssignForm, PostForm, RosterForm


def _employee(board, person_public_id) -> Person:
    person = board.employee(person_public_id) if person_public_id else None
    if person is None:
        raise Http404("Cette personne ne figure pas parmi vos salariés.")
    return person


@require_http_methods(["GET", "POST"])
def employee(request, public_id, person_id):
    organisation = employer_of(request, public_id)
    board = followup.Board(organisation, timezone.localdate())
    person = _employee(board, person_id)
    posts = board.posts()
    form = AssignForm(posts=posts)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "retirer":
            RosterEntry.objects.update_or_create(
                employer=organisation,
                person=person,
                defaults={"state": RosterState.REMOVED, "changed_by": request.user},
            )
            messages.success(request, f"{person.display_name} ne figure plus dans le suivi.")
            return redirect("pro:followup_board", organisation.public_id)
        if action == "affecter":
            form = AssignForm(request.POST, posts=posts)
            if form.is_valid():
                PostAssignment.objects.get_or_create(
                    post=form.posts[form.cleaned_data["poste"]], person=person
                )
                messages.success(request, "Affectation enregistrée.")
                return redirect("pro:followup_employee", organisation.public_id, person.public_id)
        elif action == "desaffecter":
            PostAssignment.objects.filter(
                post__employer=organisation,
                post__public_id=request.POST.get("poste"),
                person=person,
            ).delete()
            messages.success(request, "Affectation retirée.")
            return redirect("pro:followup_employee", organisation.public_id, person.public_id)
    consented = person.consent_scope in ("all", "part")
    trainings = []
    if consented:
        today = board.day
        for training in board.visible_trainings(person).order_by("valid_until", "pk"):
            trainings.append(
                {
                    "record": training,
                    "kind": catalogue.by_code(training.training_kind),
                    "validity": (validity := training.validity(today)),
                    "entry": {"validity": validity.state, "validity_label": validity.label},
                }
            )
        journal_reads(request, organisation, [person], "Formations de prévention d'un salarié")
    row = employee_rows(board, [person])[0]
    return render(
        request,
        "pro/followup/employee.html",
        {
            "organisation": organisation,
            "person": person,
            "consented": consented,
            "trainings": trainings,
            "row": row,
            "form": form,
            "has_posts": bool(posts),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_http_methods(["GET", "POST"])
def roster(request, public_id):
    organisation = employer_of(request, public_id)
    form = RosterForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "retablir":
            entry = get_object_or_404(
                RosterEntry, employer=organisation, public_id=request.POST.get("entree")
            )
            entry.delete()  # back to what the DSN says
            messages.success(request, "La personne est rétablie selon les déclarations DSN.")
            return redirect("pro:followup_roster", organisation.public_id)
        if form.is_valid():
            person = form.cleaned_data["person"]
            RosterEntry.objects.update_or_create(
                employer=organisation,
                person=person,
                defaults={"state": RosterState.ADDED, "changed_by": request.user},
            )
            messages.success(request, f"{person.display_name} est ajouté·e au suivi.")
            return redirect("pro:followup_roster", organisation.public_id)
    entries = list(
        RosterEntry.objects.filter(employer=organisation)
        .select_related("person")
        .order_by("state", "person__birth_name", "pk")
    )
    return render(
        request,
        "pro/followup/roster.html",
        {"organisation": organisation, "form": form, "entries": entries},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_http_methods(["GET", "POST"])
def posts(request, public_id):
    organisation = employer_of(request, public_id)
    form = PostForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "supprimer":
            get_object_or_404(
                Post, employer=organisation, public_id=request.POST.get("poste")
            ).delete()
            messages.success(request, "Poste supprimé.")
            return redirect("pro:followup_posts", organisation.public_id)
        if form.is_valid():
            try:
                with transaction.atomic():
                    Post.objects.create(
                        employer=organisation,
                        name=form.cleaned_data["name"],
                        required_kinds=form.cleaned_data["required_kinds"],
                    )
            except IntegrityError:
                form.add_error("name", "Un poste porte déjà ce nom.")
            else:
                messages.success(request, "Poste créé.")
                return redirect("pro:followup_posts", organisation.public_id)
    return render(
        request,
        "pro/followup/posts.html",
        {
            "organisation": organisation,
            "form": form,
            "posts": Post.objects.filter(employer=organisation).order_by("name"),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_POST
def mark_read(request, public_id):
    organisation = employer_of(request, public_id)
    Notification.objects.filter(
        user=request.user, reminder__employer=organisation, read_at__isnull=True
    ).update(read_at=timezone.now())
    return redirect("pro:followup_board", organisation.public_id)
