"""Jobs held → ROME jobs: a proposal from the job title and its PCS-ESE code, which the
holder confirms, corrects or dismisses once per distinct title.

The title (DSN `libellé emploi`, S21.G00.40.006, or a declared experience's title) is
searched word by word over the ROME appellations (accent- and case-insensitive); the
PCS-ESE code (S21.G00.40.004) says whether the job is a cadre's one (group 3) or not
(groups 4 to 6), which the appellations carry too (`emploi_cadre`): agreeing ones come
first. No public PCS-ESE → ROME table exists (see shared/data/README.md), so the code
only orders candidates, it never chooses alone.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from passeport.journal.services import Event, log
from passeport.referentials.models import RomeAppellation
from passeport.referentials.text import normalize

from .enums import JobMatchStatus
from .models import JobMatch

CANDIDATES = 5
# Words of DSN titles that name no job: articles, gender marks ("H/F"), contract words.
_STOPWORDS = frozenset(
    """
    a au aux de des du d l la le les en et h f hf e ou sur pour par un une cdi cdd temps
    partiel plein stagiaire apprenti apprentie alternant alternante
    """.split()  # noqa: SIM905
)


def label_key(title: str, pcs_ese: str = "") -> str:
    """What "the same title" means: its words without numbers, articles or gender
    marks ("Agent d'entretien H/F" = "AGENT ENTRETIEN"), and the same PCS-ESE code."""
    return f"{' '.join(title_words(title))}|{(pcs_ese or '').strip()}"[:300]


def title_words(title: str) -> list[str]:
    return [
        word
        for word in normalize(title).split()
        if len(word) >= 2 and not word.isdigit() and word not in _STOPWORDS
    ]


def executive_of(pcs_ese: str) -> bool | None:
    """PCS-ESE group 3 (cadres) → True; 4, 5, 6 → False; else unknown."""
    first = (pcs_ese or "").strip()[:1]
    if first == "3":
        return True
    if first in ("4", "5", "6"):
        return False
    return None


def candidates(title: str, pcs_ese: str = "", *, limit=CANDIDATES) -> list[RomeAppellation]:
    """The appellations a title most likely stands for, best first."""
    words = title_words(title)
    if not words:
        return []
    queryset = RomeAppellation.objects.select_related("rome").order_by()
    every = Q()
    for word in words:
        every &= Q(search_text__contains=word)
    pool = list(queryset.filter(every)[:300])
    if not pool:
        some = Q()
        for word in words:
            if len(word) >= 3:
                some |= Q(search_text__contains=word)
        pool = list(queryset.filter(some)[:600]) if some else []
    executive = executive_of(pcs_ese)
    phrase = f" {' '.join(words)} "

    def rank(appellation):
        text = f" {appellation.search_text} "
        found = sum(1 for word in words if word in text)
        whole = sum(1 for word in words if f" {word} " in text)
        agrees = executive is None or appellation.executive in (None, executive)
        return (
            -found,
            phrase not in text,
            -whole,
            not agrees,
            len(appellation.search_text.split()) - found,
            appellation.label,
        )

    return sorted(pool, key=rank)[:limit]


def sync_proposals(person, titles: dict[str, tuple[str, str]], known: set[str]) -> list[JobMatch]:
    """Creates a proposal for each title not seen yet (`titles`: label key → (title,
    PCS-ESE); `known`: the keys that already have a JobMatch). Idempotent."""
    created = []
    for key, (title, pcs) in titles.items():
        if key in known:
            continue
        found = candidates(title, pcs)
        created.append(
            JobMatch(
                person=person,
                label_key=key,
                job_title=title[:255],
                pcs_ese=pcs[:4],
                proposed=found[0] if found else None,
                candidates=[appellation.ogr for appellation in found[1:]],
            )
        )
    if created:
        JobMatch.objects.bulk_create(created, ignore_conflicts=True)
    return created


def _journal(match: JobMatch, actor) -> None:
    log(
        Event(
            actor,
            f"orientation.job_{match.status}",
            "orientation.JobMatch",
            str(match.public_id),
            match.person_id,
            payload={
                "job_title": match.job_title,
                "appellation": match.appellation.ogr if match.appellation_id else "",
            },
        )
    )


@transaction.atomic
def decide(match: JobMatch, status: str, *, actor, appellation=None) -> JobMatch:
    """Confirm the proposal, correct it with another appellation, or dismiss the title
    (it then gives no competence). The holder may decide again later."""
    if status == JobMatchStatus.CONFIRMED:
        if match.proposed_id is None:
            raise ValueError("Aucun métier n'a été proposé pour cet intitulé : choisissez-en un.")
        appellation = match.proposed
    elif status == JobMatchStatus.CORRECTED:
        if appellation is None:
            raise ValueError("Choisissez le métier qui correspond à cet emploi.")
        if appellation.pk == match.proposed_id:
            status = JobMatchStatus.CONFIRMED
    elif status == JobMatchStatus.DISMISSED:
        appellation = None
    else:
        raise ValueError(f"Décision inconnue : {status}.")
    match.status = status
    match.appellation = appellation
    match.decided_at = timezone.now()
    match.save(update_fields=["status", "appellation", "decided_at"])
    _journal(match, actor)
    return match
