"""What orientation precomputes from the referentials, the same for everyone, after
each `load_referentials` (and by `manage.py rebuild_orientation_index`).

`PreventionKindSkill`: the ROME items each kind of the maintained prevention catalogue
stands for, found by the catalogue's own `classify` applied to the items' labels ("CACES
R489 catégorie 1-3-5 - Chariots élévateurs" → CACES_R489), so that a prevention training
in a passport gives its holder those items without any per-request text matching.
"""

import logging
import time

from django.db import transaction

from passeport.core.bulk import bulk_insert
from passeport.prevention.catalogue import classify
from passeport.referentials.models import RomeSkill

from .models import PreventionKindSkill

logger = logging.getLogger(__name__)

# Items whose labels name things rather than abilities ("Gestion des stocks
# d'extincteurs", software names): a keyword in them says nothing of a training.
EXCLUDED_CATEGORIES = ("Produits, outils et matières",)
EXCLUDED_SUBCATEGORIES = ("Logiciels, progiciels",)


@transaction.atomic
def rebuild_prevention_index() -> int:
    """Replaces every PreventionKindSkill; returns the number of rows. Idempotent."""
    rows = []
    items = (
        RomeSkill.objects.filter(is_macro=False)
        .exclude(category__in=EXCLUDED_CATEGORIES)
        .exclude(subcategory__in=EXCLUDED_SUBCATEGORIES)
        .values_list("id", "label")
        .order_by("id")
    )
    for skill_id, label in items:
        kind = classify(label)
        if kind is not None:
            rows.append(PreventionKindSkill(kind=kind.code, skill_id=skill_id))
    PreventionKindSkill.objects.all().delete()
    bulk_insert(PreventionKindSkill, rows)
    return len(rows)


def on_referentials_loaded(sender, sources, **kwargs):
    if "rome" in sources or not PreventionKindSkill.objects.exists():
        started = time.perf_counter()
        count = rebuild_prevention_index()
        logger.info(
            "Orientation : %s compétences des types de formation de prévention en %.1f s.",
            count,
            time.perf_counter() - started,
        )
