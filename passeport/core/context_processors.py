from types import SimpleNamespace

from django.conf import settings

# What django-dsfr's templates read as SITE_CONFIG, without its per-request database query.
_SITE = SimpleNamespace(
    site_title="Passeport de compétences",
    site_tagline="Votre parcours, vos formations, vos diplômes et votre passeport de prévention",
    header_brand_html="République<br>Française",
    footer_brand_html="République<br>Française",
    beta_tag=True,
    mourning=False,
    notice_title="",
    notice_description="",
    footer_description=(
        "Service public du passeport d'orientation, de formation et de compétences "
        "et du passeport de prévention."
    ),
)


def site(request):
    # The skip links django-dsfr's base template expects.
    return {
        "SITE_CONFIG": _SITE,
        "SITE_URL": settings.SITE_URL,
        "skiplinks": [
            {"link": "#content", "label": "Contenu"},
            {"link": "#fr-navigation", "label": "Menu"},
            {"link": "#footer", "label": "Pied de page"},
        ],
    }
