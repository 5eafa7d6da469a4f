"""The public catalogue: search (no login) and a training's page. A logged-in holder also
sees what each training would cost them (their rights first, then the rest), and on the
training's page the plan of funding and the request form."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from passeport.catalog import plan, search
from passeport.catalog.enums import EnrolmentStatus
from passeport.catalog.forms import ApplyForm, SearchForm
from passeport.catalog.models import Training
from passeport.cpf import ledger
from passeport.identity.permissions import can_view_holder_space


def _holder_person(request):
    return request.user.person if can_view_holder_space(request.user) else None


def _balances(person):
    account = ledger.account_of(person) if person else None
    return ledger.balances(account) if account else ledger.Balances()


def filters_from(form) -> search.Filters:
    data = form.cleaned_data if form.is_valid() else {}
    return search.Filters(
        text=data.get("q") or "",
        certification=data.get("certification") or "",
        rome=data.get("rome") or "",
        department=data.get("department") or "",
        region=data.get("region") or "",
        remote=bool(data.get("remote")),
        max_price_cents=data.get("max_price"),
        start_from=data.get("start_from"),
        level=data.get("level"),
    )


@login_not_required
@require_GET
def catalog_search(request):
    form = SearchForm(request.GET or None)
    today = timezone.localdate()
    page = search.search(filters_from(form), today, request.GET.get("page"))
    person = _holder_person(request)
    costs = {}
    if person:
        balances = _balances(person)
        for result in page.object_list:
            if result.sessions:
                costs[result.training.pk] = plan.compute(
                    person, result.sessions[0], result.min_price_cents, today, balances=balances
                )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "public/catalog/search.html",
        {
            "form": form,
            "page": page,
            "results": [(r, costs.get(r.training.pk)) for r in page.object_list],
            "query": query.urlencode(),
            "searched": bool(request.GET),
        },
    )


def fiche_url(fiche) -> str:
    """The fiche's page at France compétences (RNCP37827 → /recherche/rncp/37827/)."""
    if fiche is None:
        return ""
    number = fiche.code[len(fiche.kind) :]
    return f"https://www.francecompetences.fr/recherche/{fiche.kind.lower()}/{number}/"


@login_not_required
@require_GET
def training_page(request, public_id):
    training = get_object_or_404(
        Training.objects.select_related("fiche", "provider"), public_id=public_id
    )
    today = timezone.localdate()
    provider = training.provider
    sessions = list(
        search.sessions_matching(search.Filters(), today)
        .filter(action__training=training)
        .select_related("action")
        .order_by("start_date", "pk")[:30]
    )
    person = _holder_person(request)
    rows = []
    balances = _balances(person) if person else None
    for session in sessions:
        cost = (
            plan.compute(person, session, session.action.price_cents, today, balances=balances)
            if person
            else None
        )
        rows.append({"session": session, "plan": cost})
    return render(
        request,
        "public/catalog/training.html",
        {
            "training": training,
            "provider": provider,
            "qualiopi": provider.qualiopi_valid_until and provider.qualiopi_valid_until >= today,
            "rows": rows,
            "holder": person,
            "apply_form": ApplyForm(),
            "open": EnrolmentStatus.OPEN,
            "rome_codes": training.codes_of("rome"),
            "fiche_url": fiche_url(training.fiche),
        },
    )
