"""What is derived from the loaded referentials once for everyone, after a load.

`BlocSkill`: the ROME compétences and savoirs each bloc de compétences names. France
Compétences gives a bloc a title only, and a fiche its ROME codes; a bloc is linked to an
item of those jobs when their labels share enough significant words. Words are compared
by their first six letters ("préparer" and "préparation", "sécuriser" and "sécurité"):
hand-written on purpose, three lines where a stemmer library would add a dependency and
be no better on such short labels; the shared words are stored, so that every link is
explained where it is shown.
"""

import re
import time
from collections import defaultdict

from django.db import transaction

from ..models import BlocSkill, FicheBloc, FicheRome, RomeCode, RomeSkill, RomeSkillLink
from ..text import normalize
from .base import insert

# The sources whose reload changes what is derived here.
DERIVED_FROM = frozenset({"rome", "rncp"})
ROOT_LENGTH = 6
CERTIFICATIONS_CATEGORY = "Certifications et habilitations"
_WORD = re.compile(r"\w+")
# Function words and the verbs and nouns every competence label uses: sharing them says
# nothing about what a bloc and an item have in common.
STOPWORDS = frozenset(
    """
    a au aux avec ce ces cet cette d dans de des du en et l la le les leur leurs ou par
    pour sa sans se selon ses son sur sous un une y compris afin ainsi lors tout tous
    toute toutes autre autres etc lie lies liee liees relatif relative relatifs
    relatives particulier particuliere particuliers adapte adaptee adaptes adaptees
    adapter assurer realiser mettre oeuvre effectuer gerer suivre participer contribuer
    appliquer utiliser developper organiser piloter conduire exercer preparer proposer
    mener travail travaux activite activites ensemble cadre professionnel
    professionnelle professionnels professionnelles bloc blocs competence competences
    domaine situation base niveau mise place action actions demarche outils outil type
    types different differents differentes specifique specifiques general generale
    """.split()  # noqa: SIM905
)


def roots(text: str) -> frozenset[str]:
    """The significant words of a label, cut to their first letters."""
    return frozenset(
        word[:ROOT_LENGTH]
        for word in normalize(text).split()
        if len(word) >= 3 and word not in STOPWORDS and not word.isdigit()
    )


def shared_words(label: str, shared: frozenset[str]) -> list[str]:
    """The words of `label` (as written, accents kept) whose roots are in `shared`."""
    words = {}
    for word in _WORD.findall(label):
        root = normalize(word)[:ROOT_LENGTH]
        if root in shared:
            words.setdefault(root, word.lower())
    return [words[root] for root in sorted(words)]


def matches(bloc_roots: frozenset[str], item_roots: frozenset[str]) -> frozenset[str]:
    """The shared roots when they link a bloc to an item, else an empty set: two shared
    words, or the whole of a one-word item ("Anglais", "Soudage") in the bloc's title."""
    shared = bloc_roots & item_roots
    if len(shared) >= 2 or (len(item_roots) == 1 and shared and len(next(iter(shared))) >= 5):
        return shared
    return frozenset()


@transaction.atomic
def rebuild_bloc_skills() -> tuple[int, float]:
    """Replaces every BlocSkill; returns (rows, seconds). Idempotent."""
    started = time.perf_counter()
    rome_ids = dict(RomeCode.objects.values_list("code", "id"))
    skills_of_rome = defaultdict(list)
    for rome_id, skill_id in RomeSkillLink.objects.values_list("rome_id", "skill_id").order_by():
        skills_of_rome[rome_id].append(skill_id)
    romes_of_fiche = defaultdict(set)
    for fiche_id, code in FicheRome.objects.values_list("fiche_id", "rome_code").order_by():
        if code in rome_ids:
            romes_of_fiche[fiche_id].add(rome_ids[code])
    # Not the macro-compétences (too broad), nor the savoirs that are themselves other
    # certifications ("Licence pro mention …"): a bloc is not another certification.
    labels = dict(
        RomeSkill.objects.filter(is_macro=False)
        .exclude(category=CERTIFICATIONS_CATEGORY)
        .values_list("id", "label")
        .order_by()
    )
    item_roots = {skill_id: roots(label) for skill_id, label in labels.items()}

    rows = []
    for bloc_id, fiche_id, title in FicheBloc.objects.values_list(
        "id", "fiche_id", "title"
    ).order_by("id"):
        candidates = {
            skill_id
            for rome_id in romes_of_fiche.get(fiche_id, ())
            for skill_id in skills_of_rome.get(rome_id, ())
            if skill_id in item_roots
        }
        if not candidates:
            continue
        bloc_roots = roots(title)
        for skill_id in sorted(candidates):
            shared = matches(bloc_roots, item_roots[skill_id])
            if shared:
                words = ", ".join(shared_words(labels[skill_id], shared))
                rows.append(BlocSkill(bloc_id=bloc_id, skill_id=skill_id, words=words[:255]))
    BlocSkill.objects.all().delete()
    count = insert(BlocSkill, rows)
    return count, time.perf_counter() - started
