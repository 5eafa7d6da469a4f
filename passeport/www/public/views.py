"""Public pages: no login, opted out of the login-required default explicitly."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

PUBLICS = [
    {
        "anchor": "titulaires",
        "portal_key": "titulaires",
        "title": "Titulaires",
        "text": (
            "Salariés, indépendants, demandeurs d'emploi : retrouvez votre parcours, "
            "vos diplômes et vos formations en santé et sécurité au travail, ajoutez ce qui "
            "manque, et partagez un CV infalsifiable."
        ),
    },
    {
        "anchor": "employeurs",
        "portal_key": "employeurs",
        "title": "Employeurs",
        "text": (
            "Déclarez les formations en santé et sécurité que vous dispensez, vérifiez celles "
            "des organismes de formation et suivez les échéances de vos salariés, avec leur "
            "accord."
        ),
    },
    {
        "anchor": "organismes",
        "portal_key": "organismes-de-formation",
        "title": "Organismes de formation",
        "text": (
            "Déclarez les attestations de formation et justificatifs de réussite de vos "
            "stagiaires, par formulaire, fichier ou API, et corrigez-les si besoin."
        ),
    },
    {
        "anchor": "certificateurs",
        "portal_key": "certificateurs",
        "title": "Certificateurs",
        "text": (
            "Déposez vos fichiers d'accrochage des certifications RNCP et RS, et recevez un "
            "accusé de traitement détaillé, passage par passage."
        ),
    },
    {
        "anchor": "financeurs",
        "portal_key": "financeurs",
        "title": "Financeurs",
        "text": (
            "Employeurs, OPCO, Régions, France Travail : abondez les comptes de formation "
            "de vos bénéficiaires, par dotation ou par règles de co-construction."
        ),
    },
]


@transaction.non_atomic_requests
@login_not_required
@require_GET
def home(request):
    return render(request, "public/home.html", {"publics": PUBLICS})


@transaction.non_atomic_requests
@login_not_required
@require_GET
def legal_notice(request):
    return render(request, "legal/legal_notice.html")


@transaction.non_atomic_requests
@login_not_required
@require_GET
def privacy(request):
    return render(request, "legal/privacy.html")


@transaction.non_atomic_requests
@login_not_required
@require_GET
def accessibility(request):
    return render(request, "legal/accessibility.html")


@transaction.non_atomic_requests
@login_not_required
@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "erreur", "database": "injoignable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
