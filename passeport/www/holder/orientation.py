"""Mon orientation: the holder's competence profile, the jobs they held (confirmed once),
a target job and its gap, job and training leads, saved targets and their comparison.

Every page builds the profile from the passport in a fixed number of queries
(`orientation.profile`); nothing here is journaled as a read: it is the holder's own."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passeport.journal.actors import Actor
from passeport.orientation import charts, jobs, leads
from passeport.orientation import gap as gaps
from passeport.orientation import profile as profiles
from passeport.orientation.enums import JobMatchStatus
from passeport.orientation.forms import TargetSearchForm
from passeport.orientation.models import JobMatch, SavedTarget
from passeport.orientation.overview import gap_context, saved_targets
from passeport.records import services as records
from passeport.records.enums import DeclaredItemKind
from passeport.referentials.models import RomeAppellation, RomeCompetenceArea, RomeSkill
from passeport.referentials.search import search_appellations

from .access import holder_required

MAX_TARGETS = 10


def _domains() -> dict[str, str]:
    return dict(RomeCompetenceArea.objects.filter(level="domain").values_list("code", "label"))


@require_GET
@holder_required
def home(request):
    person = request.user.person
    profile = profiles.build(person)
    targets = saved_targets(person, profile)
    return render(
        request,
        "holder/orientation/home.html",
        {
            "profile": profile,
            "targets": targets,
            "form": TargetSearchForm(),
            "candidates": _candidates(profile.pending),
        },
    )


def _candidates(matches) -> dict[int, list]:
    """match id → the other appellations proposed, in one query."""
    ogrs = {ogr for match in matches for ogr in match.candidates}
    found = {a.ogr: a for a in RomeAppellation.objects.filter(ogr__in=ogrs).select_related("rome")}
    return {m.pk: [found[o] for o in m.candidates if o in found] for m in matches}


@require_GET
@holder_required
def profile(request):
    built = profiles.build(request.user.person)
    return render(
        request,
        "holder/orientation/profile.html",
        {
            "profile": built,
            "sections": gaps.sections(list(built.items.values()), _domains()),
        },
    )


@require_http_methods(["GET", "POST"])
@holder_required
def job(request, public_id):
    match = get_object_or_404(
        JobMatch.objects.select_related("proposed__rome", "appellation__rome"),
        public_id=public_id,
        person=request.user.person,
    )
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        appellation = None
        if decision == JobMatchStatus.CORRECTED:
            appellation = RomeAppellation.objects.filter(ogr=request.POST.get("ogr", "")).first()
        try:
            jobs.decide(
                match, decision, actor=Actor.for_user(request.user), appellation=appellation
            )
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _DECIDED[match.status].format(title=match.job_title))
            return redirect(request.POST.get("next") or reverse("holder:orientation_home"))
    query = request.GET.get("q", "").strip()
    results = search_appellations(query, limit=15) if len(query) >= 2 else []
    return render(
        request,
        "holder/orientation/job.html",
        {
            "match": match,
            "candidates": _candidates([match])[match.pk],
            "query": query,
            "results": results,
        },
    )


_DECIDED = {
    JobMatchStatus.CONFIRMED: "« {title} » : métier confirmé, ses compétences comptent.",
    JobMatchStatus.CORRECTED: "« {title} » : métier corrigé, ses compétences comptent.",
    JobMatchStatus.DISMISSED: "« {title} » : intitulé écarté, il ne donne aucune compétence.",
}


@require_GET
@holder_required
def search(request):
    form = TargetSearchForm(request.GET or None)
    results = []
    if form.is_valid():
        results = search_appellations(form.cleaned_data["q"], limit=30)
    return render(
        request,
        "holder/orientation/search.html",
        {"form": form, "results": results, "searched": form.is_bound},
    )


def _target(appellation="", code=""):
    try:
        return gaps.resolve(appellation=appellation, code=code)
    except gaps.TargetNotFound as error:
        raise Http404(str(error)) from error


@require_GET
@holder_required
def gap(request, ogr="", code=""):
    person = request.user.person
    target = _target(ogr, code)
    context = gap_context(person, target)
    context["saved"] = SavedTarget.objects.filter(person=person, rome_id=target.rome_id).first()
    return render(request, "holder/orientation/gap.html", context)


def _gap_url(target) -> str:
    if target.appellation_ogr:
        return reverse("holder:orientation_gap", args=[target.appellation_ogr])
    return reverse("holder:orientation_gap_rome", args=[target.code])


@require_POST
@holder_required
def declare_skill(request, ogr="", code=""):
    """« Je maîtrise cette compétence » from the gap: a declared ROME skill."""
    target = _target(ogr, code)
    skill = get_object_or_404(RomeSkill, ogr=request.POST.get("skill", ""))
    records.store_declared_item(
        request.user.person,
        actor=Actor.for_user(request.user),
        item_kind=DeclaredItemKind.SKILL,
        title=skill.label[:255],
        rome_skills=[skill.ogr],
    )
    messages.success(
        request,
        f"« {skill.label} » ajoutée à votre passeport comme compétence déclarée (privée) : "
        "elle compte désormais, comme donnée déclarée.",
    )
    return redirect(_gap_url(target) + f"#item-{skill.ogr}")


@require_POST
@holder_required
def save_target(request):
    person = request.user.person
    target = _target(request.POST.get("ogr", ""), request.POST.get("code", ""))
    if SavedTarget.objects.filter(person=person).count() >= MAX_TARGETS:
        messages.error(
            request, f"Vous gardez au plus {MAX_TARGETS} métiers visés : retirez-en un d'abord."
        )
    else:
        try:
            with transaction.atomic():
                SavedTarget.objects.create(
                    person=person,
                    rome_id=target.rome_id,
                    appellation=RomeAppellation.objects.filter(ogr=target.appellation_ogr).first(),
                )
        except IntegrityError:
            messages.info(request, "Ce métier est déjà dans vos métiers visés.")
        else:
            messages.success(request, f"« {target.label} » ajouté à vos métiers visés.")
    return redirect(_gap_url(target))


@require_POST
@holder_required
def remove_target(request, public_id):
    target = get_object_or_404(SavedTarget, public_id=public_id, person=request.user.person)
    label = target.label
    target.delete()
    messages.success(request, f"« {label} » retiré de vos métiers visés.")
    return redirect("holder:orientation_home")


def _target_of(saved: SavedTarget) -> gaps.Target:
    return gaps.Target(
        saved.rome.code,
        saved.label,
        saved.rome.label,
        saved.rome_id,
        saved.rome.parent.code if saved.rome.parent_id else "",
        saved.appellation.ogr if saved.appellation_id else "",
    )


@require_GET
@holder_required
def compare(request):
    person = request.user.person
    saved = {
        str(t.public_id): t
        for t in SavedTarget.objects.filter(person=person).select_related(
            "rome__parent", "appellation"
        )
    }
    first, second = saved.get(request.GET.get("a", "")), saved.get(request.GET.get("b", ""))
    context = {"saved": list(saved.values()), "first": first, "second": second}
    if first and second and first != second:
        built = profiles.build(person)
        one, two = (gaps.compute(built, _target_of(t)) for t in (first, second))
        missing_one = {i.skill_id: i for i in one.items if not i.covered}
        missing_two = {i.skill_id: i for i in two.items if not i.covered}
        context.update(
            gaps=(one, two),
            chart=charts.coverage_chart(
                [(first.label, one.coverage), (second.label, two.coverage)]
            ),
            common=sorted(
                (missing_one[k] for k in missing_one.keys() & missing_two.keys()),
                key=lambda i: i.order,
            ),
            only_one=sorted(
                (missing_one[k] for k in missing_one.keys() - missing_two.keys()),
                key=lambda i: i.order,
            ),
            only_two=sorted(
                (missing_two[k] for k in missing_two.keys() - missing_one.keys()),
                key=lambda i: i.order,
            ),
        )
    return render(request, "holder/orientation/compare.html", context)


@require_GET
@holder_required
def job_leads(request):
    built = profiles.build(request.user.person)
    found = leads.job_leads(built)
    return render(
        request,
        "holder/orientation/leads.html",
        {
            "profile": built,
            "mobility": [lead for lead in found if lead.kind == "mobility"],
            "overlap": [lead for lead in found if lead.kind == "overlap"],
        },
    )
